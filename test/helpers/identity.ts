// Identity tests: a cookie-keeping browser over app.inject that signs in through the real
// endpoints (the session cookie rotates; the CSRF header goes on state changes), users with
// passwords, and TOTP codes.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import { csrfTokenFor, STAFF_COOKIE } from '../../src/modules/identity/sessions/sessions.service.ts';
import { DEVICE_COOKIE } from '../../src/modules/identity/sessions/http-session.ts';
import { hashPassword } from '../../src/modules/identity/passwords/passwords.ts';
import { insertMembership, insertUser, newUserRow } from '../../src/modules/identity/accounts/users.repo.ts';
import { newId } from '../../src/platform/ids.ts';
import type { TestInstance } from './instance.ts';

export interface Browser {
  /** Current session token (null before sign-in or after sign-out). */
  token: string | null;
  device: string | null;
  csrf(): string;
  req(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  ok<T = any>(method: string, url: string, body?: unknown, status?: number | number[]): Promise<T>;
}

export function browser(
  app: FastifyInstance,
  init: { token?: string | null; device?: string | null; ip?: string } = {},
): Browser {
  const b: Browser = {
    token: init.token ?? null,
    device: init.device ?? null,
    csrf: () => (b.token ? csrfTokenFor(b.token) : ''),
    async req(method, url, body, headers = {}) {
      const cookies = [b.token && `${STAFF_COOKIE}=${b.token}`, b.device && `${DEVICE_COOKIE}=${b.device}`]
        .filter(Boolean)
        .join('; ');
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(cookies ? { cookie: cookies } : {}),
          ...(method !== 'GET' && b.token ? { 'x-csrf-token': b.csrf() } : {}),
          'user-agent': 'vitest-browser/1.0',
          ...headers,
        },
        ...(body === undefined ? {} : { payload: body as object }),
        ...(init.ip ? { remoteAddress: init.ip } : {}),
      });
      for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
        const cleared =
          c.value === '' || (c.expires !== undefined && c.expires.getTime() <= Date.now()) || c.maxAge === 0;
        if (c.name === STAFF_COOKIE) b.token = cleared ? null : c.value;
        if (c.name === DEVICE_COOKIE && !cleared) b.device = c.value;
      }
      return res;
    },
    async ok(method, url, body, status) {
      const res = await b.req(method, url, body);
      const expected = status ?? (method === 'POST' ? [200, 201] : [200]);
      if (!(Array.isArray(expected) ? expected : [expected]).includes(res.statusCode))
        throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
      return res.json();
    },
  };
  return b;
}

export const PASSWORD = 'correct horse battery staple';

/** Adds a user with a password and a membership directly (test setup, not under test). */
export async function addUser(
  t: TestInstance,
  orgId: string,
  role: string,
  email: string,
  password = PASSWORD,
): Promise<string> {
  const db = t.container.db;
  const now = t.clock.now().toISOString();
  const existing = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  const userId = existing?.id ?? newId();
  if (!existing)
    await insertUser(db, newUserRow(userId, email, email.split('@')[0]!, await hashPassword(password), now, true));
  await insertMembership(db, { org_id: orgId, user_id: userId, role, created_at: now, deactivated_at: null });
  return userId;
}

/** Signs in with a password; returns the browser (the session may still need a second factor). */
export async function signIn(
  app: FastifyInstance,
  email: string,
  password = PASSWORD,
  b: Browser = browser(app),
): Promise<Browser & { level: string }> {
  const res = await b.req('POST', '/api/v1/auth/login', { email, password });
  expect(res.statusCode, res.body).toBe(200);
  return Object.assign(b, { level: res.json().level as string });
}

/** The current RFC 6238 code of a base32 secret at a time. */
export function totpCode(secret: string, at: Date, offsetSteps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: at.getTime() + offsetSteps * 30_000,
  });
}

/** Enrols an authenticator app for a signed-in browser; returns the secret and recovery codes. */
export async function enrolTotp(b: Browser, now: () => Date): Promise<{ secret: string; recoveryCodes: string[] }> {
  const begin = await b.ok('POST', '/api/v1/me/totp');
  const r = await b.ok('POST', '/api/v1/me/totp/confirm', { code: totpCode(begin.secret, now()) });
  return { secret: begin.secret, recoveryCodes: r.recoveryCodes ?? [] };
}
