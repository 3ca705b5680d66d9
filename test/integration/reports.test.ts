// The dashboard and reports are computed on the server from the ledger (issue #13, item 3): they
// must tie out exactly to the documents and payments they summarize, in every currency, and the
// CSV must be as injection-safe as the data export.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';

describeEachDb('dashboard and reports', (dialect) => {
  let t: TestInstance;
  let api: Api;
  const clock = new FixedClock('2026-06-15T10:00:00Z');
  const ids = { a: '', b: '', old: '' };

  async function invoice(
    clientId: string,
    unitPrice: number,
    dates: { issueDate: string; dueDate: string },
    extra: Record<string, unknown> = {},
  ) {
    const draft = await api.ok(
      'POST',
      '/api/v1/invoices',
      { clientId, ...dates, ...extra, lines: [{ description: 'Work', quantity: '1', unitPrice }] },
      201,
    );
    return api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
  }

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock });
    api = await setupOrg(t.app, 'Ledger GmbH');
    ids.a = (await api.ok('POST', '/api/v1/clients', { name: 'Alpha AG', email: 'a@alpha.test' })).id;
    ids.b = (
      await api.ok('POST', '/api/v1/clients', { name: '=HYPERLINK("http://evil.test")', email: 'b@beta.test' })
    ).id;
    // Alpha: one invoice 45 days overdue, half paid; one current. Beta: one in USD, 100 days overdue.
    ids.old = (await invoice(ids.a, 100_00, { issueDate: '2026-04-01', dueDate: '2026-05-01' })).id;
    await api.ok('POST', `/api/v1/invoices/${ids.old}/payments`, { amount: 40_00, receivedOn: '2026-05-20' });
    await invoice(ids.a, 250_00, { issueDate: '2026-06-10', dueDate: '2026-07-10' });
    await invoice(
      ids.b,
      80_00,
      { issueDate: '2026-02-20', dueDate: '2026-03-07' },
      { currency: 'USD', exchangeRate: '0.9' },
    );
    // Neither a draft nor a voided invoice counts.
    await api.ok(
      'POST',
      '/api/v1/invoices',
      { clientId: ids.a, lines: [{ description: 'Draft', quantity: '1', unitPrice: 999_00 }] },
      201,
    );
    const voided = await invoice(ids.a, 500_00, { issueDate: '2026-06-01', dueDate: '2026-06-30' });
    await api.ok('POST', `/api/v1/invoices/${voided.id}/void`, { reason: 'Issued by mistake' });
  });
  afterAll(() => t.close());

  it('the dashboard ties out to the open invoices of the list, per currency and converted', async () => {
    const d = await api.ok('GET', '/api/v1/dashboard');
    const open = (await api.ok('GET', '/api/v1/invoices?status=open&limit=200')).items as Array<{
      currency: string;
      exchangeRate?: string;
      amountDue: number;
      overdue: boolean;
    }>;
    const perCurrency = (c: string, overdueOnly = false) =>
      open.filter((i) => i.currency === c && (!overdueOnly || i.overdue)).reduce((s, i) => s + i.amountDue, 0);
    expect(d.currency).toBe('EUR');
    expect(d.today).toBe('2026-06-15');
    expect(d.receivables).toEqual([
      { currency: 'EUR', due: perCurrency('EUR'), overdue: perCurrency('EUR', true), openCount: 2, overdueCount: 1 },
      { currency: 'USD', due: perCurrency('USD'), overdue: perCurrency('USD', true), openCount: 1, overdueCount: 1 },
    ]);
    expect(perCurrency('EUR')).toBe(60_00 + 250_00);
    // 80.00 USD at 0.9 EUR per USD = 72.00 EUR.
    expect(d.outstanding).toBe(60_00 + 250_00 + 72_00);
    expect(d.overdue).toBe(60_00 + 72_00);
    expect(d.months).toHaveLength(12);
    expect(d.months[11]).toEqual({ month: '2026-06', billed: 250_00, collected: 0 });
    expect(d.months.find((m: { month: string }) => m.month === '2026-05')).toEqual({
      month: '2026-05',
      billed: 0,
      collected: 40_00,
    });
    expect(d.months.find((m: { month: string }) => m.month === '2026-02').billed).toBe(72_00);
    expect(d.topClients.map((c: { name: string; billed: number }) => [c.name, c.billed])).toEqual([
      ['Alpha AG', 350_00],
      ['=HYPERLINK("http://evil.test")', 72_00],
    ]);
    expect(d.recent.map((r: { type: string }) => r.type).sort()).toEqual([
      'credit_note_issued',
      'invoice_issued',
      'invoice_issued',
      'invoice_issued',
      'invoice_issued',
      'payment',
    ]);
    expect(d.recent.find((r: { type: string }) => r.type === 'payment')).toMatchObject({
      documentId: ids.old,
      amount: 40_00,
      currency: 'EUR',
      clientName: 'Alpha AG',
    });
  });

  it('aging puts each open amount in its bucket, and the buckets add up to what is due', async () => {
    const r = await api.ok('GET', '/api/v1/reports/aging');
    expect(r.rows).toEqual([
      {
        clientId: ids.b,
        clientName: '=HYPERLINK("http://evil.test")',
        currency: 'USD',
        current: 0,
        days1to30: 0,
        days31to60: 0,
        days61to90: 0,
        daysOver90: 80_00,
        total: 80_00,
      },
      {
        clientId: ids.a,
        clientName: 'Alpha AG',
        currency: 'EUR',
        current: 250_00,
        days1to30: 0,
        days31to60: 60_00,
        days61to90: 0,
        daysOver90: 0,
        total: 310_00,
      },
    ]);
  });

  it('revenue per client and payments received cover the period asked for', async () => {
    const rev = await api.ok('GET', '/api/v1/reports/revenue?from=2026-04-01&to=2026-06-30');
    // The voided invoice and its cancelling credit note net to zero.
    expect(rev.rows).toEqual([
      {
        clientId: ids.a,
        clientName: 'Alpha AG',
        currency: 'EUR',
        invoices: 3,
        net: 350_00,
        tax: 0,
        total: 350_00,
        totalInOrgCurrency: 350_00,
      },
    ]);
    const pay = await api.ok('GET', '/api/v1/reports/payments?from=2026-05-01&to=2026-05-31');
    expect(pay.truncated).toBe(false);
    expect(pay.rows).toEqual([
      expect.objectContaining({
        receivedOn: '2026-05-20',
        kind: 'payment',
        amount: 40_00,
        currency: 'EUR',
        clientName: 'Alpha AG',
      }),
    ]);
    expect((await api.ok('GET', '/api/v1/reports/payments?from=2026-06-01&to=2026-06-30')).rows).toEqual([]);
  });

  it('CSV: exact amounts, and a client name cannot become a formula', async () => {
    const res = await api.req('GET', '/api/v1/reports/aging?format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="aging-2026-06-15.csv"');
    expect(res.body.split('\r\n')).toEqual([
      'client,currency,current,days_1_30,days_31_60,days_61_90,days_over_90,total',
      `"'=HYPERLINK(""http://evil.test"")",USD,0.00,0.00,0.00,0.00,80.00,80.00`,
      '"Alpha AG",EUR,250.00,0.00,60.00,0.00,0.00,310.00',
      '',
    ]);
  });

  it('a period that ends before it starts is a 400 with the field named', async () => {
    const res = await api.req('GET', '/api/v1/reports/revenue?from=2026-06-30&to=2026-06-01');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toMatch(/to/);
  });
});
