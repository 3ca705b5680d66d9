// Emailed single-use link tokens (table email_tokens); only their hashes are stored.
import type { Executor } from '../../../platform/db/kysely.ts';
import type { EmailTokensTable } from '../identity.tables.ts';

export type EmailTokenRow = EmailTokensTable;
export type EmailTokenPurpose = EmailTokenRow['purpose'];

export async function insertEmailToken(tx: Executor, row: EmailTokenRow): Promise<void> {
  await tx.insertInto('email_tokens').values(row).execute();
}

/** Marks a user's unused links of a purpose used (a new link replaces them). */
export async function useUpEmailTokens(
  tx: Executor,
  userId: string,
  purpose: EmailTokenPurpose,
  at: string,
): Promise<void> {
  await tx
    .updateTable('email_tokens')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export function findEmailTokenByHash(db: Executor, tokenHash: string): Promise<EmailTokenRow | undefined> {
  return db.selectFrom('email_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** The user an unused link of a purpose belongs to (looked at before it is consumed). */
export async function peekUnusedEmailTokenUser(
  db: Executor,
  purpose: EmailTokenPurpose,
  tokenHash: string,
): Promise<string | null | undefined> {
  const r = await db
    .selectFrom('email_tokens')
    .select(['user_id'])
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return r?.user_id;
}

/** Marks the token used if it still is unused; true when this call did. */
export async function markEmailTokenUsed(tx: Executor, id: string, at: string): Promise<boolean> {
  const r = await tx
    .updateTable('email_tokens')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countEmailTokensSince(
  db: Executor,
  userId: string,
  purpose: EmailTokenPurpose,
  since: string,
): Promise<number> {
  const r = await db
    .selectFrom('email_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function deleteEmailTokensExpiredBefore(tx: Executor, before: string): Promise<number> {
  const r = await tx.deleteFrom('email_tokens').where('expires_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
