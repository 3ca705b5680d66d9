// Whether a member currently holds a permission in an organization: an active user with an active
// membership whose role (built-in or custom, as it is defined now) grants it. For work done later
// on a member's behalf (a recurring schedule that issues invoices), checked at each run rather
// than trusted from the moment the work was set up.
import type { Executor } from '../../platform/db/kysely.ts';
import type { Permission } from './rbac.ts';
import { permissionsOf } from './roles.service.ts';
import { findMembership, findUserById } from './users.repo.ts';

export async function memberHolds(ex: Executor, orgId: string, userId: string, permission: Permission): Promise<boolean> {
  const m = await findMembership(ex, orgId, userId);
  if (!m || m.deactivated_at) return false;
  const user = await findUserById(ex, userId);
  if (!user || user.status !== 'active') return false;
  return (await permissionsOf(ex, orgId, m.role))?.has(permission) ?? false;
}
