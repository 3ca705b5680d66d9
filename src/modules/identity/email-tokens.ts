// Single-use, expiring tokens sent by email (verification, email change, password reset, unlock,
// sign-up confirmation): 256 random bits in the link, only their SHA-256 stored. Consuming marks
// the row used with a conditional update, so two concurrent uses cannot both succeed.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { EmailTokensTable } from './identity.tables.ts';
import { newId } from '../../platform/ids.ts';

export type EmailTokenPurpose = EmailTokensTable['purpose'];
export type EmailTokenRow = EmailTokensTable;

export const TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  verify_email: 48 * 3_600_000,
  email_change: 24 * 3_600_000,
  password_reset: 30 * 60_000,
  unlock: 24 * 3_600_000,
  signup: 24 * 3_600_000,
};

export const hashLinkToken = (token: string): string => createHash('sha256').update(token).digest('hex');
export const newLinkToken = (): string => randomBytes(32).toString('base64url');

export async function issueEmailToken(
  tx: Executor,
  clock: Clock,
  t: { purpose: EmailTokenPurpose; userId?: string | null; email?: string | null; data?: unknown },
): Promise<string> {
  const token = newLinkToken();
  const now = clock.now();
  // A new link of the same purpose replaces the earlier ones.
  if (t.userId) {
    await tx.updateTable('email_tokens').set({ used_at: now.toISOString() }).where('user_id', '=', t.userId).where('purpose', '=', t.purpose).where('used_at', 'is', null).execute();
  }
  await tx
    .insertInto('email_tokens')
    .values({
      id: newId(now.getTime()),
      purpose: t.purpose,
      token_hash: hashLinkToken(token),
      user_id: t.userId ?? null,
      email: t.email ?? null,
      data: t.data === undefined ? null : JSON.stringify(t.data),
      expires_at: new Date(now.getTime() + TOKEN_TTL_MS[t.purpose]).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    })
    .execute();
  return token;
}

/** Marks a live token of the purpose used and returns it; null when unknown, used, expired or of another purpose. */
export async function consumeEmailToken(tx: Executor, clock: Clock, purpose: EmailTokenPurpose, token: string): Promise<EmailTokenRow | null> {
  if (token.length < 20 || token.length > 100) return null;
  const now = clock.now().toISOString();
  const row = await tx.selectFrom('email_tokens').selectAll().where('token_hash', '=', hashLinkToken(token)).executeTakeFirst();
  if (!row || row.purpose !== purpose || row.used_at || row.expires_at <= now) return null;
  const r = await tx.updateTable('email_tokens').set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? { ...row, used_at: now } : null;
}

/** How many links of a purpose a user was sent since a time (mail-bombing guard). */
export async function countRecentEmailTokens(db: Executor, userId: string, purpose: EmailTokenPurpose, since: string): Promise<number> {
  const r = await db
    .selectFrom('email_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
