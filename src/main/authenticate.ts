// How a request proves who it is: an API token (Authorization: Bearer) or a session cookie of
// the realm the route belongs to. Cookie-authenticated state changes must carry the CSRF token
// (X-CSRF-Token) and, when the browser sends one, an Origin among ours (config.allowedOrigins:
// the public URL's origin, plus the loopback aliases of the derived local default).
import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { foreignOriginError } from '../platform/http/origins.ts';
import type { Principal, RouteAccess } from '../platform/http/principal.ts';
import type { RoleKey } from '../modules/identity/rbac.ts';
import { permissionsOf } from '../modules/identity/roles.service.ts';
import { csrfMatches, PORTAL_COOKIE, STAFF_COOKIE } from '../modules/identity/sessions.service.ts';
import type { Container } from './container.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createAuthenticator(c: Container) {
  const { services: s, db, config } = c;
  const ours = new Set(config.allowedOrigins);

  function checkCsrf(request: FastifyRequest, token: string): void {
    if (SAFE_METHODS.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin && !ours.has(origin)) throw foreignOriginError(origin, config);
    const presented = request.headers['x-csrf-token'];
    if (!csrfMatches(token, Array.isArray(presented) ? presented[0] : presented)) throw new AppError('csrf_failed', 'Missing or invalid CSRF token');
  }

  return async function authenticate(request: FastifyRequest, access: RouteAccess): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      // Tokens are for integrations (staff realm only).
      if (!header.startsWith('Bearer ') || access.kind === 'portal' || access.kind === 'portal-pending') return null;
      return s.tokens.authenticate(db, header.slice(7).trim());
    }
    const realm = access.kind === 'portal' || access.kind === 'portal-pending' ? 'portal' : 'staff';
    const token = request.cookies[realm === 'portal' ? PORTAL_COOKIE : STAFF_COOKIE];
    if (!token) return null;
    const session = await s.sessions.authenticate(db, token, realm);
    if (!session) return null;
    checkCsrf(request, token);
    if (realm === 'portal') {
      if (!session.org_id || !session.client_id || !session.contact_id) return null;
      const level = session.level === 'full' ? 'full' : 'mfa';
      return { realm: 'portal', orgId: session.org_id, clientId: session.client_id, contactId: session.contact_id, sessionId: session.id, level, authenticatedAt: session.authenticated_at };
    }
    if (!session.user_id || !session.org_id) return null;
    const m = await db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.role', 'u.status'])
      .where('m.org_id', '=', session.org_id)
      .where('m.user_id', '=', session.user_id)
      .where('m.deactivated_at', 'is', null)
      .executeTakeFirst();
    if (!m || m.status !== 'active') return null;
    const permissions = await permissionsOf(db, session.org_id, m.role);
    if (!permissions) return null;
    return {
      realm: 'staff',
      via: 'session',
      orgId: session.org_id,
      userId: session.user_id,
      role: m.role as RoleKey,
      permissions,
      sessionId: session.id,
      authenticatedAt: session.authenticated_at,
      level: session.level,
      sessionToken: token,
    };
  };
}
