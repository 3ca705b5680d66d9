// One-time codes sent by email (portal sign-in, sealed-link gates). A code is 6 random digits,
// valid 10 minutes, single-use, dead after 5 wrong guesses; at most 5 codes per throttle key
// (an email's blind index, or a link) per 15 minutes. Stored as a keyed HMAC of (code id, code)
// under the org's blind-index key, so a database dump alone cannot brute-force live codes. An
// optional magic-link token (256 bits, stored as SHA-256) rides along with portal codes.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { OneTimeCodesTable } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 5;
export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const MAX_CODES_PER_WINDOW = 5;

export type CodePurpose = OneTimeCodesTable['purpose'];

const codeHash = (crypto: OrgCrypto | null, id: string, code: string): string =>
  // Without an org (an unknown org id was asked for) nothing can ever match.
  crypto ? crypto.blindIndex(`${id}:${code}`, 'one-time-code') : `!${randomBytes(16).toString('hex')}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface IssuedCode {
  id: string;
  code: string;
  magicToken: string | null;
  throttled: boolean;
}

export async function issueCode(
  tx: Executor,
  clock: Clock,
  p: { orgId: string; crypto: OrgCrypto | null; purpose: CodePurpose; subjectId: string | null; throttleKey: string; magic: boolean },
): Promise<IssuedCode> {
  const now = clock.now();
  const recent = await tx
    .selectFrom('one_time_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('throttle_key', '=', p.throttleKey)
    .where('created_at', '>', new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString())
    .executeTakeFirst();
  const id = newId(now.getTime());
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  if (Number(recent?.n ?? 0) >= MAX_CODES_PER_WINDOW) return { id, code, magicToken: null, throttled: true };
  const magicToken = p.magic ? randomBytes(32).toString('base64url') : null;
  await tx
    .insertInto('one_time_codes')
    .values({
      id,
      org_id: p.orgId,
      purpose: p.purpose,
      subject_id: p.subjectId,
      throttle_key: p.throttleKey,
      code_hash: codeHash(p.crypto, id, code),
      magic_hash: magicToken ? sha256(magicToken) : null,
      attempts: 0,
      expires_at: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    })
    .execute();
  return { id, code, magicToken, throttled: false };
}

/** Consumes a code: returns its subject on success; counts a failure otherwise. */
export async function redeemCode(tx: Executor, clock: Clock, crypto: OrgCrypto | null, p: { id: string; orgId: string; purpose: CodePurpose; code: string }): Promise<string | null> {
  const row = await tx.selectFrom('one_time_codes').selectAll().where('id', '=', p.id).where('org_id', '=', p.orgId).where('purpose', '=', p.purpose).executeTakeFirst();
  const now = clock.now().toISOString();
  if (!row || row.used_at || row.expires_at <= now || row.attempts >= MAX_ATTEMPTS) return null;
  const expected = Buffer.from(row.code_hash);
  const presented = Buffer.from(codeHash(crypto, row.id, p.code));
  const ok = expected.length === presented.length && timingSafeEqual(expected, presented);
  if (!ok) {
    await tx.updateTable('one_time_codes').set({ attempts: row.attempts + 1 }).where('id', '=', row.id).execute();
    return null;
  }
  // Compare-and-set, so two concurrent redemptions cannot both succeed.
  const r = await tx.updateTable('one_time_codes').set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? row.subject_id : null;
}

/** Consumes a magic-link token: returns the code row (org and subject) on success. */
export async function redeemMagic(tx: Executor, clock: Clock, token: string): Promise<{ orgId: string; subjectId: string | null } | null> {
  const row = await tx.selectFrom('one_time_codes').selectAll().where('magic_hash', '=', sha256(token)).executeTakeFirst();
  const now = clock.now().toISOString();
  if (!row || row.used_at || row.expires_at <= now || row.purpose !== 'portal-login') return null;
  const r = await tx.updateTable('one_time_codes').set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? { orgId: row.org_id, subjectId: row.subject_id } : null;
}

/** The organization a code was issued in (to load its keys before redeeming). */
export async function orgOfCode(db: Executor, id: string): Promise<string | null> {
  const row = await db.selectFrom('one_time_codes').select(['org_id']).where('id', '=', id).executeTakeFirst();
  return row?.org_id ?? null;
}
