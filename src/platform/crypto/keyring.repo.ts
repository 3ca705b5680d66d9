import type { Executor } from '../db/kysely.ts';
import type { OrgKeysTable } from '../db/schema.ts';

export type OrgKeyRow = OrgKeysTable;

export function findOrgKeys(db: Executor, orgId: string): Promise<OrgKeyRow[]> {
  return db.selectFrom('org_keys').selectAll().where('org_id', '=', orgId).execute();
}

export async function insertOrgKey(db: Executor, row: OrgKeyRow): Promise<void> {
  await db.insertInto('org_keys').values(row).execute();
}
