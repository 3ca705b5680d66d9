// Staff sessions for integration tests that need an interactive (cookie) session rather than an
// API token: step-up-protected actions refuse tokens. The session is created directly with the
// sessions service (a fresh full authentication), then used like a browser: session cookie plus
// the CSRF header on state-changing requests.
import type { LightMyRequestResponse } from 'fastify';
import { csrfTokenFor, STAFF_COOKIE } from '../../src/modules/identity/sessions/sessions.service.ts';
import { insertMembership, insertUser, newUserRow } from '../../src/modules/identity/accounts/users.repo.ts';
import { newId } from '../../src/platform/ids.ts';
import type { TestInstance } from './instance.ts';

export interface SessionClient {
  userId: string;
  email: string | undefined;
  token: string;
  csrf: string;
  req(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

/** A fresh, fully signed-in staff session of a member (authenticated now, so step-up passes for 5 minutes). */
export async function staffSession(
  t: TestInstance,
  orgId: string,
  userId: string,
  email?: string,
): Promise<SessionClient> {
  const { token } = await t.container.services.sessions.create(t.container.db, {
    realm: 'staff',
    orgId,
    userId,
    level: 'full',
    amr: 'pwd',
    ip: '127.0.0.1',
    userAgent: 'vitest',
  });
  const csrf = csrfTokenFor(token);
  return {
    userId,
    email,
    token,
    csrf,
    req(method, url, body, headers = {}) {
      return t.app.inject({
        method: method as 'GET',
        url,
        headers: {
          cookie: `${STAFF_COOKIE}=${token}`,
          ...(method === 'GET' || method === 'HEAD' ? {} : { 'x-csrf-token': csrf }),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: body as object }),
      });
    },
  };
}

/** Adds a member with a role (no password: they act through staffSession) and returns a fresh session of theirs. */
export async function addMember(t: TestInstance, orgId: string, role: string, email: string): Promise<SessionClient> {
  const db = t.container.db;
  const now = t.clock.now().toISOString();
  const found = await db.selectFrom('users').select('id').where('email', '=', email.toLowerCase()).executeTakeFirst();
  const userId = found?.id ?? newId();
  if (!found) await insertUser(db, newUserRow(userId, email, email.split('@')[0]!, null, now, true));
  await insertMembership(db, { org_id: orgId, user_id: userId, role, created_at: now, deactivated_at: null });
  return staffSession(t, orgId, userId, email);
}
