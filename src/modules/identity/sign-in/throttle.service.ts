// Sign-in throttling (OWASP ASVS V6.3.1, NIST SP 800-63B §5.2.2), stored in the database so it
// holds across processes. Two counters per attempt: the account (keyed by a hash of the email,
// whether or not the account exists, so answers never reveal which emails are registered) and
// the client IP. Each attempt is counted as a failure BEFORE the password is checked and given
// back on success, so parallel guesses cannot slip past the counter. After a few free failures
// each further one doubles the wait (capped); the 100th consecutive failure locks the account
// until it is unlocked by the emailed link or an administrator.
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError } from '../../../platform/errors.ts';
import {
  countHitInWindow,
  deleteThrottle,
  deleteThrottleIfQuietSince,
  findThrottle,
  insertThrottleIfAbsent,
  reopenWindow,
  setThrottleFailures,
  updateThrottleIfUnchanged,
} from './throttle.repo.ts';
import { sha256Hex } from '../../../platform/crypto/hash.ts';

export const THROTTLE = {
  accountFree: 5,
  ipFree: 20,
  maxDelayMs: 15 * 60_000,
  lockAfter: 100,
  /** An IP's failures are forgotten after this long without a failure. */
  ipWindowMs: 60 * 60_000,
} as const;

export const accountKey = (email: string): string => `acct:${sha256Hex(email.trim().toLowerCase())}`;
export const ipKey = (ip: string): string => `ip:${ip}`;

/** Wait imposed after the n-th consecutive failure: none for the free ones, then 1 s, 2 s, 4 s … capped. */
export function backoffMs(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(THROTTLE.maxDelayMs, 1000 * 2 ** Math.min(failures - free, 20));
}

export type AttemptResult = { ok: true; lockedNow: boolean } | { ok: false; retryAfterS: number; locked: boolean };

