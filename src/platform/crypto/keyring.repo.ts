import type { Executor } from '../db/kysely.ts';
import type { OrgKeysTable } from '../db/schema.ts';

export type OrgKeyRow = OrgKeysTable;

export function findOrgKeys(db: Executor, orgId: string): Promise<OrgKeyRow[]> {
  return db.selectFrom('org_keys').selectAll().where('org_id', '=', orgId).execute();
}

export async function insertOrgKey(db: Executor, row: OrgKeyRow): Promise<void> {
  await db.insertInto('org_keys').values(row).execute();
}

/** Every organization's data keys still in use (not retired): what the start-up check must open. */
export function findLiveOrgKeys(db: Executor): Promise<OrgKeyRow[]> {
  return db.selectFrom('org_keys').selectAll().where('status', '!=', 'retired').execute();
}
