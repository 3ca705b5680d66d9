// A small typed client over app.inject for integration tests.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { containerOfApp, TEST_PROVISIONING_TOKEN } from './instance.ts';

export interface Api {
  token: string;
  orgId: string;
  userId: string;
  req(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  ok<T = any>(
    method: string,
    url: string,
    body?: unknown,
    status?: number,
    headers?: Record<string, string>,
  ): Promise<T>;
  as(token: string): Api;
}

export function apiFor(app: FastifyInstance, token: string, orgId = '', userId = ''): Api {
  const api: Api = {
    token,
    orgId,
    userId,
    req(method, url, body, headers = {}) {
      return app.inject({
        method: method as 'GET',
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
    },
    async ok(method, url, body, status, headers) {
      const res = await api.req(method, url, body, headers);
      const expected = status ?? (method === 'POST' ? [200, 201] : [200]);
      if (!(Array.isArray(expected) ? expected : [expected]).includes(res.statusCode)) {
        throw new Error(`${method} ${url} → ${res.statusCode}: ${res.body}`);
      }
      return res.json();
    },
    as(other) {
      return apiFor(app, other, orgId, userId);
    },
  };
  return api;
}

export async function setupOrg(
  app: FastifyInstance,
  name = 'Acme GmbH',
  extra: Record<string, unknown> = {},
): Promise<Api> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/setup',
    headers: { 'x-sealbill-provisioning-token': TEST_PROVISIONING_TOKEN },
    payload: {
      organization: { name, defaultCurrency: 'EUR', locale: 'de-DE', timeZone: 'Europe/Berlin', ...extra },
      owner: { email: `owner@${name.replace(/\W/g, '').toLowerCase()}.test`, name: 'Olga Owner' },
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const { token, orgId, userId } = res.json();
  // The bootstrap token expires after 24 hours (bootstrap.service.ts, tested in hardening-identity);
  // suites that move their clock by days use it as their owner's API token, so the fixture lifts
  // the expiry of this one token directly in the database.
  const container = containerOfApp.get(app);
  if (container)
    await container.db
      .updateTable('api_tokens')
      .set({ expires_at: null })
      .where('org_id', '=', orgId)
      .where('name', '=', 'bootstrap owner token')
      .execute();
  return apiFor(app, token, orgId, userId);
}

export function expectProblem(res: LightMyRequestResponse, status: number, code?: string): any {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body.status).toBe(status);
  if (code) expect(body.code).toBe(code);
  expect(res.body).not.toMatch(/at .*\.ts:\d+|node_modules|stack/i);
  return body;
}
