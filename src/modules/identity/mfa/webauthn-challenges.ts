// WebAuthn challenges: 256 random bits from the library's CSPRNG, kept server-side for five
// minutes, bound to a purpose (and to the session or user that asked), and deleted when used,
// so a captured assertion can never be replayed against a second challenge check.
import type { Clock } from '../../../platform/clock.ts';
import type { Executor } from '../../../platform/db/kysely.ts';
import { newId } from '../../../platform/ids.ts';
import {
  deleteChallenge,
  deleteChallengesExpiredBefore,
  findChallenge,
  insertChallenge,
  type ChallengeRow,
} from './webauthn-challenges.repo.ts';

export const CHALLENGE_TTL_MS = 5 * 60_000;
export type ChallengePurpose = ChallengeRow['purpose'];

export async function storeChallengeInTx(
  tx: Executor,
  clock: Clock,
  c: { challenge: string; purpose: ChallengePurpose; userId?: string | null; sessionId?: string | null },
): Promise<string> {
  const now = clock.now();
  // Housekeeping: expired challenges are useless, drop them as new ones arrive.
  await deleteChallengesExpiredBefore(tx, now.toISOString());
  const id = newId(now.getTime());
  await insertChallenge(tx, {
    id,
    challenge: c.challenge,
    purpose: c.purpose,
    user_id: c.userId ?? null,
    session_id: c.sessionId ?? null,
    expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
    created_at: now.toISOString(),
  });
  return id;
}

/** Removes the challenge and returns it if it was live, of this purpose, and bound to the same session. */
export async function takeChallengeInTx(
  tx: Executor,
  clock: Clock,
  id: string,
  purpose: ChallengePurpose,
  binding: { sessionId?: string | null } = {},
): Promise<ChallengeRow | null> {
  const row = await findChallenge(tx, id);
  if (!row) return null;
  if (!(await deleteChallenge(tx, id))) return null; // used concurrently
  if (row.purpose !== purpose || row.expires_at <= clock.now().toISOString()) return null;
  if ((row.session_id ?? null) !== (binding.sessionId ?? null)) return null;
  return row;
}
