// Devices a user has signed in from (table known_devices), by a hash of the device cookie.
import type { Executor } from '../../../platform/db/kysely.ts';

export async function isKnownDevice(tx: Executor, userId: string, deviceHash: string): Promise<boolean> {
  const r = await tx
    .selectFrom('known_devices')
    .select('device_hash')
    .where('user_id', '=', userId)
    .where('device_hash', '=', deviceHash)
    .executeTakeFirst();
  return r !== undefined;
}

export async function touchKnownDevice(tx: Executor, userId: string, deviceHash: string, at: string): Promise<void> {
  await tx
    .updateTable('known_devices')
    .set({ last_seen_at: at })
    .where('user_id', '=', userId)
    .where('device_hash', '=', deviceHash)
    .execute();
}

export async function insertKnownDevice(tx: Executor, userId: string, deviceHash: string, at: string): Promise<void> {
  await tx
    .insertInto('known_devices')
    .values({ user_id: userId, device_hash: deviceHash, first_seen_at: at, last_seen_at: at })
    .execute();
}
