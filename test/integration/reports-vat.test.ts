// The VAT report and revenue by item (issue #13, item 3) are sums over the reports' ledger, written
// when a document is issued, so they must tie out exactly to the documents themselves: per currency,
// VAT category and rate, with credit notes subtracted, reverse charge (AE) and exempt (E) apart,
// currencies apart, each period's boundaries inclusive, and documents issued before the ledger
// existed added by the backfill with the same figures. No report may show another org's documents.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueLedgerBackfill } from '../../src/platform/db/migrations/0022-report-ledger.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';

interface Doc {
  id: string;
  kind: 'invoice' | 'credit_note';
  currency: string;
  issueDate: string;
  discount: unknown;
  total: number;
  lines: Array<{
    taxRateBp: number;
    taxInclusive: boolean;
    taxCategory?: string;
    amount: number;
    itemId: string | null;
  }>;
  taxes: Array<{ rateBp: number; inclusive: boolean; taxable: number; tax: number }>;
}

describeEachDb('VAT report and revenue by item', (dialect) => {
  let t: TestInstance;
  let api: Api;
  const clock = new FixedClock('2026-07-15T10:00:00Z');
  const rates = { std: '', red: '', gross: '', rc: '', ex: '' };
  const items = { consulting: '', book: '' };
  let clientId = '';
  const Q2 = 'from=2026-04-01&to=2026-06-30';

  async function issue(kind: 'invoices' | 'credit-notes', body: Record<string, unknown>) {
    const draft = await api.ok('POST', `/api/v1/${kind}`, { clientId, ...body }, 201);
    return api.ok('POST', `/api/v1/${kind}/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
  }

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock });
    api = await setupOrg(t.app, 'Steuer GmbH');
    clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Kunde AG', email: 'k@kunde.test' })).id;
    const rate = async (body: Record<string, unknown>) => (await api.ok('POST', '/api/v1/tax-rates', body)).id;
    rates.std = await rate({ name: 'USt 19 %', rateBp: 1900 });
    rates.red = await rate({ name: 'USt 7 %', rateBp: 700 });
    rates.gross = await rate({ name: 'USt 19 % brutto', rateBp: 1900, inclusive: true });
    rates.rc = await rate({ name: 'Reverse charge', rateBp: 0, category: 'AE' });
    rates.ex = await rate({ name: 'Kleinunternehmer', rateBp: 0, category: 'E', exemptionReason: '§ 19 UStG' });
    const item = async (body: Record<string, unknown>) => (await api.ok('POST', '/api/v1/items', body)).id;
    items.consulting = await item({ name: 'Consulting', unitPrice: 100_00, currency: 'EUR', taxRateId: rates.std });
    items.book = await item({ name: 'Book', unitPrice: 15_50, currency: 'EUR', taxRateId: rates.red });

    // On the first day of Q2: standard, reduced and gross 19 % lines, catalogue and free text, 5 % off.
    const first = await issue('invoices', {
      issueDate: '2026-04-01',
      discount: { type: 'percent', basisPoints: 500 },
      lines: [
        { itemId: items.consulting, description: 'Consulting', quantity: '3', unitPrice: 100_00, taxRateId: rates.std },
        { itemId: items.book, description: 'Book', quantity: '2', unitPrice: 15_50, taxRateId: rates.red },
        { description: 'Misc', quantity: '1', unitPrice: 9_99, taxRateId: rates.std },
        { description: 'Shop sale', quantity: '1.5', unitPrice: 11_90, taxRateId: rates.gross },
      ],
    });
    // On the last day of Q2: reverse charge and exempt in one document (one 0 % group, two categories).
    await issue('invoices', {
      issueDate: '2026-06-30',
      lines: [
        { description: 'Services to an EU business', quantity: '1', unitPrice: 500_00, taxRateId: rates.rc },
        { description: 'Exempt service', quantity: '1', unitPrice: 200_00, taxRateId: rates.ex },
      ],
    });
    // In USD at 0.9 EUR per USD.
    await issue('invoices', {
      issueDate: '2026-05-10',
      currency: 'USD',
      exchangeRate: '0.9',
      lines: [
        { itemId: items.consulting, description: 'Consulting', quantity: '2', unitPrice: 100_00, taxRateId: rates.std },
      ],
    });
    // A partial credit note for the first invoice.
    await issue('credit-notes', {
      issueDate: '2026-05-15',
      relatedDocumentId: first.id,
      lines: [
        { itemId: items.consulting, description: 'Consulting', quantity: '1', unitPrice: 100_00, taxRateId: rates.std },
      ],
    });
    // Issued in Q2, voided in July: its cancelling credit note is dated July 15.
    const voided = await issue('invoices', {
      issueDate: '2026-05-20',
      lines: [{ description: 'Mistake', quantity: '1', unitPrice: 50_00, taxRateId: rates.std }],
    });
    await api.ok('POST', `/api/v1/invoices/${voided.id}/void`, { reason: 'Issued by mistake' });
    // Just outside Q2 on either side; the July one was supplied in June.
    await issue('invoices', {
      issueDate: '2026-03-31',
      lines: [{ description: 'March', quantity: '1', unitPrice: 10_00, taxRateId: rates.std }],
    });
    await issue('invoices', {
      issueDate: '2026-07-01',
      supplyDate: '2026-06-25',
      lines: [{ description: 'July', quantity: '1', unitPrice: 20_00, taxRateId: rates.red }],
    });
    // A draft and a quote never count.
    await api.ok('POST', '/api/v1/invoices', {
      clientId,
      issueDate: '2026-05-01',
      lines: [{ description: 'Draft', quantity: '1', unitPrice: 999_00, taxRateId: rates.std }],
    });
  });
  afterAll(() => t.close());

  /** Every issued invoice and credit note of the period, read back one by one (decrypted). */
  async function documentsIn(from: string, to: string): Promise<Doc[]> {
    const out: Doc[] = [];
    for (const [kind, path] of [
      ['invoice', 'invoices'],
      ['credit_note', 'credit-notes'],
    ] as const) {
      const list = await api.ok('GET', `/api/v1/${path}?from=${from}&to=${to}&limit=200`);
      for (const s of list.items as Array<{ id: string; status: string }>) {
        if (s.status === 'draft') continue;
        out.push({ ...(await api.ok('GET', `/api/v1/${path}/${s.id}`)), kind });
      }
    }
    return out;
  }

  /** The VAT breakdown summed from the documents as printed: per currency, category and rate. */
  function expectedVat(docs: Doc[]) {
    const rows = new Map<string, { taxable: number; tax: number; invoices: number; creditNotes: number }>();
    for (const d of docs) {
      const sign = d.kind === 'credit_note' ? -1 : 1;
      const seen = new Set<string>();
      for (const g of d.taxes) {
        const lines = d.lines.filter((l) => l.taxRateBp === g.rateBp && l.taxInclusive === g.inclusive);
        const categories = [...new Set(lines.map((l) => l.taxCategory ?? (g.rateBp > 0 ? 'S' : 'Z')))];
        // A group of several categories occurs here only at 0 % without a document discount:
        // each category's taxable amount is then the sum of its lines.
        if (categories.length > 1) expect([g.rateBp, d.discount]).toEqual([0, null]);
        for (const c of categories) {
          const taxable =
            categories.length === 1
              ? g.taxable
              : lines.filter((l) => l.taxCategory === c).reduce((s, l) => s + l.amount, 0);
          const key = `${d.currency}|${c}|${g.rateBp}`;
          const r = rows.get(key) ?? { taxable: 0, tax: 0, invoices: 0, creditNotes: 0 };
          r.taxable += sign * taxable;
          r.tax += categories.length === 1 ? sign * g.tax : 0;
          if (!seen.has(key)) {
            if (d.kind === 'invoice') r.invoices += 1;
            else r.creditNotes += 1;
            seen.add(key);
          }
          rows.set(key, r);
        }
      }
    }
    return rows;
  }

  function reportedVat(report: {
    rows: Array<{
      currency: string;
      category: string;
      rateBp: number;
      taxable: number;
      tax: number;
      invoices: number;
      creditNotes: number;
    }>;
  }) {
    return new Map(
      report.rows.map((r) => [
        `${r.currency}|${r.category}|${r.rateBp}`,
        { taxable: r.taxable, tax: r.tax, invoices: r.invoices, creditNotes: r.creditNotes },
      ]),
    );
  }

  it('ties out to the documents: per currency, category and rate, credit notes subtracted', async () => {
    const docs = await documentsIn('2026-04-01', '2026-06-30');
    expect(docs.filter((d) => d.kind === 'invoice')).toHaveLength(4);
    expect(docs.filter((d) => d.kind === 'credit_note')).toHaveLength(1);
    const r = await api.ok('GET', `/api/v1/reports/vat?${Q2}`);
    expect(r).toMatchObject({ from: '2026-04-01', to: '2026-06-30', basis: 'issue', currency: 'EUR', pending: 0 });
    expect(reportedVat(r)).toEqual(expectedVat(docs));
    // The report's total is what the documents come to (total = taxable + tax), per currency.
    for (const c of ['EUR', 'USD']) {
      const total = docs
        .filter((d) => d.currency === c)
        .reduce((s, d) => s + (d.kind === 'credit_note' ? -d.total : d.total), 0);
      const tot = r.totals.find((x: { currency: string }) => x.currency === c);
      expect(tot.taxable + tot.tax).toBe(total);
    }
    // Reverse charge and exempt stand apart, and in the totals' own lines.
    expect(r.rows.filter((x: { category: string }) => ['AE', 'E'].includes(x.category))).toEqual([
      expect.objectContaining({ currency: 'EUR', category: 'E', rateBp: 0, taxable: 200_00, tax: 0, invoices: 1 }),
      expect.objectContaining({ currency: 'EUR', category: 'AE', rateBp: 0, taxable: 500_00, tax: 0, invoices: 1 }),
    ]);
    const eur = r.totals.find((x: { currency: string }) => x.currency === 'EUR');
    expect(eur).toMatchObject({ reverseCharge: 500_00, exempt: 200_00, zeroRated: 0 });
    expect(eur.taxed).toBe(
      r.rows
        .filter((x: { currency: string; category: string }) => x.currency === 'EUR' && x.category === 'S')
        .reduce((s: number, x: { taxable: number }) => s + x.taxable, 0),
    );
    // USD kept apart, and converted at the document's rate for the organization's total.
    const usd = r.rows.filter((x: { currency: string }) => x.currency === 'USD');
    expect(usd).toEqual([
      {
        currency: 'USD',
        category: 'S',
        rateBp: 1900,
        invoices: 1,
        creditNotes: 0,
        taxable: 200_00,
        tax: 38_00,
        taxableInOrgCurrency: 180_00,
        taxInOrgCurrency: 34_20,
      },
    ]);
    expect(r.totalInOrgCurrency.tax).toBe(eur.tax + 34_20);
    expect(r.totalInOrgCurrency.reverseCharge).toBe(500_00);
  });

  it('the voided invoice counts in its own period, its cancelling credit note in the next', async () => {
    const q3 = await api.ok('GET', '/api/v1/reports/vat?from=2026-07-01&to=2026-09-30');
    expect(reportedVat(q3)).toEqual(expectedVat(await documentsIn('2026-07-01', '2026-09-30')));
    expect(q3.rows.find((x: { category: string; rateBp: number }) => x.rateBp === 1900)).toMatchObject({
      creditNotes: 1,
      taxable: -50_00,
      tax: -9_50,
    });
    // Over both quarters the voided invoice and its credit note net to nothing.
    const both = await api.ok('GET', '/api/v1/reports/vat?from=2026-04-01&to=2026-09-30');
    expect(reportedVat(both)).toEqual(expectedVat(await documentsIn('2026-04-01', '2026-09-30')));
  });

  it('period boundaries are inclusive, and the supply-date basis moves a document to its supply', async () => {
    const firstDay = await api.ok('GET', '/api/v1/reports/vat?from=2026-04-01&to=2026-04-01');
    expect(reportedVat(firstDay)).toEqual(expectedVat(await documentsIn('2026-04-01', '2026-04-01')));
    expect(firstDay.rows.length).toBeGreaterThan(0);
    const march = await api.ok('GET', '/api/v1/reports/vat?from=2026-03-01&to=2026-03-31');
    expect(march.rows).toEqual([expect.objectContaining({ category: 'S', rateBp: 1900, taxable: 10_00, tax: 1_90 })]);
    const june = await api.ok('GET', '/api/v1/reports/vat?from=2026-06-01&to=2026-06-30&basis=supply');
    expect(june.rows.find((x: { rateBp: number }) => x.rateBp === 700)).toMatchObject({ taxable: 20_00, tax: 1_40 });
    expect(
      (await api.ok('GET', '/api/v1/reports/vat?from=2026-06-01&to=2026-06-30')).rows.find(
        (x: { rateBp: number }) => x.rateBp === 700,
      ),
    ).toBeUndefined();
  });

  it('revenue by item: net per catalogue item and "Other items", adding up to the taxable amounts', async () => {
    const r = await api.ok('GET', `/api/v1/reports/revenue-by-item?${Q2}`);
    const vat = await api.ok('GET', `/api/v1/reports/vat?${Q2}`);
    for (const c of ['EUR', 'USD']) {
      const net = r.rows
        .filter((x: { currency: string }) => x.currency === c)
        .reduce((s: number, x: { net: number }) => s + x.net, 0);
      expect(net).toBe(vat.totals.find((x: { currency: string }) => x.currency === c).taxable);
    }
    const byKey = new Map(
      r.rows.map((x: { itemId: string | null; currency: string }) => [`${x.itemId}|${x.currency}`, x]),
    );
    // Consulting: 3 × 100.00 less 5 % on the first invoice, less 1 × 100.00 credited.
    expect(byKey.get(`${items.consulting}|EUR`)).toMatchObject({
      name: 'Consulting',
      quantity: '2',
      lines: 2,
      net: 285_00 - 100_00,
    });
    expect(byKey.get(`${items.consulting}|USD`)).toMatchObject({
      quantity: '2',
      net: 200_00,
      netInOrgCurrency: 180_00,
    });
    expect(byKey.get(`${items.book}|EUR`)).toMatchObject({ name: 'Book', quantity: '2', net: 29_45 });
    const other = byKey.get('null|EUR') as { name: string | null; lines: number };
    expect(other).toMatchObject({ name: null, lines: 5 });
    // Named items first, the free-text lines last.
    expect(r.rows.at(-1).itemId).toBeNull();
  });

  it('documents issued before the ledger existed are added by the backfill, with the same figures', async () => {
    const before = await api.ok('GET', `/api/v1/reports/vat?${Q2}`);
    const itemsBefore = await api.ok('GET', `/api/v1/reports/revenue-by-item?${Q2}`);
    // As if issued before migration 0022: no ledger rows, queued by the migration's own statement.
    const { db } = t.container;
    await db.deleteFrom('vat_ledger').where('org_id', '=', api.orgId).execute();
    await db.deleteFrom('item_ledger').where('org_id', '=', api.orgId).execute();
    await queueLedgerBackfill(db as unknown as Kysely<unknown>);
    const empty = await api.ok('GET', `/api/v1/reports/vat?${Q2}`);
    expect(empty.rows).toEqual([]);
    expect(empty.pending).toBe(8); // 6 invoices, the partial and the cancelling credit note
    expect(await t.container.services.ledger.backfill(4)).toBe(4);
    expect((await api.ok('GET', `/api/v1/reports/vat?${Q2}`)).pending).toBe(4);
    while ((await t.container.services.ledger.backfill(4)) > 0);
    expect(await db.selectFrom('ledger_backfill').select('document_id').execute()).toEqual([]);
    expect(await api.ok('GET', `/api/v1/reports/vat?${Q2}`)).toEqual(before);
    expect(await api.ok('GET', `/api/v1/reports/revenue-by-item?${Q2}`)).toEqual(itemsBefore);
  });

  it('CSV: one exact row per currency, category and rate; PDF: a printable table', async () => {
    const res = await api.req('GET', `/api/v1/reports/vat?${Q2}&format=csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="vat-2026-04-01-2026-06-30.csv"');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('currency,vat_category,rate_percent,invoices,credit_notes,taxable,tax,taxable_EUR,tax_EUR');
    expect(lines).toContain('EUR,AE,0.00,1,0,500.00,0.00,500.00,0.00');
    expect(lines).toContain('EUR,E,0.00,1,0,200.00,0.00,200.00,0.00');
    expect(lines).toContain('USD,S,19.00,1,0,200.00,38.00,180.00,34.20');
    expect(lines.at(-1)).toBe('');

    const itemsCsv = await api.req('GET', `/api/v1/reports/revenue-by-item?${Q2}&format=csv`);
    const itemLines = itemsCsv.body.split('\r\n');
    expect(itemLines[0]).toBe('item_id,item,currency,lines,quantity,net,net_EUR');
    expect(itemLines).toContain(`${items.consulting},"Consulting",EUR,2,2,185.00,185.00`);
    expect(itemLines.at(-2)).toMatch(/^,"Other items",EUR,5,/);

    for (const url of [
      `/api/v1/reports/vat?${Q2}&format=pdf`,
      `/api/v1/reports/revenue-by-item?${Q2}&format=pdf`,
      `/api/v1/reports/revenue?${Q2}&format=pdf`,
      `/api/v1/reports/payments?${Q2}&format=pdf`,
      '/api/v1/reports/aging?format=pdf',
    ]) {
      const pdf = await api.req('GET', url);
      expect(pdf.statusCode, url).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    }
  });

  describe('isolation', () => {
    it('another organization sees none of it', async () => {
      const other = await setupOrg(t.app, 'Andere GmbH');
      const r = await other.ok('GET', `/api/v1/reports/vat?${Q2}`);
      expect(r.rows).toEqual([]);
      expect(r.pending).toBe(0);
      expect((await other.ok('GET', `/api/v1/reports/revenue-by-item?${Q2}`)).rows).toEqual([]);
    });
  });
});
