// What a route lets through, declared next to the route itself: every route's options carry
// `config: { access }` with one of these values, and the auth hook (auth-hooks.ts) enforces exactly
// that. A route without a declaration cannot be registered. The central table
// (modules/identity/route-access.ts) is generated from the registered routes for reviewers and
// the access-control tests.
import type { Permission } from '../permissions.ts';
import type { RouteAccess } from './principal.ts';

/** Anyone, no sign-in (the route's own credential, if any, is checked in the handler). */
export const PUBLIC: RouteAccess = { kind: 'public' };
/** Any authenticated staff member (session or API token), for their own account. */
export const SELF: RouteAccess = { kind: 'staff-self' };
/** A staff session that may still be partial (second factor or enrolment due); never an API token. */
export const PENDING: RouteAccess = { kind: 'staff-pending' };
/** A full staff session acting on the user's own account; never an API token. */
export const SESSION: RouteAccess = { kind: 'staff-session' };
/** A fully signed-in client portal contact. */
export const PORTAL: RouteAccess = { kind: 'portal' };
/** A portal session that may still be partial (second factor due): only the routes that finish signing in. */
export const PORTAL_PENDING: RouteAccess = { kind: 'portal-pending' };

/** A staff member (session or API token) holding the permission. */
export function need(permission: Permission): RouteAccess {
  return { kind: 'staff', permission };
}

/**
 * Routes registered by plugins that cannot carry a declaration (the API docs page, the web app's
 * hashed files): GET/HEAD under these prefixes is public, nothing else is.
 */
export const PUBLIC_PLUGIN_PREFIXES = ['/api/v1/docs', '/assets'] as const;

export function pluginRouteAccess(method: string, url: string): RouteAccess | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  return PUBLIC_PLUGIN_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`)) ? PUBLIC : undefined;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route (see above); required on every route. */
    access?: RouteAccess;
  }
}
