// Search over encrypted data (issue #13, item 2): the invoice and client lists find by client
// name, contact email, document number (any case, partial), amount and the text of lines and
// notes, through keyed blind-index tokens written with the row — the tokens table holds no word
// in clear, one organization's tokens never match another's, and edits re-index.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SEARCH_COUNT_MAX } from '../../src/platform/search/search-index.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';

describeEachDb('search', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  const ids = {} as Record<'globex' | 'mueller' | 'draft' | 'theirs', string>;

  const find = async (q: string, a: Api = api) =>
    (await a.ok('GET', `/api/v1/invoices?q=${encodeURIComponent(q)}&limit=50`)).items.map((d: { id: string }) => d.id);
  const findClients = async (q: string, a: Api = api) =>
    (await a.ok('GET', `/api/v1/clients?q=${encodeURIComponent(q)}`)).items.map((c: { name: string }) => c.name);

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock: new FixedClock('2026-05-04T09:00:00Z') });
    api = await setupOrg(t.app, 'Searching GmbH');
    other = await setupOrg(t.app, 'Other GmbH');
    const globex = await api.ok('POST', '/api/v1/clients', {
      name: 'Globex Corporation',
      email: 'Accounts@Globex.example',
      contacts: [{ name: 'Hank Scorpio', email: 'hank@globex.example', isPrimary: true }],
    });
    const mueller = await api.ok('POST', '/api/v1/clients', { name: 'Müller & Söhne KG' });
    const issue = async (clientId: string, description: string, unitPrice: number, notes?: string) => {
      const d = await api.ok('POST', '/api/v1/invoices', {
        clientId,
        lines: [{ description, quantity: '1', unitPrice }],
        ...(notes && { notes }),
      });
      return api.ok('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true });
    };
    ids.globex = (await issue(globex.id, 'Penetration test of the web shop', 123_456, 'Project Hammock')).id;
    ids.mueller = (await issue(mueller.id, 'Server maintenance', 99_900)).id;
    ids.draft = (
      await api.ok('POST', '/api/v1/invoices', {
        clientId: mueller.id,
        lines: [{ description: 'Firewall audit', quantity: '2', unitPrice: 5_000 }],
      })
    ).id;
    // The other organization has a client and invoice with the same words.
    const theirs = await other.ok('POST', '/api/v1/clients', { name: 'Globex Corporation' });
    const d = await other.ok('POST', '/api/v1/invoices', {
      clientId: theirs.id,
      lines: [{ description: 'Penetration test', quantity: '1', unitPrice: 123_456 }],
    });
    ids.theirs = (await other.ok('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true })).id;
  });
  afterAll(() => t?.close());

  it('finds invoices by client name, number, amount, line and note text, in any case and partially', async () => {
    expect(await find('globex')).toEqual([ids.globex]);
    expect(await find('GLOB')).toEqual([ids.globex]);
    // Accents do not matter; the draft for the same client is found too (newest first).
    expect(await find('muller')).toEqual([ids.draft, ids.mueller]);
    expect(await find('Müller söhne')).toEqual([ids.draft, ids.mueller]);
    expect(await find('inv-2026-00001')).toEqual([ids.globex]);
    expect(await find('inv 2026 2')).toEqual([ids.mueller]); // the number's parts, without leading zeros
    expect(await find('1234.56')).toEqual([ids.globex]);
    expect(await find('1.234,56')).toEqual([ids.globex]);
    expect(await find('penetration shop')).toEqual([ids.globex]);
    expect(await find('hammock')).toEqual([ids.globex]);
    expect(await find('firewall')).toEqual([ids.draft]); // drafts too
    expect(await find('globex maintenance')).toEqual([]); // every word must match
    expect(await find('x')).toEqual([]);
    // With other filters and sorts.
    expect(
      (await api.ok('GET', '/api/v1/invoices?q=server&status=issued&sort=-total')).items.map(
        (d: { id: string }) => d.id,
      ),
    ).toEqual([ids.mueller]);
  });

  it('keeps organizations apart', async () => {
    expect(await find('penetration')).toEqual([ids.globex]);
    expect(await find('penetration', other)).toEqual([ids.theirs]);
  });

  it('re-indexes a draft when it changes', async () => {
    await api.ok('PATCH', `/api/v1/invoices/${ids.draft}`, {
      lines: [{ description: 'Cloud migration', quantity: '1', unitPrice: 7_000 }],
    });
    expect(await find('firewall')).toEqual([]);
    expect(await find('cloud migr')).toEqual([ids.draft]);
    expect(await find('70.00')).toEqual([ids.draft]);
  });

  it('finds clients by name, email and contact, without decrypting the organization', async () => {
    expect(await findClients('globex')).toEqual(['Globex Corporation']);
    expect(await findClients('scorpio')).toEqual(['Globex Corporation']);
    expect(await findClients('hank@globex.example')).toEqual(['Globex Corporation']);
    expect(await findClients('accounts@globex.example')).toEqual(['Globex Corporation']);
    expect(await findClients('söhne')).toEqual(['Müller & Söhne KG']);
    expect(await findClients('nobody')).toEqual([]);
  });

  it('indexes rows written before search existed, and keeps finding after a key rotation', async () => {
    // As after upgrading: the row has no tokens until the worker indexes it.
    await t.container.db.deleteFrom('search_tokens').where('entity_id', '=', ids.globex).execute();
    expect(await find('globex')).toEqual([]);
    expect(await t.container.services.documents.indexMissing(100)).toBeGreaterThanOrEqual(1);
    expect(await find('globex')).toEqual([ids.globex]);

    const before = (
      await t.container.db.selectFrom('search_tokens').select('token').where('entity_id', '=', ids.globex).execute()
    ).map((r) => r.token);
    await t.container.services.keys.rotateOrg(
      api.orgId,
      { type: 'system', id: 'test' },
      { settleMs: 0, sleep: async () => {} },
    );
    const after = (
      await t.container.db.selectFrom('search_tokens').select('token').where('entity_id', '=', ids.globex).execute()
    ).map((r) => r.token);
    expect(after.some((x) => before.includes(x))).toBe(false); // all tokens under the new key
    expect(await find('globex')).toEqual([ids.globex]);
    expect(await findClients('scorpio')).toEqual(['Globex Corporation']);
  });

  it('stores keyed tokens only: no word of a document or client in clear', async () => {
    const rows = await t.container.db.selectFrom('search_tokens').select('token').execute();
    expect(rows.length).toBeGreaterThan(50);
    const dump = rows
      .map((r) => r.token)
      .join(' ')
      .toLowerCase();
    // (Words of 6 letters or more: a shorter one could occur in random base64url by chance.)
    for (const word of ['globex', 'penetration', 'hammock', 'scorpio', 'muller', '123456', 'amount'])
      expect(dump).not.toContain(word);
    expect(rows.every((r) => /^[A-Za-z0-9_-]{20,}$/.test(r.token))).toBe(true);
  });
  it('pages through a search newest and oldest first, each match once, with filters and a count', async () => {
    const zeta = await api.ok('POST', '/api/v1/clients', { name: 'Zeta Werke' });
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const d = await api.ok('POST', '/api/v1/invoices', {
        clientId: zeta.id,
        lines: [{ description: i % 3 === 0 ? 'Wartung Sonderpaket' : 'Wartung', quantity: '1', unitPrice: 1_000 + i }],
      });
      if (i % 2 === 1) await api.ok('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true });
      made.push(d.id);
    }
    const pages = async (qs: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let count: number | null = null;
      do {
        const page: { items: Array<{ id: string }>; nextCursor: string | null; count: number | null } = await api.ok(
          'GET',
          `/api/v1/invoices?${qs}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        if (!cursor) count = page.count;
        seen.push(...page.items.map((d) => d.id));
        cursor = page.nextCursor;
      } while (cursor);
      return { seen, count };
    };
    expect(await pages('q=zeta&sort=-created')).toEqual({ seen: [...made].reverse(), count: 7 });
    expect(await pages('q=zeta&sort=created')).toEqual({ seen: made, count: 7 });
    expect(await pages('q=zeta%20sonderpaket&sort=-created')).toEqual({
      seen: [made[6], made[3], made[0]],
      count: 3,
    });
    expect(await pages('q=zeta&status=issued&sort=-created')).toEqual({
      seen: [made[5], made[3], made[1]],
      count: 3,
    });
  });

  it(`counts a search while its rarest word is on at most ${SEARCH_COUNT_MAX} documents, and above that answers the page with count null`, async () => {
    const kappa = await api.ok('POST', '/api/v1/clients', { name: 'Kappa Dienste' });
    const draft = (description = 'Kappawartung') =>
      api.ok('POST', '/api/v1/invoices', {
        clientId: kappa.id,
        lines: [{ description, quantity: '1', unitPrice: 500 }],
      });
    for (let i = 0; i < SEARCH_COUNT_MAX; i++) await draft();
    const first = async () => api.ok('GET', '/api/v1/invoices?q=kappawartung&limit=20');
    expect(await first()).toMatchObject({ count: SEARCH_COUNT_MAX, countCapped: false });
    await draft('Kappawartung Sonderfall');
    // One more: counting would cost a probe per match, growing with the organization, so it is left out.
    const page = await first();
    expect(page).toMatchObject({ count: null, countCapped: false });
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
    // With a rare word beside it, the search is counted again.
    expect(await api.ok('GET', '/api/v1/invoices?q=kappawartung%20sonderfall&limit=20')).toMatchObject({
      count: 1,
      countCapped: false,
    });
  });
});
