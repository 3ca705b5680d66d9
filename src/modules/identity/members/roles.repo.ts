// Custom roles of an org (table org_roles); permissions are stored as a JSON array.
import type { Executor } from '../../../platform/db/kysely.ts';
import type { OrgRolesTable } from '../identity.tables.ts';

export type OrgRoleRow = OrgRolesTable;

export function findOrgRole(db: Executor, orgId: string, key: string): Promise<OrgRoleRow | undefined> {
  return db.selectFrom('org_roles').selectAll().where('org_id', '=', orgId).where('key', '=', key).executeTakeFirst();
}

export function listOrgRoles(db: Executor, orgId: string): Promise<OrgRoleRow[]> {
  return db.selectFrom('org_roles').selectAll().where('org_id', '=', orgId).orderBy('key').execute();
}

export async function insertOrgRole(tx: Executor, row: OrgRoleRow): Promise<void> {
  await tx.insertInto('org_roles').values(row).execute();
}

export async function updateOrgRole(
  tx: Executor,
  orgId: string,
  key: string,
  patch: Pick<OrgRoleRow, 'name' | 'permissions' | 'updated_at'>,
): Promise<void> {
  await tx.updateTable('org_roles').set(patch).where('org_id', '=', orgId).where('key', '=', key).execute();
}

export async function deleteOrgRole(tx: Executor, orgId: string, key: string): Promise<void> {
  await tx.deleteFrom('org_roles').where('org_id', '=', orgId).where('key', '=', key).execute();
}
