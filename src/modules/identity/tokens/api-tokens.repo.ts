import type { Executor } from '../../../platform/db/kysely.ts';
import type { ApiTokensTable } from '../identity.tables.ts';

export type ApiTokenRow = ApiTokensTable;

export async function insertApiToken(db: Executor, row: ApiTokenRow): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

export function findActiveTokenByHash(db: Executor, tokenHash: string) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('memberships as m', (j) => j.onRef('m.org_id', '=', 't.org_id').onRef('m.user_id', '=', 't.user_id'))
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select([
      't.id',
      't.org_id',
      't.user_id',
      't.scopes',
      't.expires_at',
      't.revoked_at',
      't.last_used_at',
      'm.role',
      'm.deactivated_at',
      'u.status as user_status',
    ])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchApiToken(db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

/** Tokens of an org, optionally of one user, newest first. */
export function listApiTokens(db: Executor, orgId: string, userId?: string): Promise<ApiTokenRow[]> {
  let q = db.selectFrom('api_tokens').selectAll().where('org_id', '=', orgId);
  if (userId) q = q.where('user_id', '=', userId);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export function findApiToken(db: Executor, orgId: string, id: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export async function revokeApiTokens(
  db: Executor,
  at: string,
  where: { orgId: string; id?: string; userId?: string },
): Promise<number> {
  let q = db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('org_id', '=', where.orgId)
    .where('revoked_at', 'is', null);
  if (where.id) q = q.where('id', '=', where.id);
  if (where.userId) q = q.where('user_id', '=', where.userId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
