// Member facts other modules need, read through identity (which owns members and roles):
// - whether a member currently holds a permission: an active user with an active membership whose
//   role (built-in or custom, as it is defined now) grants it. For work done later on a member's
//   behalf (a recurring schedule that issues invoices), checked at each run rather than trusted
//   from the moment the work was set up;
// - the active owners and admins, who are told about sensitive changes.
import type { Executor } from '../../../platform/db/kysely.ts';
import type { Permission } from './rbac.ts';
import { permissionsOfInTx } from './roles.service.ts';
import { findMembership, findUserById, listOrgMembers } from '../accounts/users.repo.ts';

export async function memberHoldsInTx(
  ex: Executor,
  orgId: string,
  userId: string,
  permission: Permission,
): Promise<boolean> {
  const m = await findMembership(ex, orgId, userId);
  if (!m || m.deactivated_at) return false;
  const user = await findUserById(ex, userId);
  if (!user || user.status !== 'active') return false;
  return (await permissionsOfInTx(ex, orgId, m.role))?.has(permission) ?? false;
}

/** Active owners and admins of an org: who is told when what prints on its documents changes. */
export async function activeOwnersAndAdminsInTx(
  ex: Executor,
  orgId: string,
): Promise<Array<{ userId: string; email: string; name: string }>> {
  const members = await listOrgMembers(ex, orgId);
  return members
    .filter((m) => (m.role === 'owner' || m.role === 'admin') && m.deactivated_at === null && m.status === 'active')
    .map((m) => ({ userId: m.id, email: m.email, name: m.display_name }));
}

/** Active members who hold `permission` now: who is told about events they may see (notifications). */
export async function activeMembersHoldingInTx(
  ex: Executor,
  orgId: string,
  permission: Permission,
): Promise<Array<{ userId: string; email: string; name: string }>> {
  const members = (await listOrgMembers(ex, orgId)).filter((m) => m.deactivated_at === null && m.status === 'active');
  const roles = new Map<string, boolean>();
  const out: Array<{ userId: string; email: string; name: string }> = [];
  for (const m of members) {
    if (!roles.has(m.role)) roles.set(m.role, (await permissionsOfInTx(ex, orgId, m.role))?.has(permission) ?? false);
    if (roles.get(m.role)) out.push({ userId: m.id, email: m.email, name: m.display_name });
  }
  return out;
}
