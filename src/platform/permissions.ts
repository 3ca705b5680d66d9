// The permission catalogue and role keys. They live in platform because the request principal
// (platform/http/principal.ts) carries them; what each role grants is identity's business (identity/rbac.ts).

export const PERMISSIONS = [
  'org:read',
  'org:update',
  'settings:security',
  'payout:read',
  'payout:update',
  'member:read',
  'member:manage',
  'client:read',
  'client:write',
  'item:read',
  'item:write',
  'invoice:read',
  'invoice:write',
  'invoice:issue',
  'invoice:send',
  'invoice:void',
  'payment:read',
  'payment:record',
  'payment:refund',
  'recurring:read',
  'recurring:write',
  'audit:read',
  'backup:run',
  'data:export',
  'token:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['owner', 'admin', 'accountant', 'sales', 'viewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** A membership's role: a built-in role or an organization's custom role. */
export type RoleKey = Role | `custom:${string}`;
