/**
 * Document lists, search and the dashboard at 1k, 10k and 100k invoices in one organization
 * (issue #13, items 1 to 3), on SQLite
 * in a temporary data dir. For every offered sort it times the first page and the next page (the
 * keyset cursor) through the real service (`documents.list`: query, client names, summaries), and
 * the filters, search, the dashboard and the reports (median and p99), and prints how each median
 * grows from the smallest to the largest size in the same run. Targets (issue #13): list and search
 * medians under 10 ms at 100k with a 100k/1k ratio under 3, the dashboard under 50 ms at 100k (the
 * issue measured 3 ms / 7 ms / 69 ms, sorted by number 254 ms, before migration 0015).
 *
 * The rows beyond the first real draft are copies written straight into the table (ids, numbers,
 * dates, totals and statuses varied), because creating 100,000 invoices through the services
 * would take minutes and measure issuing, not listing.
 *
 * The payments list (GET /api/v1/payments, migration 0031) is timed the same way through
 * `paymentList.list`: one ledger payment per copied invoice (every tenth in USD, every fiftieth
 * partly refunded), written straight into the table like the invoices.
 *
 *   node bench/list.bench.ts                        (1,000 / 10,000 / 100,000)
 *   BENCH_LIST_SIZES=1000,10000 node bench/list.bench.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/env.ts';
import { createContainer } from '../src/main/container.ts';
import { decodeMasterKey } from '../src/platform/crypto/master-key.ts';
import { refreshPlannerStatistics } from '../src/platform/db/migrate.ts';
import { newId } from '../src/platform/ids.ts';
import { termsOf } from '../src/platform/search/search-terms.ts';

const sizes = (process.env.BENCH_LIST_SIZES ?? '1000,10000,100000').split(',').map(Number);
const TARGET_MS = 10;
const GROWTH_TARGET = 3;
/** Searches timed at each size: a number, a client and an amount, two words, and a word every invoice has. */
const SEARCHES = ['RE-000777', 'kunde 42', '1234.56', 'kunde beratung', 'beratung'];
const DASHBOARD_TARGET_MS = 50;
/** Medians per measured label, one per size, for the growth ratios. */
const medians: Record<string, number[]> = {};
const ACTOR = { type: 'system' as const, id: 'bench' };
const SORTS = ['-created', 'number', '-number', 'issue_date', '-due_date', '-total'] as const;
const PAYMENT_SORTS = ['-date', 'date', '-amount', 'amount'] as const;

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-bench-list-'));
const config = parseConfig({ SEALBILL_DATA_DIR: dir, SEALBILL_LOG_LEVEL: 'silent' });
const c = await createContainer(config, {
  masterKey: decodeMasterKey(randomBytes(32).toString('base64'), 'bench'),
  warn: () => {},
});
const s = c.services;

interface Timing {
  median: number;
  p99: number;
}
const fmt = (t: Timing) => `${t.median.toFixed(2).padStart(7)} ms (p99 ${t.p99.toFixed(2).padStart(7)})`;
/** Median and p99 of `runs` timed calls after one warm-up call. */
async function time(fn: () => Promise<unknown>, runs = 15): Promise<Timing> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  out.sort((a, b) => a - b);
  return {
    median: out[Math.floor(out.length / 2)]!,
    p99: out[Math.min(out.length - 1, Math.ceil(out.length * 0.99) - 1)]!,
  };
}

