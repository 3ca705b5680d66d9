// The reports' ledger (migration 0022) and the two reports read from it: VAT per category and rate,
// and revenue per catalogue item (issue #13, item 3). The ledger is written in the transaction that
// issues an invoice or credit note (recordInTx, through the issue hook wired in main/container.ts),
// from the issued document's own breakdown (ledger-entries.ts), so the reports never decrypt a body
// and tie out to the documents exactly. Documents issued before the ledger existed are added by the
// worker (backfill), each decrypted once.
//
// Voided invoices: an issued invoice is never deleted or changed. Voiding issues a credit note for
// its full amount (document-lifecycle.service.ts), so the invoice counts in the period of its issue
// date and its cancelling credit note, negative, in the period of its own — the way a cancellation
// (Storno) is booked; within one period the two net to zero.
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { convertAmount } from '../../shared/money/money.ts';
import type { CatalogService } from '../catalog/catalog.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { VatCategory } from '../einvoice/einvoice.model.ts';
import { renderTablePdf, type PdfTable } from '../documents/pdf/render-table-pdf.ts';
import type { Org } from '../orgs/org.schemas.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { ledgerEntriesOf, type LedgerDocument } from './ledger-entries.ts';
import {
  countBackfillQueue,
  dequeueBackfill,
  itemTotals,
  listBackfillQueue,
  replaceLedger,
  vatTotals,
  type DateBasis,
} from './ledger.repo.ts';
import type { ItemRevenueReport, ItemRevenueRow, VatReport, VatRow, VatTotals } from './reports.schemas.ts';

export interface LedgerServiceDeps {
  db: Database;
  clock: Clock;
  orgs: Pick<OrgService, 'get'>;
  catalog: Pick<CatalogService, 'itemNamesByIds'>;
  documents: Pick<DocumentService, 'getInTx'>;
}

/** The order a VAT return reads them in: charged, zero rated, exempt, reverse charge, the rest. */
const CATEGORY_ORDER: VatCategory[] = ['S', 'L', 'M', 'Z', 'E', 'AE', 'K', 'G', 'O'];
const TREATMENT: Record<VatCategory, keyof Omit<VatTotals, 'currency' | 'taxable' | 'tax'>> = {
  S: 'taxed',
  L: 'taxed',
  M: 'taxed',
  Z: 'zeroRated',
  E: 'exempt',
  AE: 'reverseCharge',
  K: 'intraCommunity',
  G: 'export',
  O: 'outsideScope',
};

const emptyTotals = (currency: string): VatTotals => ({
  currency,
  taxable: 0,
  tax: 0,
  taxed: 0,
  zeroRated: 0,
  exempt: 0,
  reverseCharge: 0,
  intraCommunity: 0,
  export: 0,
  outsideScope: 0,
});

