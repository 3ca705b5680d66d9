// WebAuthn challenges: 256 random bits from the library's CSPRNG, kept server-side for five
// minutes, bound to a purpose (and to the session or user that asked), and deleted when used,
// so a captured assertion can never be replayed against a second challenge check.
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { WebauthnChallengesTable } from './identity.tables.ts';
import { newId } from '../../platform/ids.ts';

export const CHALLENGE_TTL_MS = 5 * 60_000;
export type ChallengePurpose = WebauthnChallengesTable['purpose'];

export async function storeChallenge(
  tx: Executor,
  clock: Clock,
  c: { challenge: string; purpose: ChallengePurpose; userId?: string | null; sessionId?: string | null },
): Promise<string> {
  const now = clock.now();
  // Housekeeping: expired challenges are useless, drop them as new ones arrive.
  await tx.deleteFrom('webauthn_challenges').where('expires_at', '<', now.toISOString()).execute();
  const id = newId(now.getTime());
  await tx
    .insertInto('webauthn_challenges')
    .values({
      id,
      challenge: c.challenge,
      purpose: c.purpose,
      user_id: c.userId ?? null,
      session_id: c.sessionId ?? null,
      expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
      created_at: now.toISOString(),
    })
    .execute();
  return id;
}

/** Removes the challenge and returns it if it was live, of this purpose, and bound to the same session. */
export async function takeChallenge(
  tx: Executor,
  clock: Clock,
  id: string,
  purpose: ChallengePurpose,
  binding: { sessionId?: string | null } = {},
): Promise<WebauthnChallengesTable | null> {
  const row = await tx.selectFrom('webauthn_challenges').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const r = await tx.deleteFrom('webauthn_challenges').where('id', '=', id).executeTakeFirst();
  if (Number(r.numDeletedRows) !== 1) return null; // used concurrently
  if (row.purpose !== purpose || row.expires_at <= clock.now().toISOString()) return null;
  if ((row.session_id ?? null) !== (binding.sessionId ?? null)) return null;
  return row;
}
