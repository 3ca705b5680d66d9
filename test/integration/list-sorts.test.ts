// Lists sort by every column they show where an index can answer it, and say how many rows match
// (issue #13, item 1). Client names are encrypted and no sortable form of them is stored
// (docs/DECISIONS.md D16), so "by client" groups a list's documents by client, clients in the
// order they were added, and pages through them with the same row-value cursor as every sort.
// Counts are bounded: they read at most 10,001 matching index entries and answer "10,000+" above,
// so the first page costs the same at any size of the organization; next pages are not counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newIdSequence } from '../../src/platform/ids.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

interface Page {
  items: Array<{ id: string; clientId: string; total: number; clientName?: string; name?: string }>;
  nextCursor: string | null;
  count: number | null;
  countCapped: boolean;
}

describeEachDb('list sorts and counts', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  const clientIds: string[] = [];

  async function all(path: string): Promise<{ pages: Page[]; items: Page['items'] }> {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await api.ok(
        'GET',
        `${path}${path.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);
    return { pages, items: pages.flatMap((p) => p.items) };
  }

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app, 'Sorting GmbH');
    other = await setupOrg(t.app, 'Other GmbH');
    // Added in this order: Zeta first, so "by client" (creation order) is not alphabetical.
    for (const name of ['Zeta Ltd', 'Alpha AG', 'Mid GmbH'])
      clientIds.push((await api.ok('POST', '/api/v1/clients', { name })).id);
    // Interleaved: each client's invoices are created apart from each other.
    for (const [i, price] of [100, 200, 300, 400, 500, 600].entries())
      await api.ok('POST', '/api/v1/invoices', {
        clientId: clientIds[i % 3],
        lines: [{ description: 'x', quantity: '1', unitPrice: price }],
      });
    const theirs = await other.ok('POST', '/api/v1/clients', { name: 'Theirs' });
    await other.ok('POST', '/api/v1/invoices', {
      clientId: theirs.id,
      lines: [{ description: 'x', quantity: '1', unitPrice: 1 }],
    });
  });
  afterAll(() => t?.close());

  it('sorts invoices by client: grouped per client in the order clients were added, both ways, across pages', async () => {
    const asc = await all('/api/v1/invoices?sort=client');
    expect(asc.items.map((d) => d.clientName)).toEqual([
      'Zeta Ltd',
      'Zeta Ltd',
      'Alpha AG',
      'Alpha AG',
      'Mid GmbH',
      'Mid GmbH',
    ]);
    // Within a client, by creation (the id).
    expect(asc.items.map((d) => d.total)).toEqual([100, 400, 200, 500, 300, 600]);
    expect(asc.pages).toHaveLength(3);
    const desc = await all('/api/v1/invoices?sort=-client');
    expect(desc.items.map((d) => d.total)).toEqual([600, 300, 500, 200, 400, 100]);
  });

  it('quotes and credit notes offer the same sorts, client included', async () => {
    await api.ok('POST', '/api/v1/quotes', {
      clientId: clientIds[2],
      lines: [{ description: 'q', quantity: '1', unitPrice: 7 }],
    });
    await api.ok('POST', '/api/v1/quotes', {
      clientId: clientIds[0],
      lines: [{ description: 'q', quantity: '1', unitPrice: 8 }],
    });
    const quotes: Page = await api.ok('GET', '/api/v1/quotes?sort=client');
    expect(quotes.items.map((d) => d.total)).toEqual([8, 7]);
    expect(quotes.count).toBe(2);
    expect((await api.ok('GET', '/api/v1/credit-notes?sort=-client')).items).toEqual([]);
  });

  it('a crafted cursor for the client sort is refused (400), not compared with the column', async () => {
    const bad = Buffer.from(JSON.stringify({ v: 12, id: clientIds[0] })).toString('base64url');
    const res = await api.req('GET', `/api/v1/invoices?sort=client&cursor=${bad}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
  });

  it('counts what the filter matches on the first page only, per organization', async () => {
    const first: Page = await api.ok('GET', '/api/v1/invoices?limit=2');
    expect([first.count, first.countCapped]).toEqual([6, false]);
    const next: Page = await api.ok('GET', `/api/v1/invoices?limit=2&cursor=${first.nextCursor}`);
    expect([next.count, next.countCapped]).toEqual([null, false]);
    const filtered: Page = await api.ok('GET', `/api/v1/invoices?clientId=${clientIds[1]}&minTotal=300`);
    expect(filtered.count).toBe(1);
    expect((await api.ok('GET', '/api/v1/invoices?status=paid')).count).toBe(0);
    expect((await other.ok('GET', '/api/v1/invoices')).count).toBe(1);
    // A date range is counted through its index; a currency alone is not counted (no index).
    expect((await api.ok('GET', '/api/v1/invoices?from=2000-01-01&to=2999-12-31')).count).toBe(0);
    expect((await api.ok('GET', '/api/v1/invoices?currency=EUR')).count).toBe(null);
    expect((await api.ok('GET', `/api/v1/invoices?currency=EUR&clientId=${clientIds[0]}`)).count).toBe(2);
    // A search by a rare word is counted too (a word thousands of rows share is not: null).
    expect((await api.ok('GET', '/api/v1/invoices?q=zeta')).count).toBe(2);
  });

  it('the clients list sorts newest or oldest first, pages both ways, and counts', async () => {
    const newest = await all('/api/v1/clients');
    expect(newest.items.map((c) => c.name)).toEqual(['Mid GmbH', 'Alpha AG', 'Zeta Ltd']);
    expect(newest.pages[0]!.count).toBe(3);
    const oldest = await all('/api/v1/clients?sort=created');
    expect(oldest.items.map((c) => c.name)).toEqual(['Zeta Ltd', 'Alpha AG', 'Mid GmbH']);
    const found: Page = await api.ok('GET', '/api/v1/clients?q=alpha');
    expect([found.items.map((c) => c.name), found.count]).toEqual([['Alpha AG'], 1]);
    expect((await api.req('GET', '/api/v1/clients?sort=name')).statusCode).toBe(400);
  });

  describe('above the cap', () => {
    it('answers 10,000 and countCapped instead of counting the organization', async () => {
      // 10,001 more drafts, written directly (through the API this would take minutes).
      const model = await t.container.db
        .selectFrom('documents')
        .selectAll()
        .where('org_id', '=', api.orgId)
        .where('kind', '=', 'invoice')
        .executeTakeFirstOrThrow();
      const ids = newIdSequence(10_001);
      for (let i = 0; i < ids.length; i += 500)
        await t.container.db
          .insertInto('documents')
          .values(ids.slice(i, i + 500).map((id) => ({ ...model, id })))
          .execute();
      const page: Page = await api.ok('GET', '/api/v1/invoices?limit=1');
      expect([page.count, page.countCapped]).toEqual([10_000, true]);
      // A narrow filter still counts exactly.
      expect((await api.ok('GET', `/api/v1/invoices?clientId=${clientIds[2]}&maxTotal=600&minTotal=600`)).count).toBe(
        1,
      );
    });
  });
});
