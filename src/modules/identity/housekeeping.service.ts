// Housekeeping of identity's short-lived rows: anonymous requests create them (sign-in attempts,
// passkey challenges, emailed links, sessions), so without pruning they grow without bound.
// Only rows that can no longer be used, and that nothing decides by any more, are deleted, each a
// day (or more) after it stopped mattering:
//  - sessions past their absolute lifetime, idle timeout or revocation (their cookie answers 401
//    either way);
//  - emailed-link tokens and WebAuthn challenges past expiry (used or not);
//  - throttle rows that block nothing: never a locked account, never a running back-off; per-IP
//    and public-route counters a day after their last hit (their windows are an hour at most),
//    and consecutive-failure counters (accounts, portal second factor) after 30 quiet days.
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { deleteEmailTokensExpiredBefore } from './accounts/email-tokens.repo.ts';
import { deleteDeadSessions } from './sessions/sessions.repo.ts';
import { deleteIdleThrottles } from './sign-in/throttle.repo.ts';
import { PUBLIC_LIMITS } from './sign-in/throttle.service.ts';
import { deleteChallengesExpiredBefore } from './mfa/webauthn-challenges.repo.ts';

const DAY_MS = 86_400_000;
export const ACCOUNT_THROTTLE_RETENTION_MS = 30 * DAY_MS;

/** Keys of counters that only ever cover a short window (see throttle.service.ts). */
const WINDOW_KEY_PREFIXES = ['ip:', ...Object.keys(PUBLIC_LIMITS).map((name) => `${name}:`)];

export interface IdentityPruned {
  sessions: number;
  authThrottle: number;
  emailTokens: number;
  webauthnChallenges: number;
}

export function createIdentityHousekeeping({
  db,
  clock,
  idleMinutes,
}: {
  db: Database;
  clock: Clock;
  idleMinutes: number;
}) {
  return {
    async pruneExpired(): Promise<IdentityPruned> {
      const now = clock.now().getTime();
      const iso = (ms: number) => new Date(ms).toISOString();
      const dayAgo = iso(now - DAY_MS);
      return inTx(db, async (tx) => ({
        sessions: await deleteDeadSessions(tx, {
          expiredBefore: dayAgo,
          revokedBefore: dayAgo,
          idleBefore: iso(now - idleMinutes * 60_000 - DAY_MS),
        }),
        authThrottle: await deleteIdleThrottles(tx, {
          now: iso(now),
          quietBefore: iso(now - ACCOUNT_THROTTLE_RETENTION_MS),
          windowQuietBefore: dayAgo,
          windowPrefixes: WINDOW_KEY_PREFIXES,
        }),
        emailTokens: await deleteEmailTokensExpiredBefore(tx, dayAgo),
        webauthnChallenges: await deleteChallengesExpiredBefore(tx, dayAgo),
      }));
    },
  };
}

export type IdentityHousekeeping = ReturnType<typeof createIdentityHousekeeping>;
