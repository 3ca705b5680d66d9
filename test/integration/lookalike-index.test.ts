// The org's known domains for the look-alike warning (issue #13, item 8; client-domains.ts).
// Attack: an attacker who may add or edit a client registers a domain that reads like a known
// client's (examp1e.com for example.com) to redirect payments. The warning must survive the move
// from "decrypt every client" to a per-process cache of the org's domains: the cache must see a
// domain another process wrote (else a second server misses the look-alike), must not keep
// warning about a domain no client has any more, must not skip rows whose transaction rolled back
// and whose seqs were handed out again, must keep working across a key rotation, must never match
// another organization's domains, and a warm create decrypts no domain, not the organization.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createContainer, type Container } from '../../src/main/container.ts';
import { takeDomainSeq } from '../../src/modules/clients/client-domains.repo.ts';
import { OrgCrypto } from '../../src/platform/crypto/org-crypto.ts';
import { readCatalog } from '../../src/platform/db/catalog.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { inTxRolledBack } from '../../src/platform/db/tx.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { insertOrgRow, withDatabaseBefore } from '../helpers/migration.ts';

const ACTOR = { type: 'system' as const, id: 'test' };
/** Domains far apart from each other (random letters), so none is a look-alike of another. */
const bulkDomain = (i: number) =>
  `${createHash('sha256').update(String(i)).digest('hex').replace(/[0-9]/g, '').slice(0, 10)}.example`;
const oneOff = (d: string) => `${d.slice(0, 4)}${d[4] === 'x' ? 'y' : 'x'}${d.slice(5)}`;
const domainDecrypts = (spy: { mock: { calls: Array<[string, { table: string }]> } }) =>
  spy.mock.calls.filter(([, aad]) => aad.table === 'client_domains').length;

