// Sessions (identity owns the table; both realms share it). Tokens are stored only as hashes.
import type { Executor } from '../../../platform/db/kysely.ts';
import type { SessionsTable } from '../identity.tables.ts';

export type SessionRow = SessionsTable;

export async function insertSession(tx: Executor, row: SessionRow): Promise<void> {
  await tx.insertInto('sessions').values(row).execute();
}

export function findSessionByTokenHash(db: Executor, tokenHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export function findSession(db: Executor, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The session, which the caller knows exists (it authenticated with it). */
export function getSession(db: Executor, id: string): Promise<SessionRow> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function updateSession(
  tx: Executor,
  id: string,
  patch: Partial<Pick<SessionRow, 'token_hash' | 'level' | 'org_id' | 'authenticated_at' | 'amr' | 'last_seen_at'>>,
): Promise<void> {
  await tx.updateTable('sessions').set(patch).where('id', '=', id).execute();
}

/** Changes the level of a live session (a revoked one stays as it ended). */
export async function setLiveSessionLevel(tx: Executor, id: string, level: SessionRow['level']): Promise<void> {
  await tx.updateTable('sessions').set({ level }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Unexpired, unrevoked staff sessions acting in an org (optionally of one user). */
export function listLiveStaffSessionsInOrg(
  db: Executor,
  orgId: string,
  now: string,
  userId?: string,
): Promise<SessionRow[]> {
  let q = db
    .selectFrom('sessions')
    .selectAll()
    .where('realm', '=', 'staff')
    .where('org_id', '=', orgId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now);
  if (userId) q = q.where('user_id', '=', userId);
  return q.execute();
}

/** Unrevoked staff sessions of a user, in every org. */
export function listUnrevokedStaffSessionsOfUser(db: Executor, userId: string): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('realm', '=', 'staff')
    .where('revoked_at', 'is', null)
    .execute();
}

/** A user's sessions that are neither revoked, expired nor idle since `activeSince`, most recent first. */
export function listActiveSessionsOfUser(
  db: Executor,
  userId: string,
  now: string,
  activeSince: string,
): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', activeSince)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

export async function revokeSession(tx: Executor, id: string, at: string): Promise<void> {
  await tx
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeSessionsInOrg(tx: Executor, orgId: string, userId: string, at: string): Promise<void> {
  await tx
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Revokes the live sessions of a user or a portal contact (except one); returns how many. */
export async function revokeSessionsOf(
  tx: Executor,
  who: { userId?: string; contactId?: string },
  at: string,
  exceptId?: string,
): Promise<number> {
  let q = tx.updateTable('sessions').set({ revoked_at: at }).where('revoked_at', 'is', null);
  if (who.userId) q = q.where('user_id', '=', who.userId);
  else if (who.contactId) q = q.where('contact_id', '=', who.contactId);
  else return 0;
  if (exceptId) q = q.where('id', '!=', exceptId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Deletes sessions expired, revoked or idle before the given times (housekeeping); returns how many. */
export async function deleteDeadSessions(
  tx: Executor,
  t: { expiredBefore: string; revokedBefore: string; idleBefore: string },
): Promise<number> {
  const r = await tx
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', t.expiredBefore),
        eb('revoked_at', '<', t.revokedBefore),
        eb('last_seen_at', '<', t.idleBefore),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
