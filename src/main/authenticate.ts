// How a request proves who it is: an API token (Authorization: Bearer) or a session cookie of
// the realm the route belongs to (resolved by identity's principals service; this file only
// reads the transport). Cookie-authenticated state changes must carry the CSRF token
// (X-CSRF-Token) and, when the browser sends one, an Origin among ours (config.allowedOrigins:
// the public URL's origin, plus the loopback aliases of the derived local default).
import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { foreignOriginError } from '../platform/http/origins.ts';
import type { Principal, RouteAccess } from '../platform/http/principal.ts';
import { csrfMatches, PORTAL_COOKIE, STAFF_COOKIE } from '../modules/identity/sessions/sessions.service.ts';
import type { Container } from './container.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createAuthenticator(c: Container) {
  const { config } = c;
  const principals = c.services.identity.principals;
  const ours = new Set(config.allowedOrigins);

  function checkCsrf(request: FastifyRequest, token: string): void {
    if (SAFE_METHODS.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin && !ours.has(origin)) throw foreignOriginError(origin, config);
    const presented = request.headers['x-csrf-token'];
    if (!csrfMatches(token, Array.isArray(presented) ? presented[0] : presented))
      throw new AppError('csrf_failed', 'Missing or invalid CSRF token');
  }

  return async function authenticate(request: FastifyRequest, access: RouteAccess): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      // Tokens are for integrations (staff realm only).
      if (!header.startsWith('Bearer ') || access.kind === 'portal' || access.kind === 'portal-pending') return null;
      return principals.ofApiToken(header.slice(7).trim());
    }
    const realm = access.kind === 'portal' || access.kind === 'portal-pending' ? 'portal' : 'staff';
    const token = request.cookies[realm === 'portal' ? PORTAL_COOKIE : STAFF_COOKIE];
    if (!token) return null;
    const session = await principals.liveSession(token, realm);
    if (!session) return null;
    checkCsrf(request, token);
    return principals.ofSession(session, token);
  };
}
