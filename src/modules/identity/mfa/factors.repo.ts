// Staff users' second factors (identity owns the tables): authenticator apps (user_totp),
// passkeys and recovery codes (hashes only).
import type { Executor } from '../../../platform/db/kysely.ts';
import type { TotpStore } from './totp.service.ts';
import type { CredentialStore, StoredCredential } from './webauthn-ceremonies.ts';
import type { PasskeysTable } from '../identity.tables.ts';
import type { RecoveryCodesTable } from '../identity.tables.ts';

export type PasskeyRow = PasskeysTable;

/** Staff users' authenticators (table user_totp). */
export const userTotpStore: TotpStore = {
  table: 'user_totp',
  async get(ex, userId) {
    const r = await ex.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return (
      r && {
        keyOrgId: r.key_org_id,
        secretEnc: r.secret_enc,
        confirmedAt: r.confirmed_at,
        lastStep: Number(r.last_step),
        createdAt: r.created_at,
      }
    );
  },
  async put(ex, userId, r, exists) {
    const row = {
      key_org_id: r.keyOrgId,
      secret_enc: r.secretEnc,
      confirmed_at: r.confirmedAt,
      last_step: r.lastStep,
      created_at: r.createdAt,
    };
    if (exists) await ex.updateTable('user_totp').set(row).where('user_id', '=', userId).execute();
    else
      await ex
        .insertInto('user_totp')
        .values({ user_id: userId, ...row })
        .execute();
  },
  async confirm(ex, userId, at, step) {
    await ex
      .updateTable('user_totp')
      .set({ confirmed_at: at, last_step: step })
      .where('user_id', '=', userId)
      .execute();
  },
  async advance(ex, userId, from, to) {
    const r = await ex
      .updateTable('user_totp')
      .set({ last_step: to })
      .where('user_id', '=', userId)
      .where('last_step', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },
  async remove(ex, userId) {
    const r = await ex.deleteFrom('user_totp').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },
};

/** A user's authenticator enrolment state (pending when confirmed_at is null). */
export function findUserTotpState(
  db: Executor,
  userId: string,
): Promise<{ created_at: string; confirmed_at: string | null } | undefined> {
  return db
    .selectFrom('user_totp')
    .select(['created_at', 'confirmed_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

const asStored = (r: PasskeyRow): StoredCredential => ({
  id: r.id,
  ownerId: r.user_id,
  credentialId: r.credential_id,
  publicKey: r.public_key,
  counter: Number(r.counter),
  transports: JSON.parse(r.transports) as string[],
});

/** Staff users' credentials (table passkeys). */
export const userCredentialStore: CredentialStore = {
  ofOwner: async (ex, userId) => (await listPasskeys(ex, userId)).map(asStored),
  byCredentialId: async (ex, credentialId) => {
    const r = await ex.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
    return r && asStored(r);
  },
  recordUse: async (ex, id, use) => {
    await ex
      .updateTable('passkeys')
      .set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, last_used_at: use.at })
      .where('id', '=', id)
      .execute();
  },
};

export function listPasskeys(ex: Executor, userId: string): Promise<PasskeyRow[]> {
  return ex.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
}

export async function countPasskeys(ex: Executor, userId: string): Promise<number> {
  const r = await ex
    .selectFrom('passkeys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function passkeyCredentialExists(ex: Executor, credentialId: string): Promise<boolean> {
  return (
    (await ex.selectFrom('passkeys').select('id').where('credential_id', '=', credentialId).executeTakeFirst()) !==
    undefined
  );
}

export async function insertPasskey(tx: Executor, row: PasskeyRow): Promise<void> {
  await tx.insertInto('passkeys').values(row).execute();
}

/** Renames a user's passkey; the row after, or null when the user has no such passkey. */
export async function renamePasskey(
  db: Executor,
  userId: string,
  id: string,
  name: string,
): Promise<PasskeyRow | null> {
  const r = await db
    .updateTable('passkeys')
    .set({ name })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return null;
  return db.selectFrom('passkeys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export function findUserPasskey(tx: Executor, userId: string, id: string): Promise<PasskeyRow | undefined> {
  return tx.selectFrom('passkeys').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

export async function deletePasskey(tx: Executor, id: string): Promise<void> {
  await tx.deleteFrom('passkeys').where('id', '=', id).execute();
}

export async function deletePasskeysOf(tx: Executor, userId: string): Promise<number> {
  const r = await tx.deleteFrom('passkeys').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteRecoveryCodesOf(tx: Executor, userId: string): Promise<void> {
  await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

export async function insertRecoveryCodes(tx: Executor, rows: RecoveryCodesTable[]): Promise<void> {
  await tx.insertInto('recovery_codes').values(rows).execute();
}

/** Marks an unused code (by hash) used; true when this call did. */
export async function useRecoveryCode(tx: Executor, userId: string, codeHash: string, at: string): Promise<boolean> {
  const r = await tx
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Executor, userId: string): Promise<number> {
  const r = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