describeEachDb('look-alike domain cache', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  /** A second server process on the same database, with its own cache. */
  let second: Container;

  const warningsOf = async (email: string, a: Api = api) =>
    ((await a.ok('POST', '/api/v1/clients', { name: `Client ${email}`, email })).warnings ?? []) as Array<{
      resembles: string;
      reason: string;
      distance: number;
    }>;
  const resembled = async (email: string, a: Api = api) => (await warningsOf(email, a)).map((w) => w.resembles);
  /** The check alone, through a container's service (no client written). */
  const check = async (c: Container, domain: string) =>
    (await c.services.clients.findLookalikesInTx(c.db, api.orgId, [domain])).map((w) => w.resembles);

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app, 'Index AG');
    other = await setupOrg(t.app, 'Other AG');
    second = await createContainer(t.config, { keyring: t.container.keyring, migrate: false, warn: () => {} });
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });

  it('warns on transpositions, homoglyphs and two edits; an identical domain is fine', async () => {
    await api.ok('POST', '/api/v1/clients', { name: 'Acme', email: 'ap@acme-holding.com' });
    expect(await warningsOf('x@acme-hloding.com')).toMatchObject([
      { resembles: 'acme-holding.com', reason: 'edit_distance', distance: 1 },
    ]);
    const s = t.container.services.clients;
    expect(await s.findLookalikesInTx(t.container.db, api.orgId, ['acme-ho1ding.com'])).toMatchObject([
      { resembles: 'acme-holding.com', reason: 'confusable' },
      { resembles: 'acme-hloding.com', reason: 'edit_distance', distance: 1 },
    ]);
    expect(await check(t.container, 'аcme-holding.com')).toEqual(['acme-holding.com', 'acme-hloding.com']); // Cyrillic а
    expect(await s.findLookalikesInTx(t.container.db, api.orgId, ['acme-hodlnig.com'])).toContainEqual(
      expect.objectContaining({ resembles: 'acme-holding.com', distance: 2 }),
    ); // two edits
    expect(await warningsOf('y@acme-holding.com')).toEqual([]);
  });

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
    expect(await check(t.container, 'quebec-shlpping.com')).toEqual(['quebec-shipping.com']);
    const contactId = withContact.contacts.find((c: { email: string }) => c.email === 'eve@quebec-shipping.com').id;
    await api.ok('DELETE', `/api/v1/clients/${a.id}/contacts/${contactId}`);
    // The cache still held quebec-shipping.com: it is confirmed gone, not warned about.
    expect(await check(t.container, 'quebec-shlpping.com')).toEqual([]);
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

  it('sees a domain another process wrote on its next check, and forgets a deleted one', async () => {
    // Both caches warm.
    expect(await check(t.container, 'nothing-like-it.com')).toEqual([]);
    expect(await check(second, 'nothing-like-it.com')).toEqual([]);
    const s2 = second.services.clients;
    const k = await s2.create(api.orgId, { name: 'Kilo', email: 'ap@kilo-freight.com' }, ACTOR);
    expect(await check(t.container, 'kilo-frieght.com')).toEqual(['kilo-freight.com']);
    await t.container.services.clients.create(api.orgId, { name: 'Lima', email: 'ap@lima-logistics.com' }, ACTOR);
    expect(await check(second, 'lima-logistlcs.com')).toEqual(['lima-logistics.com']);
    expect(await s2.get(api.orgId, k.id)).toMatchObject({ email: 'ap@kilo-freight.com' });

    // The client goes (its rows deleted, as an erasure would): neither cache warns any more.
    await t.container.db.deleteFrom('client_domains').where('client_id', '=', k.id).execute();
    expect(await check(second, 'kilo-frieght.com')).toEqual([]);
    expect(await check(t.container, 'kilo-frieght.com')).toEqual([]);
    // And it is learnt again when a client has it again (the update rewrites the client's rows).
    await s2.update(api.orgId, k.id, { email: 'billing@kilo-freight.com' }, ACTOR);
    expect(await check(t.container, 'kilo-frieght.com')).toEqual(['kilo-freight.com']);
  });

  it('does not skip rows whose seqs a rolled-back transaction had taken', async () => {
    const s = t.container.services.clients;
    expect(await check(t.container, 'nothing-like-it.com')).toEqual([]);
    // The CSV import's dry run: several clients in one transaction, always rolled back. The
    // second create's check reads the first one's row (its own, uncommitted).
    await inTxRolledBack(t.container.db, async (tx) => {
      await s.createInTx(tx, api.orgId, { name: 'Dry 1', email: 'ap@dryrun-first.com' }, ACTOR);
      await s.createInTx(tx, api.orgId, { name: 'Dry 2', email: 'ap@dryrun-second.com' }, ACTOR);
    });
    // This client's domain row takes the seq Dry 1's had.
    await second.services.clients.create(api.orgId, { name: 'Mike', email: 'ap@mike-textiles.com' }, ACTOR);
    expect(await check(t.container, 'mike-textlles.com')).toEqual(['mike-textiles.com']);
    expect(await check(t.container, 'dryrun-flrst.com')).toEqual([]);
  });

  // The staleness argument of client-domains.ts: on PostgreSQL a writer holds the counter row until
  // it commits or rolls back, so seqs become visible in the order they were taken. (SQLite has one
  // writer at a time.)
  it.runIf(dialect === 'postgres')('makes a second writer wait for the first one’s commit or rollback', async () => {
    const db = t.container.db;
    const writer = () => {
      let seq = 0;
      let end!: (commit: boolean) => void;
      let took!: () => void;
      const tookSeq = new Promise<void>((r) => (took = r));
      const ended = new Promise<boolean>((r) => (end = r));
      const done = db
        .transaction()
        .execute(async (tx) => {
          seq = await takeDomainSeq(tx, api.orgId);
          took();
          if (!(await ended)) throw new Error('rollback');
        })
        .catch(() => undefined);
      return { seq: () => seq, tookSeq, end, done };
    };
    const a = writer();
    await a.tookSeq;
    const b = writer();
    await new Promise((r) => setTimeout(r, 300));
    expect(b.seq()).toBe(0); // blocked on a's counter row
    a.end(false);
    await a.tookSeq;
    await b.tookSeq;
    expect(b.seq()).toBe(a.seq()); // a rolled back: its seq is handed out again
    const c = writer();
    await new Promise((r) => setTimeout(r, 300));
    expect(c.seq()).toBe(0);
    b.end(true);
    await b.done;
    await c.tookSeq;
    expect(c.seq()).toBe(b.seq() + 1);
    c.end(true);
    await Promise.all([a.done, c.done]);
  });

  it('decrypts each distinct domain once when cold, and only new rows when warm', async () => {
    const s = t.container.services.clients;
    for (let i = 0; i < 40; i++) await s.create(api.orgId, { name: `Bulk ${i}`, email: `ap@${bulkDomain(i)}` }, ACTOR);
    const spy = vi.spyOn(OrgCrypto.prototype, 'decryptText');
    try {
      const c = await s.create(api.orgId, { name: 'Fake', email: `ap@${oneOff(bulkDomain(7))}` }, ACTOR);
      expect(c.warnings?.map((w) => w.resembles)).toEqual([bulkDomain(7)]);
      // The new client read back, and the one row written since the previous check.
      expect(domainDecrypts(spy)).toBeLessThanOrEqual(1);
      expect(spy.mock.calls.filter(([, aad]) => aad.table === 'clients').length).toBeLessThanOrEqual(2);

      spy.mockClear();
      const cold = await createContainer(t.config, { keyring: t.container.keyring, migrate: false, warn: () => {} });
      try {
        expect(await check(cold, oneOff(bulkDomain(9)))).toEqual([bulkDomain(9)]);
        const distinct = await t.container.db
          .selectFrom('client_domains')
          .select((e) => e.fn.count<number>('domain_bidx').distinct().as('n'))
          .where('org_id', '=', api.orgId)
          .executeTakeFirstOrThrow();
        expect(domainDecrypts(spy)).toBe(Number(distinct.n));
        expect(spy.mock.calls.filter(([, aad]) => aad.table !== 'client_domains')).toEqual([]);
      } finally {
        await cold.close();
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('indexes organizations whose clients predate the domain rows (worker, or the first check)', async () => {
    const wipe = async () => {
      await t.container.db.deleteFrom('client_domains').where('org_id', '=', api.orgId).execute();
      await t.container.db.deleteFrom('client_domain_orgs').where('org_id', '=', api.orgId).execute();
    };
    await wipe();
    expect(await t.container.services.clients.indexDomainsMissing(10)).toBe(1);
    expect(await t.container.services.clients.indexDomainsMissing(10)).toBe(0);
    expect(await resembled('x@zulu-tradrse.com')).toContain('zulu-traders.com');
    await wipe();
    expect(await resembled(`x@${oneOff(bulkDomain(12))}`)).toEqual([bulkDomain(12)]);
    expect(await check(second, oneOff(bulkDomain(13)))).toEqual([bulkDomain(13)]);
  });

  it('keeps warning after a key rotation, in the rotating process and in another one', async () => {
    const bidxs = async () =>
      (
        await t.container.db
          .selectFrom('client_domains')
          .select('domain_bidx')
          .where('org_id', '=', api.orgId)
          .execute()
      ).map((r) => r.domain_bidx);
    const before = await bidxs();
    expect(await check(second, oneOff(bulkDomain(30)))).toEqual([bulkDomain(30)]); // warm before
    await t.container.services.keys.rotateOrg(api.orgId, ACTOR, { settleMs: 0, sleep: async () => {} });
    second.keyring.invalidate(api.orgId);
    const after = await bidxs();
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((x) => before.includes(x))).toBe(false);
    expect(await resembled(`x@${oneOff(bulkDomain(31))}`)).toEqual([bulkDomain(31)]);
    expect(await check(second, oneOff(bulkDomain(30)))).toEqual([bulkDomain(30)]);
    expect(await check(t.container, oneOff(bulkDomain(32)))).toEqual([bulkDomain(32)]);
    // A domain removed after the rotation: its rows carry the new key's blind index only.
    const gone = await t.container.services.clients.list(api.orgId, {
      limit: 100,
      includeArchived: true,
      sort: 'created',
      email: `ap@${bulkDomain(33)}`,
    } as never);
    expect(gone.items).toHaveLength(1);
    await t.container.services.clients.update(api.orgId, gone.items[0]!.id, { email: 'ap@november-goods.com' }, ACTOR);
    expect(await check(second, oneOff(bulkDomain(33)))).toEqual([]);
    expect(await check(t.container, oneOff(bulkDomain(33)))).toEqual([]);
  });

  it('stores no domain in clear', async () => {
    const domains = await t.container.db.selectFrom('client_domains').selectAll().execute();
    // (Whole domains: a short word could occur in random base64url by chance.)
    const dump = JSON.stringify(domains);
    for (const word of ['alpha-bank', 'zulu-traders', 'quebec-shipping', '.example', bulkDomain(3).slice(0, 8)])
      expect(dump).not.toContain(word);
  });
});

describeEachDb('migration 0034 on a database populated under 0033', (dialect) => {
  it('numbers each org’s domain rows from 1, sets its counter to the last, and drops the tokens', async () => {
    await withDatabaseBefore(dialect, '0034', async (handle) => {
      const now = '2026-01-01T00:00:00.000Z';
      for (const org of ['org-a', 'org-b', 'org-c']) {
        await insertOrgRow(handle.db, org, org, now);
        await sql`INSERT INTO clients (id, org_id, pii_enc, email_bidx, currency, language, delivery_mode, einvoice_format, archived_at, created_at, updated_at)
          VALUES (${`c-${org}`}, ${org}, 'x', NULL, 'EUR', 'de-DE', 'portal-link', 'none', NULL, ${now}, ${now})`.execute(
          handle.db,
        );
      }
      const rows = { 'org-a': 5, 'org-b': 2, 'org-c': 0 };
      for (const [org, n] of Object.entries(rows))
        for (let i = 0; i < n; i++) {
          await sql`INSERT INTO client_domains (id, org_id, client_id, domain_bidx, domain_enc)
            VALUES (${`d-${org}-${9 - i}`}, ${org}, ${`c-${org}`}, ${`b${i}`}, 'v1.k.x')`.execute(handle.db);
          await sql`INSERT INTO client_domain_tokens (org_id, token, domain_bidx) VALUES (${org}, ${`t${i}`}, ${`b${i}`})`.execute(
            handle.db,
          );
        }

      expect(await migrateToLatest(handle)).toContain('0034-client-domain-seq');
      for (const [org, n] of Object.entries(rows)) {
        const seqs = (
          await handle.db.selectFrom('client_domains').select('seq').where('org_id', '=', org).execute()
        ).map((r) => Number(r.seq));
        expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        const counter = await handle.db
          .selectFrom('client_domain_seq')
          .select('seq')
          .where('org_id', '=', org)
          .executeTakeFirst();
        expect(counter && Number(counter.seq)).toEqual(n === 0 ? undefined : n);
      }
      // The next writer of each org continues from there (or starts at 1).
      expect(await takeDomainSeq(handle.db, 'org-a')).toBe(6);
      expect(await takeDomainSeq(handle.db, 'org-c')).toBe(1);
      const tables = (await readCatalog(handle.db, dialect)).map((x) => x.name);
      expect(tables).toContain('client_domain_seq');
      expect(tables).not.toContain('client_domain_tokens');
      expect(await migrateToLatest(handle)).toEqual([]);
    });
  });
});
