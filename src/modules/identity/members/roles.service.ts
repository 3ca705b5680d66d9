// Role resolution and custom roles. A membership holds a built-in role (rbac.ts) or a custom
// role of its organization (`custom:<slug>`, a named subset of permissions). Nobody may grant a
// role or scope that holds a permission they do not hold themselves (no privilege escalation).
//
// Editing a role definition changes every member who holds it, so the member rule applies to
// roles too (issue #10 item 6): to create, change or delete the custom role R you must hold
// every permission R holds now AND every permission it will hold — you cannot grant what you
// lack, and a role holding anything you lack may be held by someone more privileged than you,
// whom you may not change (demote) either — and you may not edit the role you hold yourself
// (as nobody changes their own membership). After a change the live sessions of the role's
// members are re-evaluated against the MFA policy at once (a role that becomes administrative
// under the "admins" policy sends members without a second factor to enrolment); their API
// tokens follow on their next request (token permissions and the MFA rule are computed per request).
import type { Clock } from '../../../platform/clock.ts';
import type { Database, Executor } from '../../../platform/db/kysely.ts';
import { inTx } from '../../../platform/db/tx.ts';
import { AppError, conflict, notFound } from '../../../platform/errors.ts';
import type { AuditService } from '../../audit/audit.service.ts';
import type { Acting } from './members.service.ts';
import {
  isCustomRoleKey,
  isPermission,
  isRole,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  type Permission,
  type RoleKey,
} from './rbac.ts';
import type { SessionStateService } from '../sessions/session-state.ts';
import { deleteOrgRole, findOrgRole, insertOrgRole, listOrgRoles, updateOrgRole } from './roles.repo.ts';
import { activeHoldersOfRole, findMembership, listOrgMembers, roleInUse } from '../accounts/users.repo.ts';

export interface RoleView {
  key: RoleKey;
  name: string;
  builtIn: boolean;
  permissions: Permission[];
}

const parsePermissions = (json: string): Permission[] => (JSON.parse(json) as string[]).filter(isPermission);

/** Permissions of a role in an org, or null when the role no longer exists (no access). */
export async function permissionsOfInTx(
  db: Executor,
  orgId: string,
  role: string,
): Promise<ReadonlySet<Permission> | null> {
  if (isRole(role)) return ROLE_PERMISSIONS[role];
  if (!isCustomRoleKey(role)) return null;
  const row = await findOrgRole(db, orgId, role);
  return row ? new Set(parsePermissions(row.permissions)) : null;
}

/** The org's active administrators (their role may manage members: owner, admin, custom roles with member:manage). */
export async function administratorsOfInTx(
  ex: Executor,
  orgId: string,
): Promise<Array<{ userId: string; email: string }>> {
  const out: Array<{ userId: string; email: string }> = [];
  for (const m of await listOrgMembers(ex, orgId)) {
    if (m.deactivated_at || m.status !== 'active') continue;
    if ((await permissionsOfInTx(ex, orgId, m.role))?.has('member:manage')) out.push({ userId: m.id, email: m.email });
  }
  return out;
}

/** Refuses to grant anything beyond what the granting principal holds. */
export function assertGrantable(granted: Iterable<Permission>, holder: ReadonlySet<Permission>, what: string): void {
  const excess = [...granted].filter((p) => !holder.has(p));
  if (excess.length > 0)
    throw new AppError('forbidden', `You cannot grant ${what} with permissions you do not hold: ${excess.join(', ')}`);
}

type RoleEditor = Pick<Acting, 'orgId' | 'userId' | 'permissions' | 'actor'>;

export function createRolesService({
  db,
  audit,
  clock,
  state,
}: {
  db: Database;
  audit: AuditService;
  clock: Clock;
  state: SessionStateService;
}) {
  /** The editor may change the custom role `key` as it stands: not their own, nothing beyond their permissions. */
  async function assertEditable(ex: Executor, a: RoleEditor, key: string, current: Permission[] | null): Promise<void> {
    const mine = await findMembership(ex, a.orgId, a.userId);
    if (mine?.role === key)
      throw new AppError('forbidden', 'You cannot change the role you hold yourself; ask another administrator');
    if (current)
      assertGrantable(current, a.permissions, 'changes to a role (it may be held by someone more privileged than you)');
  }

  return {
    permissionsOf: permissionsOfInTx,

    async list(orgId: string): Promise<RoleView[]> {
      const custom = await listOrgRoles(db, orgId);
      return [
        ...ROLES.map((r) => ({
          key: r,
          name: r,
          builtIn: true,
          permissions: PERMISSIONS.filter((p) => ROLE_PERMISSIONS[r].has(p)),
        })),
        ...custom.map((c) => ({
          key: c.key as RoleKey,
          name: c.name,
          builtIn: false,
          permissions: parsePermissions(c.permissions),
        })),
      ];
    },

    async upsertCustom(
      a: RoleEditor,
      slug: string,
      input: { name: string; permissions: Permission[] },
    ): Promise<RoleView> {
      const { orgId, actor } = a;
      const key = `custom:${slug}` as const;
      if (!isCustomRoleKey(key))
        throw new AppError('validation_failed', 'A role key is 1–40 lower-case letters, digits or dashes');
      assertGrantable(input.permissions, a.permissions, 'a role');
      const permissions = PERMISSIONS.filter((p) => input.permissions.includes(p));
      return inTx(db, async (tx) => {
        const now = clock.now().toISOString();
        const existing = await findOrgRole(tx, orgId, key);
        await assertEditable(tx, a, key, existing ? parsePermissions(existing.permissions) : null);
        if (existing) {
          await updateOrgRole(tx, orgId, key, {
            name: input.name,
            permissions: JSON.stringify(permissions),
            updated_at: now,
          });
          for (const userId of await activeHoldersOfRole(tx, orgId, key))
            await state.reconcileOrgInTx(tx, orgId, userId);
        } else {
          await insertOrgRole(tx, {
            org_id: orgId,
            key,
            name: input.name,
            permissions: JSON.stringify(permissions),
            created_at: now,
            updated_at: now,
          });
        }
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: existing ? 'role.updated' : 'role.created',
          objectType: 'role',
          objectId: key,
          summary: { permissions },
        });
        return { key, name: input.name, builtIn: false, permissions };
      });
    },

    async deleteCustom(a: RoleEditor, slug: string): Promise<void> {
      const { orgId, actor } = a;
      const key = `custom:${slug}`;
      await inTx(db, async (tx) => {
        const row = await findOrgRole(tx, orgId, key);
        if (!row) throw notFound('Role');
        await assertEditable(tx, a, key, parsePermissions(row.permissions));
        if (await roleInUse(tx, orgId, key))
          throw conflict('Members still hold this role; give them another role first');
        await deleteOrgRole(tx, orgId, key);
        await audit.appendInTx(tx, { orgId, actor, action: 'role.deleted', objectType: 'role', objectId: key });
      });
    },
  };
}

export type RolesService = ReturnType<typeof createRolesService>;
