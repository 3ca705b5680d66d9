// Authentication and authorization for every route, from the access each route declares next to
// its handler (`config: { access }`, see access.ts). A route without a declaration cannot even be
// registered: the onRoute hook throws at start-up, so no route ships without a declared permission.
// The hook also holds every route against the generated table (modules/identity/route-access.ts,
// `npm run routes:access`), so the one table reviewers and the access-control tests read never
// disagrees with what the server enforces.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { pluginRouteAccess } from './access.ts';
import type { Principal, RouteAccess, StaffPrincipal } from './principal.ts';

export type Authenticator = (request: FastifyRequest, access: RouteAccess) => Promise<Principal | null>;

/** The generated view of every route's access (modules/identity/route-access.ts). */
export interface AccessTable {
  lookup(method: string, url: string): RouteAccess | undefined;
}

/** Told each registered route and its declared access (scripts/route-access.ts builds the table from it). */
export type RouteAccessListener = (method: string, url: string, access: RouteAccess) => void;

export function routeKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url}`;
}

export function sameAccess(a: RouteAccess | undefined, b: RouteAccess | undefined): boolean {
  if (!a || !b) return a === b;
  return a.kind === b.kind && (a.kind !== 'staff' || (b.kind === 'staff' && a.permission === b.permission));
}

export function describeAccess(a: RouteAccess | undefined): string {
  if (!a) return 'nothing';
  return a.kind === 'staff' ? `need('${a.permission}')` : a.kind;
}

/**
 * `table` null skips the comparison with the generated table (only the generator itself, which
 * builds that table, runs without one).
 */
export function installAuthHooks(
  app: FastifyInstance,
  table: AccessTable | null,
  authenticate: Authenticator,
  onRouteAccess?: RouteAccessListener,
): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const declared = route.config?.access;
    let resolved: RouteAccess | undefined;
    for (const m of methods) {
      if (m === 'OPTIONS') continue;
      const access = declared ?? pluginRouteAccess(m, route.url);
      const listed = table?.lookup(m, route.url);
      if (!access)
        throw new Error(`route ${routeKey(m, route.url)} has no declared access (config: { access } in its options)`);
      if (table && !sameAccess(access, listed))
        throw new Error(
          `route ${routeKey(m, route.url)} declares ${describeAccess(access)} but the generated table ` +
            `src/modules/identity/route-access.ts lists ${describeAccess(listed)}: run \`npm run routes:access\``,
        );
      onRouteAccess?.(m, route.url, access);
      resolved = access;
    }
    // Plugin routes (static files) get their rule written into the route, so onRequest reads one place.
    route.config = { ...route.config, access: resolved };
  });

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // 404 handler
    const access = request.routeOptions.config.access;
    if (!access) throw new AppError('forbidden', 'Route has no declared access');
    if (access.kind === 'public') return;
    const principal = await authenticate(request, access);
    if (!principal)
      throw new AppError('unauthenticated', 'Authentication required', { headers: { 'www-authenticate': 'Bearer' } });
    request.principal = principal;
    if (access.kind === 'portal' || access.kind === 'portal-pending') {
      if (principal.realm !== 'portal') throw new AppError('unauthenticated', 'Client portal sign-in required');
      if (principal.level !== 'full' && access.kind !== 'portal-pending')
        throw new AppError('unauthenticated', 'Finish signing in with your second factor');
      return;
    }
    if (principal.realm !== 'staff') throw new AppError('unauthenticated', 'Staff sign-in required');
    // Account and sign-in routes act on the interactive session itself: an API token never reaches them.
    if ((access.kind === 'staff-pending' || access.kind === 'staff-session') && principal.via !== 'session') {
      throw new AppError('unauthenticated', 'This route needs an interactive sign-in; API tokens cannot use it', {
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    if (principal.level && principal.level !== 'full' && access.kind !== 'staff-pending') {
      throw new AppError(
        'unauthenticated',
        principal.level === 'mfa'
          ? 'Finish signing in with your second factor'
          : 'Your organization requires you to set up a second factor first',
      );
    }
    if (access.kind === 'staff' && !principal.permissions.has(access.permission)) {
      throw new AppError('forbidden', `This action needs the permission ${access.permission}`);
    }
  });
}

/** The staff principal of an authenticated staff route (the hook guarantees it). */
export function staff(request: FastifyRequest): StaffPrincipal {
  const p = request.principal;
  if (!p || p.realm !== 'staff') throw new AppError('unauthenticated', 'Staff sign-in required');
  return p;
}
