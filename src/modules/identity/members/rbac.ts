// Roles are named sets of permissions (least privilege). Routes declare one permission each in
// route-access.ts; a role or API token may call a route only if it holds that permission.
// Built-in roles are below; an organization may add custom roles (`custom:<slug>`, org_roles).

// The catalogue itself lives in platform (the principal carries it); identity owns what roles mean.
import { PERMISSIONS, ROLES, type Permission, type Role } from '../../../platform/permissions.ts';
export { PERMISSIONS, ROLES, type Permission, type Role, type RoleKey } from '../../../platform/permissions.ts';

const READ: Permission[] = ['org:read', 'client:read', 'item:read', 'invoice:read', 'payment:read', 'recurring:read'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(PERMISSIONS.filter((p) => p !== 'backup:run')),
  accountant: new Set<Permission>([
    ...READ,
    'payout:read',
    'client:write',
    'item:write',
    'invoice:write',
    'invoice:issue',
    'invoice:send',
    'invoice:void',
    'payment:record',
    'payment:refund',
    'recurring:write',
    'data:export',
    'token:manage',
  ]),
  sales: new Set<Permission>([
    ...READ,
    'client:write',
    'item:write',
    'invoice:write',
    'invoice:send',
    'recurring:write',
  ]),
  viewer: new Set<Permission>(READ),
  auditor: new Set<Permission>([...READ, 'payout:read', 'member:read', 'audit:read']),
};

/**
 * Permissions that gate at least one step-up-protected action (a fresh interactive
 * re-authentication, never an API token; step-up.ts). Whoever gives someone a role holding any
 * of them hands over that power, so inviting or re-activating such a member needs step-up too,
 * and the organization's administrators are told (issue #10 item 1). Keep in line with the
 * routes that call requireStepUp.
 */
export const STEP_UP_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>([
  'payout:update', // payout bank details, approving payout changes
  'settings:security', // MFA policy, payout policy, signing identity
  'member:manage', // roles, custom roles, deactivation, invitations of privileged roles
  'token:manage', // creating API tokens
  'data:export', // the organization's data export
  'payment:refund', // refunds, accepting disputes
  'org:update', // connecting or disconnecting payment providers
  'client:write', // resetting a client contact's portal factors
  'backup:run', // backups and restores
]);

/** The step-up-protected permissions a role holds (empty: granting it needs no step-up). */
export function stepUpPermissionsIn(permissions: Iterable<Permission>): Permission[] {
  const held = new Set(permissions);
  return PERMISSIONS.filter((p) => STEP_UP_PERMISSIONS.has(p) && held.has(p));
}

export const CUSTOM_ROLE_PREFIX = 'custom:';

export function isCustomRoleKey(value: string): value is `custom:${string}` {
  return /^custom:[a-z0-9][a-z0-9-]{0,39}$/.test(value);
}

/** Roles whose holders administer the organization (the "admins" MFA policy applies to them). */
export function isAdministrative(permissions: ReadonlySet<Permission>): boolean {
  return permissions.has('member:manage') || permissions.has('settings:security') || permissions.has('backup:run');
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
