// The route × principal access matrix (SECURITY-BAR, access control). It reads the declared table
// (route-access.ts) and the routes the server actually registered, so it keeps up as routes are
// added: every registered route must be declared, every declared route must exist, and every
// route is called as each role (owner, admin, accountant, sales, viewer, auditor), as a portal
// client, as an API token with each single scope, and anonymously. "Denied" means 401/403 (a 401
// step_up_required is allowed-by-permission: the principal holds the permission but must first
// re-authenticate); anything else means the access layer let the request through (it may then
// fail validation with 400 or find nothing with 404, since ids are random and bodies empty).
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/platform/http/app.ts';
import { routeKey } from '../../src/platform/http/auth-hooks.ts';
import type { RouteAccess } from '../../src/platform/http/principal.ts';
import {
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  type Permission,
  type Role,
} from '../../src/modules/identity/members/rbac.ts';
import { ROUTE_ACCESS, routeAccessTable } from '../../src/modules/identity/route-access.ts';
import { csrfTokenFor, PORTAL_COOKIE, STAFF_COOKIE } from '../../src/modules/identity/sessions/sessions.service.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { addUser } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

type Who =
  { kind: 'anonymous' } | { kind: 'role'; role: Role } | { kind: 'token'; scope: Permission } | { kind: 'portal' };
const label = (w: Who) => (w.kind === 'role' ? w.role : w.kind === 'token' ? `token[${w.scope}]` : w.kind);

/** What the declared table says about a principal on a route. */
function expected(access: RouteAccess, who: Who): 'allow' | 'deny' {
  switch (access.kind) {
    case 'public':
      return 'allow';
    case 'portal':
    case 'portal-pending':
      return who.kind === 'portal' ? 'allow' : 'deny';
    case 'staff':
      if (who.kind === 'role') return ROLE_PERMISSIONS[who.role].has(access.permission) ? 'allow' : 'deny';
      // Tokens are the owner's: their permissions are exactly their scope.
      if (who.kind === 'token') return who.scope === access.permission ? 'allow' : 'deny';
      return 'deny';
    case 'staff-self':
      return who.kind === 'role' || who.kind === 'token' ? 'allow' : 'deny';
    case 'staff-pending':
    case 'staff-session':
      return who.kind === 'role' ? 'allow' : 'deny';
  }
}

function observed(res: LightMyRequestResponse): 'allow' | 'deny' {
  if (res.statusCode !== 401 && res.statusCode !== 403) return 'allow';
  const code = (res.headers['content-type'] ?? '').toString().includes('json')
    ? (res.json() as { code?: string }).code
    : undefined;
  return code === 'step_up_required' ? 'allow' : 'deny';
}

const concrete = (url: string) => url.replace(/:[A-Za-z_]+/g, () => randomUUID()).replace(/\*/g, 'x');

