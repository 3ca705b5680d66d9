import type { Executor } from '../../platform/db/kysely.ts';
import type { ApiTokensTable } from '../../platform/db/schema.ts';

export type ApiTokenRow = ApiTokensTable;

export async function insertApiToken(db: Executor, row: ApiTokenRow): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

export function findActiveTokenByHash(db: Executor, tokenHash: string) {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('memberships as m', (j) => j.onRef('m.org_id', '=', 't.org_id').onRef('m.user_id', '=', 't.user_id'))
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['t.id', 't.org_id', 't.user_id', 't.scopes', 't.expires_at', 't.revoked_at', 't.last_used_at', 'm.role', 'u.status as user_status'])
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function touchApiToken(db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}
