import type { Executor } from '../../platform/db/kysely.ts';
import type { OrgsTable } from './orgs.tables.ts';

export type OrgRow = OrgsTable;

export async function insertOrg(db: Executor, row: OrgRow): Promise<void> {
  await db.insertInto('orgs').values(row).execute();
}

export function findOrg(db: Executor, orgId: string): Promise<OrgRow | undefined> {
  return db.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirst();
}

/** The time zone alone: asked on every read of a document, so not the whole row (sealed profile, keys). */
export function findOrgTimeZone(db: Executor, orgId: string): Promise<Pick<OrgRow, 'time_zone'> | undefined> {
  return db.selectFrom('orgs').select('time_zone').where('id', '=', orgId).executeTakeFirst();
}

export async function updateOrgRow(
  db: Executor,
  orgId: string,
  patch: Partial<Omit<OrgRow, 'id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('orgs').set(patch).where('id', '=', orgId).execute();
}

export async function countOrgs(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('orgs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function listOrgIds(db: Executor): Promise<Array<{ id: string }>> {
  return db.selectFrom('orgs').select('id').orderBy('id').execute();
}
