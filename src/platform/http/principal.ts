import type { Permission, RoleKey } from '../permissions.ts';

/** Who is calling. Staff principals act within exactly one organization (tenant) per request. */
export interface StaffPrincipal {
  realm: 'staff';
  via: 'token' | 'session';
  orgId: string;
  userId: string;
  role: RoleKey;
  permissions: ReadonlySet<Permission>;
  tokenId?: string;
  sessionId?: string;
  /** Last full authentication (login or step-up); step-up-protected actions check its age. */
  authenticatedAt?: string;
  /** Session level: 'full', or a partial sign-in that may only reach 'staff-pending' routes. */
  level?: 'full' | 'mfa' | 'enrol';
  /** Raw session token, kept only in memory for the request (to rotate or derive the CSRF token). */
  sessionToken?: string;
}

export interface PortalPrincipal {
  realm: 'portal';
  orgId: string;
  clientId: string;
  contactId: string;
  sessionId: string;
  /** 'full', or 'mfa': an emailed code or link was used, the contact's second factor is still due. */
  level: 'full' | 'mfa';
  /** Last full sign-in; changing the contact's factors needs a recent one. */
  authenticatedAt: string;
}

export type Principal = StaffPrincipal | PortalPrincipal;

export interface RequestMeta {
  ip: string;
  userAgent: string;
  requestId: string;
}

export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'staff'; permission: Permission }
  /** any authenticated staff member, for their own account (e.g. /me) */
  | { kind: 'staff-self' }
  /** a staff session that may still be partial (second factor due, or forced enrolment); never an API token */
  | { kind: 'staff-pending' }
  /** a fully signed-in staff session, for the user's own account and factors; never an API token */
  | { kind: 'staff-session' }
  | { kind: 'portal' }
  /** a portal session that may still be partial (second factor due): only the routes that finish signing in */
  | { kind: 'portal-pending' };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}
