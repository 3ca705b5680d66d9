// Tenant isolation, attacked across two organizations. Org A's owner (holding every permission
// in A, by token and by session) goes after org B's objects: by id (read, change, delete, act),
// by list filter, by search, by export (PDF downloads and every list route of the API), and by
// smuggling orgId / role / ownerId fields into request bodies. Every object of B must answer 404
// (never 403, which would confirm it exists), lists must not contain B's data, and nothing of B
// may change.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROUTE_ACCESS } from '../../src/modules/identity/route-access.ts';
import { apiFor, expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { addUser, signIn, type Browser } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { staffSession, type SessionClient } from '../helpers/session.ts';
import { SoftAuthenticator } from '../helpers/webauthn.ts';

const SECRET_NAME = 'Victim Holdings Zeta';

describeEachDb('tenant isolation', (dialect) => {
  let t: TestInstance;
  let a: Api;
  let b: Api;
  let aOwner: SessionClient;
  const B: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    a = await setupOrg(t.app, 'Attacker Ltd');
    b = await setupOrg(t.app, 'Victim AG');
    aOwner = await staffSession(t, a.orgId, a.userId);

    const client = await b.ok('POST', '/api/v1/clients', {
      name: SECRET_NAME,
      email: 'ceo@victim.test',
      contacts: [{ name: 'Vera Victim', email: 'vera@victim.test', isPrimary: true }],
    });
    B.client = client.id;
    B.contact = client.contacts[0].id;
    B.taxRate = (await b.ok('POST', '/api/v1/tax-rates', { name: 'VAT', rateBp: 1900 })).id;
    B.item = (
      await b.ok('POST', '/api/v1/items', { name: 'Secret consulting', unitPrice: 10_000, currency: 'EUR' })
    ).id;
    const inv = await b.ok('POST', '/api/v1/invoices', {
      clientId: B.client,
      lines: [{ description: 'Work', quantity: '1', unitPrice: 50_000 }],
    });
    B.invoice = inv.id;
    await b.ok('POST', `/api/v1/invoices/${B.invoice}/issue`, { confirmWithoutPayoutDetails: true });
    B.draft = (
      await b.ok('POST', '/api/v1/invoices', {
        clientId: B.client,
        lines: [{ description: 'Draft', quantity: '1', unitPrice: 1 }],
      })
    ).id;
    B.quote = (
      await b.ok('POST', '/api/v1/quotes', {
        clientId: B.client,
        lines: [{ description: 'Offer', quantity: '1', unitPrice: 7_000 }],
      })
    ).id;
    B.payment = (await b.ok('POST', `/api/v1/invoices/${B.invoice}/payments`, { amount: 10_000 })).id;
    B.schedule = (
      await b.ok(
        'POST',
        '/api/v1/recurring-schedules',
        {
          clientId: B.client,
          frequency: 'monthly',
          startOn: '2030-01-01',
          lines: [{ description: 'Retainer', quantity: '1', unitPrice: 9_000 }],
        },
        201,
      )
    ).id;
    B.member = await addUser(t, b.orgId, 'accountant', 'acct@victim.test');
    B.invitation = (
      await b.ok('POST', '/api/v1/members/invitations', { email: 'new@victim.test', role: 'viewer' }, 201)
    ).id;
    const bOwner = await staffSession(t, b.orgId, b.userId);
    B.token = (
      await bOwner.req('POST', '/api/v1/me/tokens', {
        name: 'victim token',
        scopes: ['client:read'],
        expiresInDays: 30,
      })
    ).json().id;
    const victim: Browser = await signIn(t.app, 'acct@victim.test');
    B.session = (await victim.ok('GET', '/api/v1/me/sessions')).items[0].id;
    const opts = await victim.ok('POST', '/api/v1/me/passkeys/options');
    B.passkey = (
      await victim.ok('POST', '/api/v1/me/passkeys', {
        challengeId: opts.challengeId,
        name: 'Victim key',
        response: new SoftAuthenticator(t.config.publicUrl).create(opts.options),
      })
    ).passkey.id;
  });
  afterAll(() => t.close());

  it('answers 404 for every object of the other org, by id, whatever the action', async () => {
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/clients/${B.client}`],
      ['PATCH', `/api/v1/clients/${B.client}`, { name: 'Pwned' }],
      ['DELETE', `/api/v1/clients/${B.client}`],
      ['POST', `/api/v1/clients/${B.client}/contacts`, { name: 'Mallory', email: 'm@evil.test' }],
      ['DELETE', `/api/v1/clients/${B.client}/contacts/${B.contact}`],
      ['GET', `/api/v1/tax-rates/${B.taxRate}`],
      ['PATCH', `/api/v1/tax-rates/${B.taxRate}`, { name: 'Pwned' }],
      ['GET', `/api/v1/items/${B.item}`],
      ['PATCH', `/api/v1/items/${B.item}`, { name: 'Pwned' }],
      ['GET', `/api/v1/invoices/${B.invoice}`],
      ['GET', `/api/v1/invoices/${B.invoice}/pdf`],
      ['POST', `/api/v1/invoices/${B.invoice}/void`, {}],
      ['GET', `/api/v1/invoices/${B.invoice}/payments`],
      ['POST', `/api/v1/invoices/${B.invoice}/payments`, { amount: 1 }],
      ['POST', `/api/v1/invoices/${B.invoice}/refunds`, { amount: 1 }],
      ['PATCH', `/api/v1/invoices/${B.draft}`, { notes: 'Pwned' }],
      ['DELETE', `/api/v1/invoices/${B.draft}`],
      ['GET', `/api/v1/invoices/${B.draft}/preview.pdf`],
      ['POST', `/api/v1/invoices/${B.draft}/issue`, {}],
      ['GET', `/api/v1/quotes/${B.quote}`],
      ['POST', `/api/v1/quotes/${B.quote}/accept`, {}],
      ['GET', `/api/v1/recurring-schedules/${B.schedule}`],
      ['POST', `/api/v1/recurring-schedules/${B.schedule}/status`, { status: 'paused' }],
      ['PATCH', `/api/v1/members/${B.member}`, { role: 'viewer' }],
      ['POST', `/api/v1/members/${B.member}/deactivate`],
      ['POST', `/api/v1/members/${B.member}/unlock`],
      ['DELETE', `/api/v1/members/invitations/${B.invitation}`],
      ['DELETE', `/api/v1/org/tokens/${B.token}`],
      ['DELETE', `/api/v1/me/tokens/${B.token}`],
      ['DELETE', `/api/v1/me/sessions/${B.session}`],
      ['PATCH', `/api/v1/me/passkeys/${B.passkey}`, { name: 'Pwned' }],
      ['DELETE', `/api/v1/me/passkeys/${B.passkey}`],
      ['POST', '/api/v1/auth/switch-org', { orgId: b.orgId }],
    ];
    for (const [method, url, body] of attempts) {
      const res = await aOwner.req(method, url, body);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(404);
      if (url.startsWith('/api/v1/me/') || url.startsWith('/api/v1/auth/')) continue;
      // By API token: 404 too, unless the action needs step-up, which a token never passes.
      const byToken = await a.req(method, url, body);
      const outcome = byToken.statusCode === 401 ? byToken.json().code : byToken.statusCode;
      expect([404, 'step_up_required'], `token ${method} ${url}: ${byToken.body}`).toContain(outcome);
    }
  });

  it('filters and searches never reach into the other org', async () => {
    expect((await a.ok('GET', `/api/v1/invoices?clientId=${B.client}`)).items).toEqual([]);
    expect((await a.ok('GET', `/api/v1/quotes?clientId=${B.client}`)).items).toEqual([]);
    expect((await a.ok('GET', '/api/v1/clients?q=Victim')).items).toEqual([]);
    expect((await a.ok('GET', '/api/v1/clients?email=ceo@victim.test')).items).toEqual([]);
    expect((await a.ok('GET', '/api/v1/invoices?number=INV')).items).toEqual([]);
  });

  it('no list or export route of the API returns anything of the other org', async () => {
    const markers = [
      SECRET_NAME,
      'ceo@victim.test',
      'vera@victim.test',
      'acct@victim.test',
      'Secret consulting',
      b.orgId,
      ...Object.values(B),
    ];
    const lists = Object.entries(ROUTE_ACCESS).filter(
      ([key, access]) =>
        key.startsWith('GET /api/v1/') && !key.includes(':') && access.kind !== 'public' && access.kind !== 'portal',
    );
    expect(lists.length).toBeGreaterThan(15);
    for (const [key] of lists) {
      const url = key.slice(4);
      for (const res of [await a.req('GET', url), await aOwner.req('GET', url)]) {
        const body = res.rawPayload.toString('latin1');
        for (const m of markers) expect(body.includes(m), `${key} leaks ${m}`).toBe(false);
      }
    }
  });

  it('the data export (POST /api/v1/exports, both formats) carries nothing of the other org', async () => {
    const ids = ['client', 'contact', 'taxRate', 'item', 'invoice', 'draft', 'quote', 'payment', 'schedule'].map(
      (k) => B[k]!,
    );
    const markers = [SECRET_NAME, 'ceo@victim.test', 'vera@victim.test', 'Secret consulting', b.orgId, ...ids];
    for (const format of ['json', 'invoices-csv']) {
      const res = await aOwner.req('POST', '/api/v1/exports', { format });
      expect(res.statusCode, res.body).toBe(200);
      for (const m of markers) expect(res.body.includes(m), `${format} export leaks ${m}`).toBe(false);
    }
  });

  it('ignores (refuses) orgId, role and ownerId smuggled into bodies; nothing changes in either org', async () => {
    const bClients = (await b.ok('GET', '/api/v1/clients?limit=200')).items.length;
    const smuggled: Array<[string, string, unknown]> = [
      ['POST', '/api/v1/clients', { name: 'Smuggled', orgId: b.orgId }],
      [
        'PATCH',
        `/api/v1/clients/${(await a.ok('POST', '/api/v1/clients', { name: 'Mine' }, 201)).id}`,
        { name: 'Mine', orgId: b.orgId, ownerId: b.userId },
      ],
      [
        'POST',
        '/api/v1/invoices',
        { clientId: B.client, orgId: b.orgId, lines: [{ description: 'x', quantity: '1', unitPrice: 1 }] },
      ],
      ['PATCH', '/api/v1/org', { name: 'Attacker Ltd', orgId: b.orgId }],
      ['POST', '/api/v1/members/invitations', { email: 'spy@evil.test', role: 'viewer', orgId: b.orgId }],
      ['PATCH', '/api/v1/me', { name: 'Mallory', role: 'owner', orgId: b.orgId }],
      [
        'POST',
        '/api/v1/me/tokens',
        { name: 'x', scopes: ['client:read'], expiresInDays: 1, orgId: b.orgId, ownerId: b.userId },
      ],
    ];
    for (const [method, url, body] of smuggled) {
      const res = await aOwner.req(method, url, body);
      expect([400, 404], `${method} ${url}: ${res.body}`).toContain(res.statusCode);
    }
    expect((await b.ok('GET', '/api/v1/clients?limit=200')).items.length).toBe(bClients);
    expect((await b.ok('GET', '/api/v1/members')).items.map((m: { email: string }) => m.email)).not.toContain(
      'owner@attackerltd.test',
    );
    expect(
      (await b.ok('GET', '/api/v1/members/invitations')).items.map((i: { email: string }) => i.email),
    ).not.toContain('spy@evil.test');
    expect((await a.ok('GET', '/api/v1/org')).name).toBe('Attacker Ltd');
    expect((await apiFor(t.app, a.token).ok('GET', '/api/v1/me')).orgId).toBe(a.orgId);
    expectProblem(await a.req('GET', `/api/v1/clients/${B.client}`), 404, 'not_found');
  });
});
