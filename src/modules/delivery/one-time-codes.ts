// One-time codes sent by email (portal sign-in, sealed-link gates). A code is 6 random digits,
// valid 10 minutes, single-use, dead after 5 guesses; at most 5 codes per throttle key (an
// email's blind index, or a link) per 15 minutes and 20 per UTC day; at most 20 wrong guesses per
// quota key (an email, or a sealed link's contact) per UTC day across all its codes. Stored as a
// keyed HMAC of (code id, code) under the org's blind-index key, so a database dump alone cannot
// brute-force live codes. An optional magic-link token (256 bits, stored as SHA-256) rides along
// with portal codes.
//
// Every limit is enforced by ONE conditional statement whose affected-row count decides
// (UPDATE … SET attempts = attempts + 1 WHERE attempts < limit; INSERT … ON CONFLICT DO UPDATE
// … WHERE n < limit), never by reading a count and writing it back: on PostgreSQL, parallel
// requests read the same count and all passed (issue #10: the right code among 60 wrong ones
// sent at once was accepted after ~45 guesses). The statement row-locks what it changed, so the
// next request waits, then re-evaluates the condition against the committed value.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { OneTimeCodesTable } from './delivery.tables.ts';
import { newId } from '../../platform/ids.ts';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 5;
export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const MAX_CODES_PER_WINDOW = 5;
export const MAX_CODES_PER_DAY = 20;
export const MAX_FAILURES_PER_DAY = 20;
/** Code requests per client IP per 15-minute window (portal sign-in: anonymous, creates rows). */
export const MAX_CODES_PER_IP = 30;

export type CodePurpose = OneTimeCodesTable['purpose'];

const codeHash = (crypto: OrgCrypto | null, id: string, code: string): string =>
  // Without an org (an unknown org id was asked for) nothing can ever match.
  crypto ? crypto.blindIndex(`${id}:${code}`, 'one-time-code') : `!${randomBytes(16).toString('hex')}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The UTC day, or the 15-minute slot, that a moment falls in (the quota row's window). */
export const dayWindow = (now: Date): string => now.toISOString().slice(0, 10);
const slotWindow = (now: Date): string => new Date(Math.floor(now.getTime() / THROTTLE_WINDOW_MS) * THROTTLE_WINDOW_MS).toISOString();

/**
 * Takes one unit of a quota counter if it is under `max`, in one statement; false when the limit
 * is reached. The row lock it takes (PostgreSQL) serializes the callers of the same key until commit.
 */
async function take(tx: Executor, key: string, window: string, column: 'codes' | 'failures', max: number): Promise<boolean> {
  const r = await tx
    .insertInto('code_quotas')
    .values({ key, window_start: window, codes: column === 'codes' ? 1 : 0, failures: column === 'failures' ? 1 : 0 })
    .onConflict((oc) =>
      oc
        .columns(['key', 'window_start'])
        .doUpdateSet({ [column]: sql`code_quotas.${sql.ref(column)} + 1` })
        .where(`code_quotas.${column}`, '<', max),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

async function giveBack(tx: Executor, key: string, window: string, column: 'codes' | 'failures'): Promise<void> {
  await tx
    .updateTable('code_quotas')
    .set({ [column]: sql`${sql.ref(column)} - 1` })
    .where('key', '=', key)
    .where('window_start', '=', window)
    .where(column, '>', 0)
    .execute();
}

/**
 * Counts one code request from a client IP; false past the limit. The caller answers the same way
 * whatever the email (the limit depends on the address only, so it tells nothing about contacts).
 */
export function takeIpQuota(tx: Executor, clock: Clock, ip: string): Promise<boolean> {
  return take(tx, `ip:${ip}`, slotWindow(clock.now()), 'codes', MAX_CODES_PER_IP);
}

export interface IssuedCode {
  id: string;
  code: string;
  magicToken: string | null;
  throttled: boolean;
}

export async function issueCode(
  tx: Executor,
  clock: Clock,
  p: { orgId: string; crypto: OrgCrypto | null; purpose: CodePurpose; subjectId: string | null; throttleKey: string; quotaKey?: string; magic: boolean },
): Promise<IssuedCode> {
  const now = clock.now();
  const id = newId(now.getTime());
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const throttled = { id, code, magicToken: null, throttled: true };
  // The daily counter first: it refuses past the limit and, holding its row, makes the
  // 15-minute count below see every code a concurrent request for the same key committed.
  if (!(await take(tx, p.throttleKey, dayWindow(now), 'codes', MAX_CODES_PER_DAY))) return throttled;
  const recent = await tx
    .selectFrom('one_time_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('throttle_key', '=', p.throttleKey)
    .where('created_at', '>', new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString())
    .executeTakeFirst();
  if (Number(recent?.n ?? 0) >= MAX_CODES_PER_WINDOW) {
    await giveBack(tx, p.throttleKey, dayWindow(now), 'codes');
    return throttled;
  }
  const magicToken = p.magic ? randomBytes(32).toString('base64url') : null;
  await tx
    .insertInto('one_time_codes')
    .values({
      id,
      org_id: p.orgId,
      purpose: p.purpose,
      subject_id: p.subjectId,
      throttle_key: p.throttleKey,
      quota_key: p.quotaKey ?? p.throttleKey,
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

/**
 * Consumes a code: returns its subject on success, null otherwise. Every guess first reserves one
 * of the code's attempts and one of the quota key's daily guesses (each a conditional update);
 * only a guess that got both is compared. A right guess gives the daily guess back.
 */
export async function redeemCode(tx: Executor, clock: Clock, crypto: OrgCrypto | null, p: { id: string; orgId: string; purpose: CodePurpose; code: string }): Promise<string | null> {
  const row = await tx.selectFrom('one_time_codes').selectAll().where('id', '=', p.id).where('org_id', '=', p.orgId).where('purpose', '=', p.purpose).executeTakeFirst();
  const now = clock.now();
  const nowIso = now.toISOString();
  if (!row || row.used_at || row.expires_at <= nowIso) return null;
  const reserved = await tx
    .updateTable('one_time_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', row.id)
    .where('attempts', '<', MAX_ATTEMPTS)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  if (Number(reserved.numUpdatedRows) !== 1) return null;
  const quotaKey = row.quota_key ?? row.throttle_key;
  if (!(await take(tx, quotaKey, dayWindow(now), 'failures', MAX_FAILURES_PER_DAY))) return null;
  const expected = Buffer.from(row.code_hash);
  const presented = Buffer.from(codeHash(crypto, row.id, p.code));
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return null;
  // Compare-and-set, so two concurrent redemptions cannot both succeed.
  const r = await tx.updateTable('one_time_codes').set({ used_at: nowIso }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return null;
  await giveBack(tx, quotaKey, dayWindow(now), 'failures');
  return row.subject_id;
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

/**
 * Housekeeping: codes expired more than a day ago (used or not) and quota windows older than two
 * days. Nothing live is touched: a code outlives its 10 minutes by a day, a window by a day.
 */
export async function pruneCodes(tx: Executor, now: Date): Promise<{ oneTimeCodes: number; codeQuotas: number }> {
  const day = 86_400_000;
  const codes = await tx.deleteFrom('one_time_codes').where('expires_at', '<', new Date(now.getTime() - day).toISOString()).executeTakeFirst();
  const quotas = await tx.deleteFrom('code_quotas').where('window_start', '<', new Date(now.getTime() - 2 * day).toISOString().slice(0, 10)).executeTakeFirst();
  return { oneTimeCodes: Number(codes.numDeletedRows), codeQuotas: Number(quotas.numDeletedRows) };
}
