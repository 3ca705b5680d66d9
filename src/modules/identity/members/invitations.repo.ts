// Invitations to join an org (table invitations); link tokens are stored only as hashes.
import type { Executor } from '../../../platform/db/kysely.ts';
import type { InvitationsTable } from '../identity.tables.ts';

export type InvitationRow = InvitationsTable;

/** The invitation for a token hash, with its org's name (shown to the invitee). */
export function findInvitationByTokenHash(
  db: Executor,
  tokenHash: string,
): Promise<(InvitationRow & { org_name: string }) | undefined> {
  return db
    .selectFrom('invitations as i')
    .innerJoin('orgs as o', 'o.id', 'i.org_id')
    .selectAll('i')
    .select('o.name as org_name')
    .where('i.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Revokes the open invitations of an address in an org (a new one replaces them). */
export async function revokeOpenInvitationsFor(tx: Executor, orgId: string, email: string, at: string): Promise<void> {
  await tx
    .updateTable('invitations')
    .set({ revoked_at: at })
    .where('org_id', '=', orgId)
    .where('email', '=', email)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function insertInvitation(tx: Executor, row: InvitationRow): Promise<void> {
  await tx.insertInto('invitations').values(row).execute();
}

/** The newest invitations of an org (at most 200). */
export function listInvitations(db: Executor, orgId: string): Promise<InvitationRow[]> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
}

/** Revokes an open invitation; true when this call did. */
export async function revokeOpenInvitation(tx: Executor, orgId: string, id: string, at: string): Promise<boolean> {
  const r = await tx
    .updateTable('invitations')
    .set({ revoked_at: at })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Marks an open invitation accepted; true when this call did (single use). */
export async function acceptOpenInvitation(tx: Executor, id: string, at: string): Promise<boolean> {
  const r = await tx
    .updateTable('invitations')
    .set({ accepted_at: at })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