export function createThrottleService({ clock, db }: { clock: Clock; db: Database }) {
  const iso = (ms: number) => new Date(ms).toISOString();

  /** Counts one failure on a key unless it is blocked; returns the block when refused. */
  async function take(tx: Executor, key: string, free: number): Promise<AttemptResult> {
    const now = clock.now().getTime();
    if (key.startsWith('ip:')) {
      await deleteThrottleIfQuietSince(tx, key, iso(now - THROTTLE.ipWindowMs));
    }
    const row = await findThrottle(tx, key);
    if (row?.locked_at) return { ok: false, retryAfterS: Math.ceil(THROTTLE.maxDelayMs / 1000), locked: true };
    if (row?.blocked_until && Date.parse(row.blocked_until) > now) {
      return { ok: false, retryAfterS: Math.ceil((Date.parse(row.blocked_until) - now) / 1000), locked: false };
    }
    const failures = (row?.failures ?? 0) + 1;
    const delay = backoffMs(failures, free);
    const patch = {
      failures,
      last_failure_at: iso(now),
      blocked_until: delay > 0 ? iso(now + delay) : null,
      locked_at: key.startsWith('acct:') && failures >= THROTTLE.lockAfter ? iso(now) : null,
    };
    // The conditional update serializes concurrent attempts on the same key (row lock / single writer).
    const changed = row
      ? await updateThrottleIfUnchanged(tx, key, row.failures, patch)
      : await insertThrottleIfAbsent(tx, key, patch);
    // Lost a race with a concurrent attempt: treat as throttled rather than uncounted.
    if (!changed) return { ok: false, retryAfterS: 1, locked: false };
    return { ok: true, lockedNow: patch.locked_at !== null };
  }

  /**
   * A plain rate limit for public routes that write, send mail or cost password work (sign-up,
   * reset requests, set-up, passkey challenges): at most `max` per key in a fixed window. Same
   * table, own key prefix. Every step is one conditional statement, so parallel requests cannot
   * slip past the limit by reading the same count (a lost update on PostgreSQL's READ COMMITTED).
   */
  async function hit(tx: Executor, key: string, max: number, windowMs: number): Promise<AttemptResult> {
    const now = clock.now().getTime();
    const windowStart = iso(now - windowMs);
    for (let tries = 0; tries < 3; tries++) {
      // Within the window and under the limit: count (the row lock serializes concurrent writers).
      if (await countHitInWindow(tx, key, windowStart, max)) return { ok: true, lockedNow: false };
      // The window is over: this request opens a new one.
      if (await reopenWindow(tx, key, windowStart, iso(now))) return { ok: true, lockedNow: false };
      if (
        await insertThrottleIfAbsent(tx, key, {
          failures: 1,
          last_failure_at: iso(now),
          blocked_until: null,
          locked_at: null,
        })
      )
        return { ok: true, lockedNow: false };
      const row = await findThrottle(tx, key);
      if (row && row.last_failure_at > windowStart && row.failures >= max) {
        return {
          ok: false,
          retryAfterS: Math.max(1, Math.ceil((Date.parse(row.last_failure_at) + windowMs - now) / 1000)),
          locked: false,
        };
      }
      // A concurrent request created or reopened the row between our statements: count again.
    }
    return { ok: false, retryAfterS: 1, locked: false };
  }

  return {
    /**
     * Reserves one attempt for the account and the IP (counted as failures until `succeeded`).
     * Refused attempts must not check the password at all.
     */
    async attemptInTx(tx: Executor, keys: { account: string; ip: string | null }): Promise<AttemptResult> {
      // The IP first: a blocked IP must not move an account towards its lock.
      if (keys.ip) {
        const ip = await take(tx, keys.ip, THROTTLE.ipFree);
        if (!ip.ok) return ip;
      }
      return take(tx, keys.account, THROTTLE.accountFree);
    },

    /** The reserved attempt was a success: the account's run of failures ends, the IP gets its attempt back. */
    async succeededInTx(tx: Executor, keys: { account: string; ip: string | null }): Promise<void> {
      await deleteThrottle(tx, keys.account);
      if (keys.ip) {
        const row = await findThrottle(tx, keys.ip);
        if (row) {
          const failures = Math.max(0, row.failures - 1);
          const now = clock.now().getTime();
          const delay = backoffMs(failures, THROTTLE.ipFree);
          await setThrottleFailures(tx, keys.ip, failures, delay > 0 ? iso(now + delay) : null);
        }
      }
    },

    /** Throws 429 when the IP exceeded a public route's limit (the answer does not depend on any account). */
    async limitIp(name: keyof typeof PUBLIC_LIMITS, ip: string): Promise<void> {
      const { max, windowMs } = PUBLIC_LIMITS[name];
      const r = await inTx(db, (tx) => hit(tx, `${name}:${ip}`, max, windowMs));
      if (!r.ok)
        throw new AppError('rate_limited', `Too many requests; try again in ${r.retryAfterS} s.`, {
          headers: { 'retry-after': String(r.retryAfterS) },
        });
    },

    async isLockedInTx(ex: Executor, account: string): Promise<boolean> {
      const row = await findThrottle(ex, account);
      return Boolean(row?.locked_at);
    },

    /** Unlock (email link or administrator): the account starts afresh. */
    async unlockInTx(tx: Executor, account: string): Promise<void> {
      await deleteThrottle(tx, account);
    },

    async failures(ex: Executor, key: string): Promise<{ failures: number; locked_at: string | null } | undefined> {
      const row = await findThrottle(ex, key);
      return row && { failures: row.failures, locked_at: row.locked_at };
    },
  };
}

export type ThrottleService = ReturnType<typeof createThrottleService>;

/** Per-IP limits of public routes that create rows, send mail or cost password work. */
export const PUBLIC_LIMITS = {
  signup: { max: 10, windowMs: 60 * 60_000 },
  passwordReset: { max: 20, windowMs: 60 * 60_000 },
  passkeyOptions: { max: 60, windowMs: 60_000 },
  /** First-run set-up: a handful of retries (a refused weak password) is plenty. */
  setup: { max: 10, windowMs: 10 * 60_000 },
  /** Links that set a password (reset confirmation, invitation acceptance): argon2 + strength check each. */
  passwordSet: { max: 20, windowMs: 60 * 60_000 },
} as const;

export function throttledError(r: { retryAfterS: number; locked: boolean }): AppError {
  return new AppError(
    'rate_limited',
    r.locked
      ? 'Too many failed sign-ins: sign-in is locked. Use the unlock link sent to the account email, or ask an administrator.'
      : `Too many failed sign-ins; try again in ${r.retryAfterS} s.`,
    { headers: { 'retry-after': String(r.retryAfterS) } },
  );
}
