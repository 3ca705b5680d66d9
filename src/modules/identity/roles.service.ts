// Role resolution and custom roles. A membership holds a built-in role (rbac.ts) or a custom
// role of its organization (`custom:<slug>`, a named subset of permissions). Nobody may grant a
// role or scope that holds a permission they do not hold themselves (no privilege escalation).
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import { isCustomRoleKey, isPermission, isRole, PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Permission, type RoleKey } from './rbac.ts';

export interface RoleView {
  key: RoleKey;
  name: string;
  builtIn: boolean;
  permissions: Permission[];
}

const parsePermissions = (json: string): Permission[] => (JSON.parse(json) as string[]).filter(isPermission);

/** Permissions of a role in an org, or null when the role no longer exists (no access). */
export async function permissionsOf(db: Executor, orgId: string, role: string): Promise<ReadonlySet<Permission> | null> {
  if (isRole(role)) return ROLE_PERMISSIONS[role];
  if (!isCustomRoleKey(role)) return null;
  const row = await db.selectFrom('org_roles').select('permissions').where('org_id', '=', orgId).where('key', '=', role).executeTakeFirst();
  return row ? new Set(parsePermissions(row.permissions)) : null;
}

/** Refuses to grant anything beyond what the granting principal holds. */
export function assertGrantable(granted: Iterable<Permission>, holder: ReadonlySet<Permission>, what: string): void {
  const excess = [...granted].filter((p) => !holder.has(p));
  if (excess.length > 0) throw new AppError('forbidden', `You cannot grant ${what} with permissions you do not hold: ${excess.join(', ')}`);
}

export function createRolesService({ db, audit, clock }: { db: Database; audit: AuditService; clock: Clock }) {
  return {
    permissionsOf,

    async list(orgId: string): Promise<RoleView[]> {
      const custom = await db.selectFrom('org_roles').selectAll().where('org_id', '=', orgId).orderBy('key').execute();
      return [
        ...ROLES.map((r) => ({ key: r, name: r, builtIn: true, permissions: PERMISSIONS.filter((p) => ROLE_PERMISSIONS[r].has(p)) })),
        ...custom.map((c) => ({ key: c.key as RoleKey, name: c.name, builtIn: false, permissions: parsePermissions(c.permissions) })),
      ];
    },

    async upsertCustom(orgId: string, slug: string, input: { name: string; permissions: Permission[] }, granter: ReadonlySet<Permission>, actor: AuditActor): Promise<RoleView> {
      const key = `custom:${slug}` as const;
      if (!isCustomRoleKey(key)) throw new AppError('validation_failed', 'A role key is 1–40 lower-case letters, digits or dashes');
      assertGrantable(input.permissions, granter, 'a role');
      const permissions = PERMISSIONS.filter((p) => input.permissions.includes(p));
      return inTx(db, async (tx) => {
        const now = clock.now().toISOString();
        const existing = await tx.selectFrom('org_roles').select('key').where('org_id', '=', orgId).where('key', '=', key).executeTakeFirst();
        if (existing) {
          await tx.updateTable('org_roles').set({ name: input.name, permissions: JSON.stringify(permissions), updated_at: now }).where('org_id', '=', orgId).where('key', '=', key).execute();
        } else {
          await tx.insertInto('org_roles').values({ org_id: orgId, key, name: input.name, permissions: JSON.stringify(permissions), created_at: now, updated_at: now }).execute();
        }
        await audit.append(tx, { orgId, actor, action: existing ? 'role.updated' : 'role.created', objectType: 'role', objectId: key, summary: { permissions } });
        return { key, name: input.name, builtIn: false, permissions };
      });
    },

    async deleteCustom(orgId: string, slug: string, actor: AuditActor): Promise<void> {
      const key = `custom:${slug}`;
      await inTx(db, async (tx) => {
        const row = await tx.selectFrom('org_roles').select('key').where('org_id', '=', orgId).where('key', '=', key).executeTakeFirst();
        if (!row) throw notFound('Role');
        const used = await tx.selectFrom('memberships').select('user_id').where('org_id', '=', orgId).where('role', '=', key).executeTakeFirst();
        if (used) throw conflict('Members still hold this role; give them another role first');
        await tx.deleteFrom('org_roles').where('org_id', '=', orgId).where('key', '=', key).execute();
        await audit.append(tx, { orgId, actor, action: 'role.deleted', objectType: 'role', objectId: key });
      });
    },
  };
}

export type RolesService = ReturnType<typeof createRolesService>;
