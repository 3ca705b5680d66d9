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
import { PUBLIC_LIMITS } from './throttle.service.ts';

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

export function createIdentityHousekeeping({ db, clock, idleMinutes }: { db: Database; clock: Clock; idleMinutes: number }) {
  return {
    async pruneExpired(): Promise<IdentityPruned> {
      const now = clock.now().getTime();
      const iso = (ms: number) => new Date(ms).toISOString();
      const dayAgo = iso(now - DAY_MS);
      return inTx(db, async (tx) => {
        const sessions = await tx
          .deleteFrom('sessions')
          .where((eb) => eb.or([eb('expires_at', '<', dayAgo), eb('revoked_at', '<', dayAgo), eb('last_seen_at', '<', iso(now - idleMinutes * 60_000 - DAY_MS))]))
          .executeTakeFirst();
        const throttle = await tx
          .deleteFrom('auth_throttle')
          .where('locked_at', 'is', null)
          .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', iso(now))]))
          .where((eb) =>
            eb.or([
              eb('last_failure_at', '<', iso(now - ACCOUNT_THROTTLE_RETENTION_MS)),
              eb.and([eb('last_failure_at', '<', dayAgo), eb.or(WINDOW_KEY_PREFIXES.map((p) => eb('key', 'like', `${p}%`)))]),
            ]),
          )
          .executeTakeFirst();
        const tokens = await tx.deleteFrom('email_tokens').where('expires_at', '<', dayAgo).executeTakeFirst();
        const challenges = await tx.deleteFrom('webauthn_challenges').where('expires_at', '<', dayAgo).executeTakeFirst();
        return {
          sessions: Number(sessions.numDeletedRows),
          authThrottle: Number(throttle.numDeletedRows),
          emailTokens: Number(tokens.numDeletedRows),
          webauthnChallenges: Number(challenges.numDeletedRows),
        };
      });
    },
  };
}

export type IdentityHousekeeping = ReturnType<typeof createIdentityHousekeeping>;
