// Single-use, expiring tokens sent by email (verification, email change, password reset, unlock,
// sign-up confirmation): 256 random bits in the link, only their SHA-256 stored. Consuming marks
// the row used with a conditional update, so two concurrent uses cannot both succeed.
import { hashToken, newToken } from '../../../platform/crypto/tokens.ts';
import type { Clock } from '../../../platform/clock.ts';
import type { Executor } from '../../../platform/db/kysely.ts';
import { newId } from '../../../platform/ids.ts';
import {
  countEmailTokensSince,
  findEmailTokenByHash,
  insertEmailToken,
  markEmailTokenUsed,
  useUpEmailTokens,
  type EmailTokenPurpose,
  type EmailTokenRow,
} from './email-tokens.repo.ts';

export type { EmailTokenPurpose, EmailTokenRow };

export const TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  verify_email: 48 * 3_600_000,
  email_change: 24 * 3_600_000,
  password_reset: 30 * 60_000,
  unlock: 24 * 3_600_000,
  signup: 24 * 3_600_000,
};

export async function issueEmailToken(
  tx: Executor,
  clock: Clock,
  t: { purpose: EmailTokenPurpose; userId?: string | null; email?: string | null; data?: unknown },
): Promise<string> {
  const token = newToken();
  const now = clock.now();
  // A new link of the same purpose replaces the earlier ones.
  if (t.userId) await useUpEmailTokens(tx, t.userId, t.purpose, now.toISOString());
  await insertEmailToken(tx, {
    id: newId(now.getTime()),
    purpose: t.purpose,
    token_hash: hashToken('email-token', token),
    user_id: t.userId ?? null,
    email: t.email ?? null,
    data: t.data === undefined ? null : JSON.stringify(t.data),
    expires_at: new Date(now.getTime() + TOKEN_TTL_MS[t.purpose]).toISOString(),
    used_at: null,
    created_at: now.toISOString(),
  });
  return token;
}

/** Marks a live token of the purpose used and returns it; null when unknown, used, expired or of another purpose. */
export async function consumeEmailTokenInTx(
  tx: Executor,
  clock: Clock,
  purpose: EmailTokenPurpose,
  token: string,
): Promise<EmailTokenRow | null> {
  if (token.length < 20 || token.length > 100) return null;
  const now = clock.now().toISOString();
  const row = await findEmailTokenByHash(tx, hashToken('email-token', token));
  if (!row || row.purpose !== purpose || row.used_at || row.expires_at <= now) return null;
  return (await markEmailTokenUsed(tx, row.id, now)) ? { ...row, used_at: now } : null;
}

/** How many links of a purpose a user was sent since a time (mail-bombing guard). */
export function countRecentEmailTokensInTx(
  db: Executor,
  userId: string,
  purpose: EmailTokenPurpose,
  since: string,
): Promise<number> {
  return countEmailTokensSince(db, userId, purpose, since);
}