/** Micro-units (10^-6) as a decimal string without trailing zeros: 1_500_000 → "1.5". */
export function microToDecimal(v: bigint): string {
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs / 1_000_000n}${frac ? `.${frac}` : ''}`;
}

export function createLedgerService({ db, clock, orgs, catalog, documents }: LedgerServiceDeps) {
  async function context(orgId: string) {
    const org = await orgs.get(orgId);
    const inOrg = (amount: number, currency: string, rate: string) =>
      currency === org.defaultCurrency ? amount : convertAmount(amount, currency, org.defaultCurrency, rate);
    return { currency: org.defaultCurrency, inOrg, pending: await countBackfillQueue(db, orgId) };
  }

  async function recordInTx(tx: Executor, orgId: string, doc: LedgerDocument): Promise<void> {
    if (doc.kind === 'quote') return;
    const e = ledgerEntriesOf(doc);
    const base = {
      org_id: orgId,
      document_id: doc.id,
      kind: e.kind,
      issue_date: e.issueDate,
      supply_date: e.supplyDate,
      currency: doc.currency,
      exchange_rate: doc.exchangeRate,
    };
    await replaceLedger(
      tx,
      orgId,
      doc.id,
      e.vat.map((v) => ({ ...base, category: v.category, rate_bp: v.rateBp, taxable: v.taxable, tax: v.tax })),
      e.items.map((i) => ({
        ...base,
        item_id: i.itemId,
        line_count: i.lineCount,
        quantity_micro: i.quantityMicro,
        net: i.net,
      })),
    );
  }

  return {
    recordInTx,

    /** A report as a printable PDF table, in the organization's language and number format (reports.pdf.ts). */
    async printable(orgId: string, table: (org: Org) => PdfTable): Promise<Buffer> {
      return renderTablePdf(table(await orgs.get(orgId)), clock.now());
    },

    /**
     * Adds up to `limit` queued documents issued before the ledger existed (migration 0022), each in
     * its own transaction with its removal from the queue, decrypted once. Returns how many; 0 means
     * the queue is empty (the worker then stops asking).
     */
    async backfill(limit: number): Promise<number> {
      const rows = await listBackfillQueue(db, limit);
      for (const r of rows)
        await inTx(db, async (tx) => {
          if (r.kind !== 'quote') await recordInTx(tx, r.org_id, await documents.getInTx(tx, r.org_id, r.kind, r.id));
          await dequeueBackfill(tx, r.org_id, r.id);
        });
      return rows.length;
    },

    async vat(orgId: string, from: string, to: string, basis: DateBasis): Promise<VatReport> {
      const { currency, inOrg, pending } = await context(orgId);
      const rows = new Map<string, VatRow>();
      const totals = new Map<string, VatTotals>();
      const inOrgTotal = emptyTotals(currency);
      for (const g of await vatTotals(db, orgId, from, to, basis)) {
        const category = g.category as VatCategory;
        const [taxable, tax] = [Number(g.taxable), Number(g.tax)];
        const [taxableOrg, taxOrg] = [
          inOrg(taxable, g.currency, g.exchange_rate),
          inOrg(tax, g.currency, g.exchange_rate),
        ];
        const key = `${g.currency}|${category}|${g.rate_bp}`;
        const r = rows.get(key) ?? {
          currency: g.currency,
          category,
          rateBp: g.rate_bp,
          invoices: 0,
          creditNotes: 0,
          taxable: 0,
          tax: 0,
          taxableInOrgCurrency: 0,
          taxInOrgCurrency: 0,
        };
        r.invoices += Number(g.invoice_rows);
        r.creditNotes += Number(g.credit_note_rows);
        r.taxable += taxable;
        r.tax += tax;
        r.taxableInOrgCurrency += taxableOrg;
        r.taxInOrgCurrency += taxOrg;
        rows.set(key, r);
        const t = totals.get(g.currency) ?? emptyTotals(g.currency);
        t.taxable += taxable;
        t.tax += tax;
        t[TREATMENT[category]] += taxable;
        totals.set(g.currency, t);
        inOrgTotal.taxable += taxableOrg;
        inOrgTotal.tax += taxOrg;
        inOrgTotal[TREATMENT[category]] += taxableOrg;
      }
      const order = (c: VatCategory) => CATEGORY_ORDER.indexOf(c);
      return {
        from,
        to,
        basis,
        currency,
        rows: [...rows.values()].sort(
          (a, b) =>
            a.currency.localeCompare(b.currency) || order(a.category) - order(b.category) || b.rateBp - a.rateBp,
        ),
        totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
        totalInOrgCurrency: inOrgTotal,
        pending,
      };
    },

    async revenueByItem(orgId: string, from: string, to: string, basis: DateBasis): Promise<ItemRevenueReport> {
      const { currency, inOrg, pending } = await context(orgId);
      const rows = new Map<string, ItemRevenueRow & { micro: bigint }>();
      for (const g of await itemTotals(db, orgId, from, to, basis)) {
        const key = `${g.item_id ?? ''}|${g.currency}`;
        const r = rows.get(key) ?? {
          itemId: g.item_id,
          name: null,
          currency: g.currency,
          lines: 0,
          quantity: '0',
          micro: 0n,
          net: 0,
          netInOrgCurrency: 0,
        };
        r.lines += Number(g.lines);
        // PostgreSQL sums bigint as numeric (a string): kept exact as a BigInt.
        r.micro += BigInt(String(g.quantity_micro));
        r.net += Number(g.net);
        r.netInOrgCurrency += inOrg(Number(g.net), g.currency, g.exchange_rate);
        rows.set(key, r);
      }
      const names = await catalog.itemNamesByIds(
        orgId,
        [...rows.values()].flatMap((r) => (r.itemId ? [r.itemId] : [])),
      );
      return {
        from,
        to,
        basis,
        currency,
        rows: [...rows.values()]
          .map(({ micro, ...r }) => ({
            ...r,
            name: r.itemId ? (names.get(r.itemId) ?? null) : null,
            quantity: microToDecimal(micro),
          }))
          // Named items by revenue, the free-text lines ("Other items") last.
          .sort(
            (a, b) =>
              Number(a.itemId === null) - Number(b.itemId === null) ||
              b.netInOrgCurrency - a.netInOrgCurrency ||
              (a.name ?? '').localeCompare(b.name ?? '') ||
              a.currency.localeCompare(b.currency),
          ),
        pending,
      };
    },
  };
}

export type LedgerService = ReturnType<typeof createLedgerService>;