try {
  const { org } = await s.bootstrap.setup(
    {
      organization: { name: 'Bench Lists GmbH', defaultCurrency: 'EUR', locale: 'de-DE', timeZone: 'Europe/Berlin' },
      owner: { email: 'bench@example.test', name: 'Bench' },
    },
    { firstRunOnly: true, actor: ACTOR },
  );
  const clients: string[] = [];
  for (let i = 0; i < 100; i++)
    clients.push((await s.clients.create(org.id, { name: `Kunde ${i}`, email: `kunde${i}@example.test` }, ACTOR)).id);
  const draft = await s.documents.create(
    org.id,
    'invoice',
    { clientId: clients[0]!, lines: [{ description: 'Beratung', quantity: '1', unitPrice: 10_000 }] },
    ACTOR,
  );
  const template = await c.db.selectFrom('documents').selectAll().where('id', '=', draft.id).executeTakeFirstOrThrow();
  // The copies' search tokens, as the documents service would write them (platform/search).
  const crypto = await c.keyring.forOrg(c.db, org.id);
  const tokensOf = (number: string | null, client: number, total: number) =>
    termsOf([number, `Kunde ${client}`, 'Beratung'], [total]).map((t) => crypto.blindIndex(t, 'search'));
  const statuses = ['issued', 'sent', 'paid', 'partially_paid', 'void', 'draft'];
  let have = 1;
  const day = (n: number) => new Date(Date.UTC(2020, 0, 1) + (n % 2500) * 86_400_000).toISOString().slice(0, 10);

  /** Filters timed at each size (the first page, newest first). */
  const FILTERS: Array<[string, Parameters<typeof s.documents.list>[2]]> = [
    ['filter status=overdue', { limit: 50, sort: '-created', status: 'overdue' }],
    ['filter client', { limit: 50, sort: '-created', clientId: clients[42]! }],
    ['filter a month (issue date)', { limit: 50, sort: 'issue_date', from: '2021-03-01', to: '2021-03-31' }],
    ['filter amount 1000-2000', { limit: 50, sort: 'total', minTotal: 100_000, maxTotal: 200_000 }],
    ['filter currency EUR', { limit: 50, sort: '-created', currency: 'EUR' }],
  ];
  console.log(`target: first page < ${TARGET_MS} ms at 100k, flat across sizes`);
  for (const size of sizes) {
    await c.db.transaction().execute(async (tx) => {
      for (; have < size;) {
        const batch = [];
        const tokens = [];
        const vat = [];
        const items = [];
        const payments = [];
        for (let k = 0; k < 500 && have < size; k++, have++) {
          const status = statuses[have % statuses.length]!;
          const row = {
            ...template,
            id: newId(Date.now() - (size - have)),
            client_id: clients[have % clients.length]!,
            status,
            number: status === 'draft' ? null : `RE-${String(have).padStart(6, '0')}`,
            issue_date: status === 'draft' ? null : day(have),
            due_date: status === 'draft' ? null : day(have + 14),
            total: have === 4711 ? 123_456 : 1_000 + ((have * 7919) % 500_000),
          };
          batch.push(row);
          // The reports' ledger rows issuing would write (modules/reports/ledger.service.ts).
          if (row.issue_date) {
            const tax = Math.round((row.total * 19) / 119);
            const base = {
              org_id: org.id,
              document_id: row.id,
              kind: 'invoice' as const,
              issue_date: row.issue_date,
              supply_date: null,
              currency: 'EUR',
              exchange_rate: '1',
            };
            vat.push({
              ...base,
              category: have % 10 === 0 ? 'AE' : 'S',
              rate_bp: have % 10 === 0 ? 0 : 1900,
              taxable: row.total - tax,
              tax: have % 10 === 0 ? 0 : tax,
            });
            items.push({ ...base, item_id: null, line_count: 1, quantity_micro: 1_000_000, net: row.total - tax });
          }
          // Its payment (and for every fiftieth, a refund of part of it): the payments list's rows.
          const payment = {
            id: newId(Date.now() - (size - have)),
            org_id: org.id,
            document_id: row.id,
            client_id: row.client_id,
            kind: 'payment' as const,
            amount: row.total,
            applied_amount: row.total,
            currency: have % 10 === 0 ? 'USD' : 'EUR',
            method: have % 3 === 0 ? 'cash' : 'bank_transfer',
            reference_enc: null,
            received_on: day(have + 7),
            provider: null,
            provider_ref: null,
            created_by: null,
            created_at: template.created_at,
            fee: null,
            fee_currency: null,
            checkout_id: null,
            related_payment_id: null,
            receipt_file_id: null,
          };
          payments.push(payment);
          if (have % 50 === 0)
            payments.push({
              ...payment,
              id: newId(Date.now() - (size - have)),
              kind: 'refund' as const,
              amount: 100,
              applied_amount: -100,
              received_on: day(have + 30),
              related_payment_id: payment.id,
            });
          for (const token of tokensOf(row.number, have % clients.length, row.total))
            tokens.push({ org_id: org.id, entity: 'document', entity_id: row.id, token });
        }
        await tx.insertInto('documents').values(batch).execute();
        await tx.insertInto('payments').values(payments).execute();
        if (vat.length > 0) await tx.insertInto('vat_ledger').values(vat).execute();
        if (items.length > 0) await tx.insertInto('item_ledger').values(items).execute();
        for (let i = 0; i < tokens.length; i += 5000)
          await tx
            .insertInto('search_tokens')
            .values(tokens.slice(i, i + 5000))
            .execute();
      }
    });
    await refreshPlannerStatistics(c);
    const list = (q: Parameters<typeof s.documents.list>[2]) => () => s.documents.list(org.id, 'invoice', q);
    const measure = async (label: string, fn: () => Promise<unknown>, runs = 15) => {
      const t = await time(fn, runs);
      (medians[label] ??= []).push(t.median);
      return t;
    };
    const rows: string[] = [];
    for (const sort of SORTS) {
      const first = await s.documents.list(org.id, 'invoice', { limit: 50, sort });
      const firstPage = await measure(`sort ${sort}`, list({ limit: 50, sort }));
      const nextPage = await time(list({ limit: 50, sort, cursor: first.nextCursor! }));
      rows.push(`  sort ${sort.padEnd(11)} first page ${fmt(firstPage)}   next page ${fmt(nextPage)}`);
    }
    for (const [label, q] of FILTERS) rows.push(`  ${label.padEnd(28)} ${fmt(await measure(label, list(q)))}`);
    const payList = (q: Parameters<typeof s.paymentList.list>[1]) => () => s.paymentList.list(org.id, q);
    const paymentRows: string[] = [];
    for (const sort of PAYMENT_SORTS) {
      const first = await s.paymentList.list(org.id, { limit: 50, sort });
      const firstPage = await measure(`payments ${sort}`, payList({ limit: 50, sort }));
      const nextPage = await time(payList({ limit: 50, sort, cursor: first.nextCursor! }));
      paymentRows.push(`  sort ${sort.padEnd(11)} first page ${fmt(firstPage)}   next page ${fmt(nextPage)}`);
    }
    const PAYMENT_FILTERS: Array<[string, Parameters<typeof s.paymentList.list>[1]]> = [
      ['payments client', { limit: 50, sort: '-date', clientId: clients[42]! }],
      ['payments client by amount', { limit: 50, sort: '-amount', clientId: clients[42]! }],
      ['payments USD', { limit: 50, sort: '-date', currency: 'USD' }],
      ['payments a month', { limit: 50, sort: 'date', from: '2021-03-01', to: '2021-03-31' }],
      ['payments method cash', { limit: 50, sort: '-date', method: 'cash' }],
    ];
    for (const [label, q] of PAYMENT_FILTERS)
      paymentRows.push(`  ${label.padEnd(28)} ${fmt(await measure(label, payList(q)))}`);
    const searches: string[] = [];
    for (const q of SEARCHES) {
      const found = (await list({ limit: 50, sort: '-created', q })()).items.length;
      const t = await measure(`search "${q}"`, list({ limit: 50, sort: '-created', q }));
      searches.push(`  "${q}"`.padEnd(20) + `${fmt(t)}  (${found}${found === 50 ? '+' : ''} found)`);
    }
    console.log(
      `list.${size}: ${size} invoices, first page (median of 15; target < ${TARGET_MS} ms)\n${rows.join('\n')}`,
    );
    console.log(
      `payments.${size}: ${size} payments, first page with its count (median of 15; target < ${TARGET_MS} ms)\n${paymentRows.join('\n')}`,
    );
    console.log(
      `search.${size}: first page of matches (median of 15; target < ${TARGET_MS} ms)\n${searches.join('\n')}`,
    );
    const dash = await measure('dashboard', () => s.reports.dashboard(org.id), 9);
    const aging = await measure('aging report', () => s.reports.aging(org.id), 9);
    // A year's VAT and revenue by item (the copies' issue dates spread over seven years).
    const vat = await measure('VAT report', () => s.ledger.vat(org.id, '2021-01-01', '2021-12-31', 'issue'), 9);
    const items = await measure(
      'revenue by item',
      () => s.ledger.revenueByItem(org.id, '2021-01-01', '2021-12-31', 'issue'),
      9,
    );
    console.log(
      `reports.${size} (median of 9; dashboard target < ${DASHBOARD_TARGET_MS} ms at 100k)\n  dashboard       ${fmt(dash)}\n  aging report    ${fmt(aging)}\n  VAT (a year)    ${fmt(vat)}\n  revenue by item ${fmt(items)}`,
    );
  }
  if (sizes.length > 1) {
    const ratios = Object.entries(medians).map(
      ([label, m]) => `  ${label.padEnd(28)} ${(m[m.length - 1]! / m[0]!).toFixed(1)}×`,
    );
    console.log(
      `growth: median at ${sizes[sizes.length - 1]} vs ${sizes[0]} invoices (target < ${GROWTH_TARGET}×; the first page sorted by number was ~23× before the list indexes)\n${ratios.join('\n')}`,
    );
  }
} finally {
  await c.close();
  rmSync(dir, { recursive: true, force: true });
}
