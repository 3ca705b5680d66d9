// The staff-wide payments list (issue #13 item 1): GET /api/v1/payments pages through the
// organization's payments and refunds with the documents lists' row-value keyset cursor.
// - Paging with a page size of 2 through every sort (date and amount, both ways) returns each
//   payment exactly once, in the sort's order (amount: within each currency, ties by id).
// - Filters: client, currency, date range, method, kind, status (from the refunds); the first page's
//   count is capped like the document lists' and is left out where no index bounds it (method or
//   status alone).
// - Attack: another organization's payments never appear, whatever the filter (its client's id,
//   its currency); a cursor crafted for another sort or with a foreign value is refused with 400.
// - Attack: a member whose role lacks payment:read gets 403 and no payment data.
// - Bad query parameters (unknown sort, page size out of range, malformed dates, unknown fields)
//   are 400 validation_failed naming the field, never 500.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { addMember, staffSession } from '../helpers/session.ts';

interface Item {
  id: string;
  kind: 'payment' | 'refund';
  date: string;
  amount: number;
  currency: string;
  method: string;
  status: string;
  refundedAmount: number;
  invoiceId: string;
  invoiceNumber: string | null;
  clientId: string;
  clientName: string;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
  count: number | null;
  countCapped: boolean;
}

describeEachDb('payments list', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  const clock = new FixedClock('2026-04-01T09:00:00Z');
  const client: Record<'alpha' | 'beta', string> = { alpha: '', beta: '' };
  const invoice: Record<string, { id: string; number: string }> = {};
  /** Every ledger entry of the org, as recorded: [id, kind, date, amount, currency, method, client]. */
  const booked: Array<Pick<Item, 'id' | 'kind' | 'date' | 'amount' | 'currency' | 'method' | 'clientId'>> = [];
  let theirClient = '';
  let refundedPayment = '';
  /** What the list must show as each entry's status. */
  const status = new Map<string, string>();

  async function issue(as: Api, clientId: string, currency: string): Promise<{ id: string; number: string }> {
    const draft = await as.ok('POST', '/api/v1/invoices', {
      clientId,
      ...(currency !== 'EUR' && { currency, exchangeRate: '0.9' }),
      lines: [{ description: 'Work', quantity: '1', unitPrice: 100_000 }],
    });
    const inv = await as.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    return { id: inv.id, number: inv.number };
  }

  async function pay(inv: string, amount: number, receivedOn: string, method: string): Promise<string> {
    const p = await api.ok(
      'POST',
      `/api/v1/invoices/${invoice[inv]!.id}/payments`,
      { amount, receivedOn, method },
      201,
    );
    booked.push({
      id: p.id,
      kind: 'payment',
      date: receivedOn,
      amount,
      currency: p.currency,
      method,
      clientId: p.clientId,
    });
    return p.id;
  }

  /** Every page of a list with a page size of 2; the items in the order received. */
  async function all(qs: string): Promise<{ pages: Page[]; items: Item[] }> {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await api.ok(
        'GET',
        `/api/v1/payments?limit=2${qs ? `&${qs}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);
    return { pages, items: pages.flatMap((p) => p.items) };
  }

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock });
    api = await setupOrg(t.app, 'Ledger GmbH');
    other = await setupOrg(t.app, 'Elsewhere GmbH');
    client.alpha = (await api.ok('POST', '/api/v1/clients', { name: 'Alpha AG', currency: 'EUR' })).id;
    client.beta = (await api.ok('POST', '/api/v1/clients', { name: 'Beta Inc', currency: 'USD' })).id;
    invoice.a1 = await issue(api, client.alpha, 'EUR');
    invoice.a2 = await issue(api, client.alpha, 'EUR');
    invoice.b1 = await issue(api, client.beta, 'USD');
    // Ties on purpose: two payments on 2026-01-12, two of 5,000 EUR, one of 5,000 USD.
    refundedPayment = await pay('a1', 5_000, '2026-01-10', 'bank_transfer');
    await pay('a1', 7_000, '2026-01-12', 'cash');
    await pay('a1', 5_000, '2026-01-12', 'cheque');
    await pay('a2', 3_000, '2026-02-01', 'card');
    const wholly = await pay('a2', 9_000, '2026-01-10', 'bank_transfer');
    await pay('b1', 5_000, '2026-01-11', 'bank_transfer');
    await pay('b1', 2_000, '2026-03-01', 'other');
    // A refund of part of the first payment (step-up: a fresh session), paid out today (2026-04-01).
    const owner = await staffSession(t, api.orgId, api.userId);
    // Then all of another, in two refunds.
    for (const [payment, amount] of [
      [refundedPayment, 1_000],
      [wholly, 4_000],
      [wholly, 5_000],
    ] as const) {
      const refund = await owner.req('POST', `/api/v1/payments/${payment}/refunds`, { amount });
      expect(refund.statusCode, refund.body).toBe(201);
      const r = refund.json();
      booked.push({
        id: r.id,
        kind: 'refund',
        date: r.receivedOn,
        amount,
        currency: 'EUR',
        method: r.method,
        clientId: client.alpha,
      });
      status.set(r.id, 'paid_out');
    }
    for (const p of booked) if (!status.has(p.id)) status.set(p.id, 'received');
    status.set(refundedPayment, 'partially_refunded');
    status.set(wholly, 'refunded');

    // Another organization, with a payment of its own in the same currency and on the same days.
    theirClient = (await other.ok('POST', '/api/v1/clients', { name: 'Their Client', currency: 'EUR' })).id;
    const theirs = await issue(other, theirClient, 'EUR');
    await other.ok(
      'POST',
      `/api/v1/invoices/${theirs.id}/payments`,
      { amount: 4_000, receivedOn: '2026-01-11', method: 'bank_transfer' },
      201,
    );
  });
  afterAll(() => t?.close());

  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const expected = (sort: string) => {
    const desc = sort.startsWith('-');
    const key = (p: (typeof booked)[number]): Array<string | number> =>
      sort.endsWith('date') ? [p.date] : [p.currency, p.amount];
    const sorted = [...booked].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
      return byId(a, b);
    });
    return (desc ? sorted.reverse() : sorted).map((p) => p.id);
  };

  for (const sort of ['date', '-date', 'amount', '-amount'])
    it(`pages through every payment exactly once, in order, sorted by ${sort}`, async () => {
      const { pages, items } = await all(`sort=${sort}`);
      expect(items.map((i) => i.id)).toEqual(expected(sort));
      expect(new Set(items.map((i) => i.id)).size).toBe(booked.length);
      expect(pages).toHaveLength(Math.ceil(booked.length / 2));
      // Counted on the first page only.
      expect(pages[0]).toMatchObject({ count: booked.length, countCapped: false });
      for (const p of pages.slice(1)) expect(p.count).toBeNull();
    });

  it('shows each row: date, amount, method, status, refunded amount, invoice number and client name', async () => {
    const { items } = await all('');
    const first = items.find((i) => i.id === refundedPayment)!;
    expect(first).toMatchObject({
      kind: 'payment',
      date: '2026-01-10',
      amount: 5_000,
      currency: 'EUR',
      method: 'bank_transfer',
      status: 'partially_refunded',
      refundedAmount: 1_000,
      invoiceId: invoice.a1!.id,
      invoiceNumber: invoice.a1!.number,
      clientId: client.alpha,
      clientName: 'Alpha AG',
    });
    const refund = items.find((i) => i.kind === 'refund' && i.amount === 1_000)!;
    expect(refund).toMatchObject({ status: 'paid_out', refundedAmount: 0, date: '2026-04-01', amount: 1_000 });
    const usd = items.filter((i) => i.currency === 'USD');
    expect(usd.map((i) => [i.clientName, i.invoiceNumber, i.status])).toEqual([
      ['Beta Inc', invoice.b1!.number, 'received'],
      ['Beta Inc', invoice.b1!.number, 'received'],
    ]);
    // The default sort is newest first.
    expect(items[0]!.date).toBe('2026-04-01');
  });

  it('filters by status: received, partially refunded, refunded, paid out', async () => {
    const ids = async (qs: string) => (await all(qs)).items.map((i) => i.id);
    for (const s of ['received', 'partially_refunded', 'refunded', 'paid_out']) {
      const want = expected('-date').filter((id) => status.get(id) === s);
      expect(want.length, s).toBeGreaterThan(0);
      const { items } = await all(`status=${s}`);
      expect(
        items.map((i) => i.id),
        s,
      ).toEqual(want);
      expect(new Set(items.map((i) => i.status))).toEqual(new Set([s]));
    }
    expect(await ids(`status=refunded&sort=amount`)).toEqual(
      [...status].filter(([, s]) => s === 'refunded').map(([id]) => id),
    );
    expect(await ids(`status=received&clientId=${client.beta}`)).toEqual(
      expected('-date').filter((id) => booked.find((p) => p.id === id)!.clientId === client.beta),
    );
    // Not counted alone (no index holds the status); with a client, counted.
    const first = (qs: string) => api.ok<Page>('GET', `/api/v1/payments?limit=1&${qs}`);
    expect(await first('status=refunded')).toMatchObject({ count: null });
    expect(await first(`status=paid_out&clientId=${client.alpha}`)).toMatchObject({ count: 3 });
  });

  it('filters by client, currency, date range, method and kind, and counts what matches', async () => {
    const ids = async (qs: string) => (await all(qs)).items.map((i) => i.id);
    const match = (f: (p: (typeof booked)[number]) => boolean, sort = '-date') =>
      expected(sort).filter((id) => f(booked.find((p) => p.id === id)!));

    expect(await ids(`clientId=${client.beta}`)).toEqual(match((p) => p.clientId === client.beta));
    expect(await ids(`clientId=${client.alpha}&sort=amount`)).toEqual(
      match((p) => p.clientId === client.alpha, 'amount'),
    );
    expect(await ids('currency=USD&sort=-amount')).toEqual(match((p) => p.currency === 'USD', '-amount'));
    expect(await ids('currency=EUR&sort=date')).toEqual(match((p) => p.currency === 'EUR', 'date'));
    expect(await ids('from=2026-01-11&to=2026-01-12&sort=date')).toEqual(
      match((p) => p.date >= '2026-01-11' && p.date <= '2026-01-12', 'date'),
    );
    expect(await ids('method=bank_transfer')).toEqual(match((p) => p.method === 'bank_transfer'));
    expect(await ids('kind=refund')).toEqual(match((p) => p.kind === 'refund'));
    expect(await ids(`clientId=${client.beta}&currency=EUR`)).toEqual([]);

    const first = (qs: string) => api.ok<Page>('GET', `/api/v1/payments?limit=1&${qs}`);
    expect(await first(`clientId=${client.alpha}`)).toMatchObject({ count: 8, countCapped: false });
    expect(await first('from=2026-01-11&to=2026-01-12')).toMatchObject({ count: 3 });
    expect(await first('currency=USD')).toMatchObject({ count: 2 });
    // No index holds the method: not counted alone (it would read every payment of a big organization).
    expect(await first('method=cash')).toMatchObject({ count: null, countCapped: false });
    expect(await first(`method=cash&clientId=${client.alpha}`)).toMatchObject({ count: 1 });
  });

  it("never shows another organization's payments, whatever the filter", async () => {
    const mine = new Set(booked.map((p) => p.id));
    for (const qs of [
      '',
      'currency=EUR',
      'from=2026-01-11&to=2026-01-11',
      'method=bank_transfer',
      'status=received',
      'sort=amount',
    ])
      for (const i of (await all(qs)).items) expect(mine.has(i.id), `${qs}: ${i.clientName}`).toBe(true);
    const foreign = await all(`clientId=${theirClient}`);
    expect(foreign.items).toEqual([]);
    expect(foreign.pages[0]!.count).toBe(0);
    // And theirs show only theirs.
    const theirs = await other.ok<Page>('GET', '/api/v1/payments');
    expect(theirs.items.map((i) => i.clientName)).toEqual(['Their Client']);
    expect(theirs.count).toBe(1);
  });

  it('refuses a member whose role lacks payment:read with 403', async () => {
    const owner = await staffSession(t, api.orgId, api.userId);
    const put = await owner.req('PUT', '/api/v1/org/roles/invoices-only', {
      name: 'Invoices only',
      permissions: ['org:read', 'client:read', 'invoice:read'],
    });
    expect(put.statusCode, put.body).toBe(200);
    const member = await addMember(t, api.orgId, 'custom:invoices-only', 'invoices-only@ledger.test');
    const res = await member.req('GET', '/api/v1/payments');
    expectProblem(res, 403, 'forbidden');
    expect(res.body).not.toContain('Alpha AG');
    // A viewer (payment:read among the read permissions) may list.
    const viewer = await addMember(t, api.orgId, 'viewer', 'viewer@ledger.test');
    expect((await viewer.req('GET', '/api/v1/payments')).statusCode).toBe(200);
  });

  it('answers 400 validation_failed for bad query parameters and crafted cursors', async () => {
    for (const qs of [
      'sort=client',
      'sort=total',
      'limit=0',
      'limit=201',
      'limit=ten',
      'from=2026-13-01',
      'to=yesterday',
      'currency=eur',
      'clientId=not-a-uuid',
      'method=bitcoin',
      'kind=chargeback',
      'status=lost',
      'orgId=00000000-0000-0000-0000-000000000000',
      'cursor=%%%',
      'cursor=bm90LWpzb24',
    ]) {
      const body = expectProblem(await api.req('GET', `/api/v1/payments?${qs}`), 400, 'validation_failed');
      expect(body.errors?.[0]?.path, qs).toMatch(/^\/query/);
    }
    // A cursor of the date sort is not one of the amount sort, and the reverse.
    const byDate = await api.ok<Page>('GET', '/api/v1/payments?limit=1&sort=date');
    const byAmount = await api.ok<Page>('GET', '/api/v1/payments?limit=1&sort=amount');
    expectProblem(
      await api.req('GET', `/api/v1/payments?sort=amount&cursor=${byDate.nextCursor}`),
      400,
      'validation_failed',
    );
    expectProblem(
      await api.req('GET', `/api/v1/payments?sort=date&cursor=${byAmount.nextCursor}`),
      400,
      'validation_failed',
    );
    const crafted = Buffer.from(JSON.stringify({ v: ['EUR', 1.5], id: booked[0]!.id })).toString('base64url');
    expectProblem(await api.req('GET', `/api/v1/payments?sort=amount&cursor=${crafted}`), 400, 'validation_failed');
  });
});
