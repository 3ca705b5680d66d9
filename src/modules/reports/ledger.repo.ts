// The reports' ledger tables (migration 0021): written with each issued invoice or credit note,
// summed by the VAT and revenue-by-item reports. Sums are grouped by currency and exchange rate, so
// the service converts each group exactly once (like reports.repo.ts), and never read a body.
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/kysely.ts';
import type { ItemLedgerTable, VatLedgerTable } from './reports.tables.ts';

export type DateBasis = 'issue' | 'supply';
const day = (basis: DateBasis) => (basis === 'supply' ? sql<string>`coalesce(supply_date, issue_date)` : sql<string>`issue_date`);
const sum = (e: ReturnType<typeof sql>) => sql<number>`coalesce(sum(${e}), 0)`;

/**
 * Replaces a document's ledger rows. The VAT rows go first: their primary key makes two writers of
 * one document (two worker processes backfilling it) conflict there, before any item row commits.
 */
export async function replaceLedger(
  ex: Executor,
  orgId: string,
  documentId: string,
  vat: VatLedgerTable[],
  items: ItemLedgerTable[],
): Promise<void> {
  await ex.deleteFrom('vat_ledger').where('org_id', '=', orgId).where('document_id', '=', documentId).execute();
  await ex.deleteFrom('item_ledger').where('org_id', '=', orgId).where('document_id', '=', documentId).execute();
  if (vat.length > 0) await ex.insertInto('vat_ledger').values(vat).execute();
  if (items.length > 0) await ex.insertInto('item_ledger').values(items).execute();
}

// Every issued invoice and credit note has at least one VAT row (a document has lines, each line a
// tax group), so "no VAT row" means "issued before the ledger existed".
function unledgered(ex: Executor) {
  return ex
    .selectFrom('documents as d')
    .where('d.kind', 'in', ['invoice', 'credit_note'])
    .where('d.status', '!=', 'draft')
    .where('d.issue_date', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('vat_ledger as v')
            .select('v.document_id')
            .whereRef('v.org_id', '=', 'd.org_id')
            .whereRef('v.document_id', '=', 'd.id'),
        ),
      ),
    );
}

/** Issued documents (of any org) without ledger rows, for the backfill. */
export function listUnledgeredDocuments(
  ex: Executor,
  limit: number,
): Promise<Array<{ id: string; org_id: string; kind: 'invoice' | 'credit_note' | 'quote' }>> {
  return unledgered(ex).select(['d.id', 'd.org_id', 'd.kind']).orderBy('d.id').limit(limit).execute();
}

/** How many of the org's issued documents the backfill has still to add (the reports say so). */
export async function countUnledgered(ex: Executor, orgId: string): Promise<number> {
  const r = await unledgered(ex)
    .where('d.org_id', '=', orgId)
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Taxable amount and tax per currency, rate group, VAT category and rate, for days in [from, to]. */
export function vatTotals(ex: Executor, orgId: string, from: string, to: string, basis: DateBasis) {
  return ex
    .selectFrom('vat_ledger')
    .select([
      'currency',
      'exchange_rate',
      'category',
      'rate_bp',
      sum(sql`taxable`).as('taxable'),
      sum(sql`tax`).as('tax'),
      sum(sql`case when kind = 'invoice' then 1 else 0 end`).as('invoice_rows'),
      sum(sql`case when kind = 'credit_note' then 1 else 0 end`).as('credit_note_rows'),
    ])
    .where('org_id', '=', orgId)
    .where(day(basis), '>=', from)
    .where(day(basis), '<=', to)
    .groupBy(['currency', 'exchange_rate', 'category', 'rate_bp'])
    .execute();
}

/** Net revenue and quantity per currency, rate group and catalogue item, for days in [from, to]. */
export function itemTotals(ex: Executor, orgId: string, from: string, to: string, basis: DateBasis) {
  return ex
    .selectFrom('item_ledger')
    .select([
      'currency',
      'exchange_rate',
      'item_id',
      sum(sql`net`).as('net'),
      sum(sql`quantity_micro`).as('quantity_micro'),
      sum(sql`line_count`).as('lines'),
    ])
    .where('org_id', '=', orgId)
    .where(day(basis), '>=', from)
    .where(day(basis), '<=', to)
    .groupBy(['currency', 'exchange_rate', 'item_id'])
    .execute();
}
