// Sign-in throttle counters (table auth_throttle, one row per key). Every write is a single
// conditional statement, so the callers can serialize concurrent attempts on the same key.
import type { Executor } from '../../../platform/db/kysely.ts';
import type { AuthThrottleTable } from '../identity.tables.ts';

export type ThrottleRow = AuthThrottleTable;
type Counter = Omit<ThrottleRow, 'key'>;

export function findThrottle(db: Executor, key: string): Promise<ThrottleRow | undefined> {
  return db.selectFrom('auth_throttle').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function deleteThrottle(tx: Executor, key: string): Promise<void> {
  await tx.deleteFrom('auth_throttle').where('key', '=', key).execute();
}

/** Forgets a key whose last failure is older than `before`. */
export async function deleteThrottleIfQuietSince(tx: Executor, key: string, before: string): Promise<void> {
  await tx.deleteFrom('auth_throttle').where('key', '=', key).where('last_failure_at', '<', before).execute();
}

/** Updates the counter only if it still holds `expectedFailures`; true when it did. */
export async function updateThrottleIfUnchanged(
  tx: Executor,
  key: string,
  expectedFailures: number,
  patch: Counter,
): Promise<boolean> {
  const r = await tx
    .updateTable('auth_throttle')
    .set(patch)
    .where('key', '=', key)
    .where('failures', '=', expectedFailures)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Inserts the counter unless the key exists; true when inserted. */
export async function insertThrottleIfAbsent(tx: Executor, key: string, c: Counter): Promise<boolean> {
  const r = await tx
    .insertInto('auth_throttle')
    .values({ key, ...c })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Counts one more hit if the window (since `windowStart`) is open and under `max`; true when counted. */
export async function countHitInWindow(tx: Executor, key: string, windowStart: string, max: number): Promise<boolean> {
  const r = await tx
    .updateTable('auth_throttle')
    .set((eb) => ({ failures: eb('failures', '+', 1) }))
    .where('key', '=', key)
    .where('last_failure_at', '>', windowStart)
    .where('failures', '<', max)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Starts a new window with one hit if the last one ended by `windowStart`; true when it did. */
export async function reopenWindow(tx: Executor, key: string, windowStart: string, now: string): Promise<boolean> {
  const r = await tx
    .updateTable('auth_throttle')
    .set({ failures: 1, last_failure_at: now })
    .where('key', '=', key)
    .where('last_failure_at', '<=', windowStart)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setThrottleFailures(
  tx: Executor,
  key: string,
  failures: number,
  blockedUntil: string | null,
): Promise<void> {
  await tx.updateTable('auth_throttle').set({ failures, blocked_until: blockedUntil }).where('key', '=', key).execute();
}

/**
 * Deletes counters that block nothing (no lock, no running back-off) and are quiet: any quiet since
 * `quietBefore`, or, for the short-window keys (by prefix), quiet since `windowQuietBefore`.
 */
export async function deleteIdleThrottles(
  tx: Executor,
  t: { now: string; quietBefore: string; windowQuietBefore: string; windowPrefixes: string[] },
): Promise<number> {
  const r = await tx
    .deleteFrom('auth_throttle')
    .where('locked_at', 'is', null)
    .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', t.now)]))
    .where((eb) =>
      eb.or([
        eb('last_failure_at', '<', t.quietBefore),
        eb.and([
          eb('last_failure_at', '<', t.windowQuietBefore),
          eb.or(t.windowPrefixes.map((p) => eb('key', 'like', `${p}%`))),
        ]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
