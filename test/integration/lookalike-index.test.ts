// The look-alike domain index (issue #13, item 8). Attack: an attacker who may add or edit a
// client registers a domain that reads like a known client's (examp1e.com for example.com) to
// redirect payments. The warning must survive the move from "decrypt every client" to a keyed
// index: the index follows updates and contact removals, is built for clients that predate it,
// keeps working across a key rotation, never matches another organization's domains, and a
// create decrypts a handful of rows, not the organization.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { OrgCrypto } from '../../src/platform/crypto/org-crypto.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

const ACTOR = { type: 'system' as const, id: 'test' };
/** Domains far apart from each other (random letters), so none is a look-alike of another. */
const bulkDomain = (i: number) =>
  `${createHash('sha256').update(String(i)).digest('hex').replace(/[0-9]/g, '').slice(0, 10)}.example`;
const oneOff = (d: string) => `${d.slice(0, 4)}${d[4] === 'x' ? 'y' : 'x'}${d.slice(5)}`;

describeEachDb('look-alike domain index', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;

  const warningsOf = async (email: string, a: Api = api) =>
    ((await a.ok('POST', '/api/v1/clients', { name: `Client ${email}`, email })).warnings ?? []) as Array<{
      resembles: string;
      reason: string;
    }>;
  const resembled = async (email: string, a: Api = api) => (await warningsOf(email, a)).map((w) => w.resembles);

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app, 'Index AG');
    other = await setupOrg(t.app, 'Other AG');
  });
  afterAll(() => t.close());

  it('follows email changes and contact removals', async () => {
    const a = await api.ok('POST', '/api/v1/clients', { name: 'Alpha', email: 'ap@alpha-bank.com' });
    expect(await warningsOf('x@alpha-bamk.com')).toMatchObject([{ resembles: 'alpha-bank.com' }]);
    // The email moves away: alpha-bank.com is known only through the look-alike created above.
    await api.ok('PATCH', `/api/v1/clients/${a.id}`, { email: 'ap@zulu-traders.com' });
    expect(await warningsOf('x@zulu-tradres.com')).toMatchObject([{ resembles: 'zulu-traders.com' }]);

    const withContact = await api.ok('POST', `/api/v1/clients/${a.id}/contacts`, {
      name: 'Eve',
      email: 'eve@quebec-shipping.com',
    });
    expect(await warningsOf('x@quebec-shlpping.com')).toMatchObject([{ resembles: 'quebec-shipping.com' }]);
    const contactId = withContact.contacts.find((c: { email: string }) => c.email === 'eve@quebec-shipping.com').id;
    // The warning above created a client with quebec-shlpping.com: remove both, and the domain is gone.
    await api.ok('DELETE', `/api/v1/clients/${a.id}/contacts/${contactId}`);
    const rows = await t.container.db
      .selectFrom('client_domains')
      .select('client_id')
      .where('org_id', '=', api.orgId)
      .where('client_id', '=', a.id)
      .execute();
    expect(rows).toHaveLength(1); // zulu-traders.com only
  });

  it('never matches another organization, and a known domain is not a look-alike of itself', async () => {
    expect(await warningsOf('x@alpha-bamk.com', other)).toEqual([]);
    expect(await warningsOf('y@zulu-traders.com')).toEqual([]);
  });

  it('decrypts a handful of rows per create, not every client', async () => {
    const s = t.container.services.clients;
    for (let i = 0; i < 40; i++) await s.create(api.orgId, { name: `Bulk ${i}`, email: `ap@${bulkDomain(i)}` }, ACTOR);
    const spy = vi.spyOn(OrgCrypto.prototype, 'decryptText');
    try {
      const c = await s.create(api.orgId, { name: 'Fake', email: `ap@${oneOff(bulkDomain(7))}` }, ACTOR);
      expect(c.warnings?.map((w) => w.resembles)).toEqual([bulkDomain(7)]);
      // The new client read back (1) and the few candidate domains: far below the org's 45 clients.
      expect(spy.mock.calls.length).toBeLessThanOrEqual(12);
      expect(spy.mock.calls.filter(([, aad]) => aad.table === 'clients').length).toBeLessThanOrEqual(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('indexes organizations whose clients predate the index (worker, or the first check)', async () => {
    const wipe = async () => {
      await t.container.db.deleteFrom('client_domain_tokens').where('org_id', '=', api.orgId).execute();
      await t.container.db.deleteFrom('client_domains').where('org_id', '=', api.orgId).execute();
      await t.container.db.deleteFrom('client_domain_orgs').where('org_id', '=', api.orgId).execute();
    };
    await wipe();
    expect(await t.container.services.clients.indexDomainsMissing(10)).toBe(1);
    expect(await t.container.services.clients.indexDomainsMissing(10)).toBe(0);
    expect(await resembled('x@zulu-tradrse.com')).toContain('zulu-traders.com');
    await wipe();
    expect(await resembled(`x@${oneOff(bulkDomain(12))}`)).toEqual([bulkDomain(12)]);
  });

  it('keeps warning after a key rotation, with every token under the new key', async () => {
    const before = (
      await t.container.db.selectFrom('client_domain_tokens').select('token').where('org_id', '=', api.orgId).execute()
    ).map((r) => r.token);
    await t.container.services.keys.rotateOrg(api.orgId, ACTOR, { settleMs: 0, sleep: async () => {} });
    const after = (
      await t.container.db.selectFrom('client_domain_tokens').select('token').where('org_id', '=', api.orgId).execute()
    ).map((r) => r.token);
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((x) => before.includes(x))).toBe(false);
    expect(await resembled(`x@${oneOff(bulkDomain(30))}`)).toEqual([bulkDomain(30)]);
  });

  it('stores no domain in clear', async () => {
    const domains = await t.container.db.selectFrom('client_domains').selectAll().execute();
    const tokens = await t.container.db.selectFrom('client_domain_tokens').selectAll().execute();
    // (Whole domains: a short word could occur in random base64url by chance.)
    const dump = JSON.stringify([domains, tokens]);
    for (const word of ['alpha-bank', 'zulu-traders', 'quebec-shipping', '.example', bulkDomain(3).slice(0, 8)])
      expect(dump).not.toContain(word);
  });
});
