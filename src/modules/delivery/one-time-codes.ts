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
import type { Clock } from '../../platform/clock.ts';
import type { OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import { newId } from '../../platform/ids.ts';
import { constantTimeEqual } from '../../platform/crypto/hash.ts';
import { randomHex, randomInt } from '../../platform/crypto/random.ts';
import { hashToken, newToken } from '../../platform/crypto/tokens.ts';
import {
  countCodesSince,
  deleteOldCodes,
  findCode,
  findCodeByMagicHash,
  findCodeOrg,
  giveBackQuota as giveBack,
  insertCode,
  markCodeUsed,
  reserveAttempt,
  takeQuota as take,
  type OneTimeCodeRow,
} from './one-time-codes.repo.ts';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 5;
export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const MAX_CODES_PER_WINDOW = 5;
export const MAX_CODES_PER_DAY = 20;
export const MAX_FAILURES_PER_DAY = 20;
/** Code requests per client IP per 15-minute window (portal sign-in: anonymous, creates rows). */
export const MAX_CODES_PER_IP = 30;

export type CodePurpose = OneTimeCodeRow['purpose'];

const codeHash = (crypto: OrgCrypto | null, id: string, code: string): string =>
  // Without an org (an unknown org id was asked for) nothing can ever match.
  crypto ? crypto.blindIndex(`${id}:${code}`, 'one-time-code') : `!${randomHex(16)}`;

/** The UTC day, or the 15-minute slot, that a moment falls in (the quota row's window). */
export const dayWindow = (now: Date): string => now.toISOString().slice(0, 10);
const slotWindow = (now: Date): string =>
  new Date(Math.floor(now.getTime() / THROTTLE_WINDOW_MS) * THROTTLE_WINDOW_MS).toISOString();

/**
 * Counts one code request from a client IP; false past the limit. The caller answers the same way
 * whatever the email (the limit depends on the address only, so it tells nothing about contacts).
 */
export function takeIpQuotaInTx(tx: Executor, clock: Clock, ip: string): Promise<boolean> {
  return take(tx, `ip:${ip}`, slotWindow(clock.now()), 'codes', MAX_CODES_PER_IP);
}

export interface IssuedCode {
  id: string;
  code: string;
  magicToken: string | null;
  throttled: boolean;
}

export async function issueCodeInTx(
  tx: Executor,
  clock: Clock,
  p: {
    orgId: string;
    crypto: OrgCrypto | null;
    purpose: CodePurpose;
    subjectId: string | null;
    throttleKey: string;
    quotaKey?: string;
    magic: boolean;
  },
): Promise<IssuedCode> {
  const now = clock.now();
  const id = newId(now.getTime());
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const throttled = { id, code, magicToken: null, throttled: true };
  // The daily counter first: it refuses past the limit and, holding its row, makes the
  // 15-minute count below see every code a concurrent request for the same key committed.
  if (!(await take(tx, p.throttleKey, dayWindow(now), 'codes', MAX_CODES_PER_DAY))) return throttled;
  if (
    (await countCodesSince(tx, p.throttleKey, new Date(now.getTime() - THROTTLE_WINDOW_MS).toISOString())) >=
    MAX_CODES_PER_WINDOW
  ) {
    await giveBack(tx, p.throttleKey, dayWindow(now), 'codes');
    return throttled;
  }
  const magicToken = p.magic ? newToken() : null;
  await insertCode(tx, {
    id,
    org_id: p.orgId,
    purpose: p.purpose,
    subject_id: p.subjectId,
    throttle_key: p.throttleKey,
    quota_key: p.quotaKey ?? p.throttleKey,
    code_hash: codeHash(p.crypto, id, code),
    magic_hash: magicToken ? hashToken('magic-link', magicToken) : null,
    attempts: 0,
    expires_at: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
    used_at: null,
    created_at: now.toISOString(),
  });
  return { id, code, magicToken, throttled: false };
}

/**
 * Consumes a code: returns its subject on success, null otherwise. Every guess first reserves one
 * of the code's attempts and one of the quota key's daily guesses (each a conditional update);
 * only a guess that got both is compared. A right guess gives the daily guess back.
 */
export async function redeemCodeInTx(
  tx: Executor,
  clock: Clock,
  crypto: OrgCrypto | null,
  p: { id: string; orgId: string; purpose: CodePurpose; code: string },
): Promise<string | null> {
  const row = await findCode(tx, p);
  const now = clock.now();
  const nowIso = now.toISOString();
  if (!row || row.used_at || row.expires_at <= nowIso) return null;
  if (!(await reserveAttempt(tx, row.id, MAX_ATTEMPTS))) return null;
  const quotaKey = row.quota_key ?? row.throttle_key;
  if (!(await take(tx, quotaKey, dayWindow(now), 'failures', MAX_FAILURES_PER_DAY))) return null;
  const expected = Buffer.from(row.code_hash);
  const presented = Buffer.from(codeHash(crypto, row.id, p.code));
  if (!constantTimeEqual(expected, presented)) return null;
  // Compare-and-set, so two concurrent redemptions cannot both succeed.
  if (!(await markCodeUsed(tx, row.id, nowIso))) return null;
  await giveBack(tx, quotaKey, dayWindow(now), 'failures');
  return row.subject_id;
}

/** Consumes a magic-link token: returns the code row (org and subject) on success. */
export async function redeemMagicInTx(
  tx: Executor,
  clock: Clock,
  token: string,
): Promise<{ orgId: string; subjectId: string | null } | null> {
  const row = await findCodeByMagicHash(tx, hashToken('magic-link', token));
  const now = clock.now().toISOString();
  if (!row || row.used_at || row.expires_at <= now || row.purpose !== 'portal-login') return null;
  return (await markCodeUsed(tx, row.id, now)) ? { orgId: row.org_id, subjectId: row.subject_id } : null;
}

/** The organization a code was issued in (to load its keys before redeeming). */
export function orgOfCodeInTx(db: Executor, id: string): Promise<string | null> {
  return findCodeOrg(db, id);
}

/**
 * Housekeeping: codes expired more than a day ago (used or not) and quota windows older than two
 * days. Nothing live is touched: a code outlives its 10 minutes by a day, a window by a day.
 */
export async function pruneCodesInTx(tx: Executor, now: Date): Promise<{ oneTimeCodes: number; codeQuotas: number }> {
  const day = 86_400_000;
  return deleteOldCodes(
    tx,
    new Date(now.getTime() - day).toISOString(),
    new Date(now.getTime() - 2 * day).toISOString().slice(0, 10),
  );
}
