// Authentication and authorization for every route, from one declared table (route-access).
// A route missing from the table cannot even be registered: the onRoute hook throws at start-up,
// so no route ships without a declared permission.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { Principal, RouteAccess, StaffPrincipal } from './principal.ts';

export type Authenticator = (request: FastifyRequest, access: RouteAccess) => Promise<Principal | null>;

export interface AccessTable {
  lookup(method: string, url: string): RouteAccess | undefined;
}

export function routeKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url}`;
}

export function installAuthHooks(app: FastifyInstance, table: AccessTable, authenticate: Authenticator): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      if (m === 'OPTIONS') continue;
      if (!table.lookup(m, route.url))
        throw new Error(`route ${routeKey(m, route.url)} has no declared access in route-access.ts`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // 404 handler
    const access = table.lookup(request.method, url);
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
