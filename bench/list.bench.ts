/**
 * Document lists, search and the dashboard at 1k, 10k and 100k invoices in one organization
 * (issue #13, items 1 to 3), on SQLite
 * in a temporary data dir. For every offered sort it times the first page and the next page (the
 * keyset cursor) through the real service (`documents.list`: query, client names, summaries), and
 * prints how the first page grows from the smallest to the largest size in the same run. Target:
 * the first page in under 20 ms at 100k, and independent of the organization's size (the issue
 * measured 3 ms / 7 ms / 69 ms, sorted by number 254 ms, before migration 0015).
 *
 * The rows beyond the first real draft are copies written straight into the table (ids, numbers,
 * dates, totals and statuses varied), because creating 100,000 invoices through the services
 * would take minutes and measure issuing, not listing.
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
const TARGET_MS = 20;
const SEARCH_TARGET_MS = 20;
/** Searches timed at each size: a number, a client and an amount, two words, and a word every invoice has. */
const SEARCHES = ['RE-000777', 'kunde 42', '1234.56', 'kunde beratung', 'beratung'];
const DASHBOARD_TARGET_MS = 50;
const dashboard: number[] = [];
const ACTOR = { type: 'system' as const, id: 'bench' };
const SORTS = ['-created', 'number', '-number', 'issue_date', '-due_date', '-total'] as const;

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-bench-list-'));
const config = parseConfig({ SEALBILL_DATA_DIR: dir, SEALBILL_LOG_LEVEL: 'silent' });
const c = await createContainer(config, {
  masterKey: decodeMasterKey(randomBytes(32).toString('base64'), 'bench'),
  warn: () => {},
});
const s = c.services;

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)]!;
}
async function time(fn: () => Promise<unknown>, runs = 15): Promise<number> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(out);
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

  const firstBySort: Partial<Record<(typeof SORTS)[number] | 'search', number[]>> = {};
  console.log(`target: first page < ${TARGET_MS} ms at 100k, flat across sizes`);
  for (const size of sizes) {
    await c.db.transaction().execute(async (tx) => {
      for (; have < size;) {
        const batch = [];
        const tokens = [];
        const vat = [];
        const items = [];
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
          for (const token of tokensOf(row.number, have % clients.length, row.total))
            tokens.push({ org_id: org.id, entity: 'document', entity_id: row.id, token });
        }
        await tx.insertInto('documents').values(batch).execute();
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
    const rows: string[] = [];
    for (const sort of SORTS) {
      const first = await s.documents.list(org.id, 'invoice', { limit: 50, sort });
      const firstMs = await time(() => s.documents.list(org.id, 'invoice', { limit: 50, sort }));
      const nextMs = await time(() =>
        s.documents.list(org.id, 'invoice', { limit: 50, sort, cursor: first.nextCursor! }),
      );
      (firstBySort[sort] ??= []).push(firstMs);
      rows.push(
        `  sort ${sort.padEnd(11)} first page ${firstMs.toFixed(2).padStart(7)} ms   next page ${nextMs.toFixed(2).padStart(7)} ms`,
      );
    }
    const searches: string[] = [];
    for (const q of SEARCHES) {
      const found = (await s.documents.list(org.id, 'invoice', { limit: 50, sort: '-created', q })).items.length;
      const ms = await time(() => s.documents.list(org.id, 'invoice', { limit: 50, sort: '-created', q }));
      searches.push(
        `  "${q}"`.padEnd(20) + `${ms.toFixed(2).padStart(7)} ms  (${found}${found === 50 ? '+' : ''} found)`,
      );
      if (q === SEARCHES[0]) (firstBySort.search ??= []).push(ms);
    }
    console.log(
      `search.${size}: first page of matches (median of 15; target < ${SEARCH_TARGET_MS} ms)\n${searches.join('\n')}`,
    );
    const dashMs = await time(() => s.reports.dashboard(org.id), 5);
    const agingMs = await time(() => s.reports.aging(org.id), 5);
    // A year's VAT and revenue by item (the copies' issue dates spread over seven years).
    const vatMs = await time(() => s.ledger.vat(org.id, '2021-01-01', '2021-12-31', 'issue'), 5);
    const itemsMs = await time(() => s.ledger.revenueByItem(org.id, '2021-01-01', '2021-12-31', 'issue'), 5);
    dashboard.push(dashMs);
    console.log(`list.${size}: ${size} invoices (median of 15; target < ${TARGET_MS} ms)\n${rows.join('\n')}`);
    console.log(
      `dashboard.${size}: ${dashMs.toFixed(1)} ms (target < ${DASHBOARD_TARGET_MS} ms at 100k); aging report ${agingMs.toFixed(1)} ms; VAT report (a year) ${vatMs.toFixed(1)} ms; revenue by item ${itemsMs.toFixed(1)} ms`,
    );
  }
  const growth = SORTS.map((sort) => {
    const f = firstBySort[sort]!;
    return `${sort} ${(f[f.length - 1]! / f[0]!).toFixed(1)}×`;
  });
  console.log(
    `list.growth: first page at ${sizes[sizes.length - 1]} vs ${sizes[0]} invoices (target ≈ 1×, was ~23× before the list indexes): ${growth.join(', ')}`,
  );
} finally {
  await c.close();
  rmSync(dir, { recursive: true, force: true });
}