describeEachDb('access control: every route × every principal', (dialect) => {
  let t: TestInstance;
  let api: Api;
  const registered = new Set<string>();
  const userOf = new Map<Role, string>();
  const tokenOf = new Map<Permission, string>();
  let portal: { clientId: string; contactId: string };

  beforeAll(async () => {
    // Record every route the server registers (the onRoute hook asks the table about each one).
    const original = routeAccessTable.lookup.bind(routeAccessTable);
    const spy = vi.spyOn(routeAccessTable, 'lookup').mockImplementation((method: string, url: string) => {
      registered.add(routeKey(method, url));
      return original(method, url);
    });
    try {
      t = await createTestInstance(dialect);
    } finally {
      spy.mockRestore();
    }
    api = await setupOrg(t.app, 'Matrix AG');
    userOf.set('owner', api.userId);
    for (const role of ROLES.filter((r) => r !== 'owner'))
      userOf.set(role, await addUser(t, api.orgId, role, `${role}@matrix.test`));
    for (const scope of PERMISSIONS) {
      const { token } = await t.container.db.transaction().execute((tx) =>
        t.container.services.tokens.create(tx, {
          orgId: api.orgId,
          userId: api.userId,
          name: scope,
          scopes: [scope],
          expiresAt: null,
        }),
      );
      tokenOf.set(scope, token);
    }
    const client = await api.ok('POST', '/api/v1/clients', {
      name: 'Portal Client',
      email: 'portal@client.test',
      contacts: [{ name: 'Pat', email: 'pat@client.test', isPrimary: true }],
    });
    portal = { clientId: client.id, contactId: client.contacts[0].id };
  });
  afterAll(() => t.close());

  async function headersFor(who: Who): Promise<Record<string, string>> {
    const sessions = t.container.services.sessions;
    const db = t.container.db;
    if (who.kind === 'token') return { authorization: `Bearer ${tokenOf.get(who.scope)}` };
    if (who.kind === 'role') {
      const { token } = await sessions.create(db, {
        realm: 'staff',
        orgId: api.orgId,
        userId: userOf.get(who.role)!,
        level: 'full',
        amr: 'pwd',
      });
      return { cookie: `${STAFF_COOKIE}=${token}`, 'x-csrf-token': csrfTokenFor(token) };
    }
    if (who.kind === 'portal') {
      const { token } = await sessions.create(db, {
        realm: 'portal',
        orgId: api.orgId,
        clientId: portal.clientId,
        contactId: portal.contactId,
        level: 'full',
      });
      return { cookie: `${PORTAL_COOKIE}=${token}`, 'x-csrf-token': csrfTokenFor(token) };
    }
    return {};
  }

  it('every registered route is declared in the table, and every declared route is registered', () => {
    expect(registered.size).toBeGreaterThan(50);
    const undeclared = [...registered].filter((k) => {
      const [m, u] = k.split(' ') as [string, string];
      return routeAccessTable.lookup(m, u) === undefined;
    });
    expect(undeclared).toEqual([]);
    const missing = Object.keys(ROUTE_ACCESS).filter((k) => !registered.has(k));
    expect(missing).toEqual([]);
  });

  it('a route without a declared permission stops the server from starting', async () => {
    await expect(
      buildApp({
        config: t.config,
        access: routeAccessTable,
        authenticate: async () => null,
        logger: false,
        routes: (app) => void app.get('/api/v1/undeclared-route', async () => ({})),
      }),
    ).rejects.toThrow(/GET \/api\/v1\/undeclared-route has no declared access/);
  });

  it('allows and denies exactly as the table declares, for every route and principal', async () => {
    const principals: Who[] = [
      { kind: 'anonymous' },
      { kind: 'portal' },
      ...ROLES.map((role) => ({ kind: 'role' as const, role })),
      ...PERMISSIONS.map((scope) => ({ kind: 'token' as const, scope })),
    ];
    const mismatches: string[] = [];
    const tally: Record<string, number> = {};
    let calls = 0;
    for (const key of Object.keys(ROUTE_ACCESS).sort()) {
      const access = ROUTE_ACCESS[key]!;
      const [method, pattern] = key.split(' ') as [string, string];
      // Public routes: reachable anonymously (only the anonymous call: they need no principal).
      const whom =
        access.kind === 'public'
          ? [{ kind: 'anonymous' } as Who]
          : access.kind === 'staff'
            ? principals
            : principals.filter((w) => w.kind !== 'token' || w.scope === 'org:read');
      for (const who of whom) {
        const res = await t.app.inject({
          method: method as 'GET',
          url: concrete(pattern),
          headers: await headersFor(who),
          ...(method === 'GET' || method === 'DELETE' || method === 'HEAD' ? {} : { payload: {} }),
        });
        calls++;
        const want = expected(access, who);
        const got =
          access.kind === 'public'
            ? res.statusCode === 401 && res.headers['www-authenticate']
              ? 'deny'
              : 'allow'
            : observed(res);
        tally[`${want}/${got}`] = (tally[`${want}/${got}`] ?? 0) + 1;
        if (want !== got)
          mismatches.push(`${key} as ${label(who)}: expected ${want}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
      }
    }
    expect(calls).toBeGreaterThan(500);
    // Both outcomes are exercised (a broken classifier would make everything one or the other).
    expect(tally['allow/allow']).toBeGreaterThan(100);
    expect(tally['deny/deny']).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  }, 600_000);
});
