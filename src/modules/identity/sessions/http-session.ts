// Fastify glue for interactive sessions: the __Host- cookies, the client facts a sign-in records
// (IP, user agent, device cookie), and the answer every sign-in step gives (level + CSRF token).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { staff } from '../../../platform/http/auth-hooks.ts';
import type { StaffPrincipal } from '../../../platform/http/principal.ts';
import type { ClientInfo } from '../sign-in/login.service.ts';
import { csrfTokenFor, STAFF_COOKIE, type SessionsService } from './sessions.service.ts';

export const DEVICE_COOKIE = '__Host-sealbill-device';
const DEVICE_MAX_AGE_S = 400 * 86_400; // the longest lifetime browsers accept (RFC 6265bis)

export const signedInSchema = z.object({
  level: z.enum(['full', 'mfa', 'enrol']),
  csrfToken: z.string(),
  orgId: z.string(),
});

export function clientInfo(req: FastifyRequest): ClientInfo {
  const ua = req.headers['user-agent'];
  return {
    ip: req.ip,
    userAgent: typeof ua === 'string' ? ua.slice(0, 300) : null,
    deviceToken: req.cookies[DEVICE_COOKIE] ?? null,
    currentToken: req.cookies[STAFF_COOKIE] ?? null,
  };
}

export function createSessionCookies(sessions: SessionsService) {
  const maxAge = sessions.policy.absoluteHours * 3600;
  return {
    /** Sets the (new) session cookie and returns the CSRF token that goes with it. */
    set(reply: FastifyReply, token: string, deviceToken?: string | null): string {
      reply.setCookie(STAFF_COOKIE, token, sessions.cookieOptions(maxAge));
      if (deviceToken) reply.setCookie(DEVICE_COOKIE, deviceToken, sessions.cookieOptions(DEVICE_MAX_AGE_S));
      return csrfTokenFor(token);
    },
    clear(reply: FastifyReply): void {
      reply.clearCookie(STAFF_COOKIE, sessions.cookieOptions());
    },
  };
}

export type SessionCookies = ReturnType<typeof createSessionCookies>;

/** The session principal of a session-only route (the access table guarantees via === 'session'). */
export function sessionPrincipal(req: FastifyRequest): StaffPrincipal & { sessionId: string; sessionToken: string } {
  const p = staff(req);
  if (p.via !== 'session' || !p.sessionId || !p.sessionToken)
    throw new Error('session route reached without a session');
  return p as StaffPrincipal & { sessionId: string; sessionToken: string };
}
