// What identity reads and writes of an organization's row: its security policy (a column that
// identity owns, see schema.ts) and its name (security mail, the session view). The name is a
// plain column read here rather than OrgService.get, which would decrypt the whole profile.
import type { Executor } from '../../../platform/db/kysely.ts';

export async function findOrgSecurityPolicy(db: Executor, orgId: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('orgs').select('security_policy').where('id', '=', orgId).executeTakeFirst();
  return row?.security_policy;
}

export async function setOrgSecurityPolicy(tx: Executor, orgId: string, policyJson: string): Promise<void> {
  await tx.updateTable('orgs').set({ security_policy: policyJson }).where('id', '=', orgId).execute();
}

/** The org's name and id (the org exists: the caller acts in it). */
export function getOrgName(db: Executor, orgId: string): Promise<{ id: string; name: string }> {
  return db.selectFrom('orgs').select(['id', 'name']).where('id', '=', orgId).executeTakeFirstOrThrow();
}
