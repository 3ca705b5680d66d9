// Pending WebAuthn challenges (table webauthn_challenges), both realms.
import type { Executor } from '../../../platform/db/kysely.ts';
import type { WebauthnChallengesTable } from '../identity.tables.ts';

export type ChallengeRow = WebauthnChallengesTable;

export async function insertChallenge(tx: Executor, row: ChallengeRow): Promise<void> {
  await tx.insertInto('webauthn_challenges').values(row).execute();
}

export function findChallenge(tx: Executor, id: string): Promise<ChallengeRow | undefined> {
  return tx.selectFrom('webauthn_challenges').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes one challenge; true when this call did (a concurrent use finds it gone). */
export async function deleteChallenge(tx: Executor, id: string): Promise<boolean> {
  const r = await tx.deleteFrom('webauthn_challenges').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function deleteChallengesExpiredBefore(tx: Executor, before: string): Promise<number> {
  const r = await tx.deleteFrom('webauthn_challenges').where('expires_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
