// The reports' ledger tables (migration 0022): written with each issued invoice or credit note,
// summed by the VAT and revenue-by-item reports. Sums are grouped by currency and exchange rate, so
// the service converts each group exactly once (like reports.repo.ts), and never read a body.
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/kysely.ts';
import type { ItemLedgerTable, VatLedgerTable } from './reports.tables.ts';

export type DateBasis = 'issue' | 'supply';
const day = (basis: DateBasis) =>
  basis === 'supply' ? sql<string>`coalesce(supply_date, issue_date)` : sql<string>`issue_date`;
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

/** Queued documents (of any org) issued before the ledger existed (migration 0022), for the backfill. */
export function listBackfillQueue(
  ex: Executor,
  limit: number,
): Promise<Array<{ id: string; org_id: string; kind: 'invoice' | 'credit_note' | 'quote' }>> {
  return ex
    .selectFrom('ledger_backfill as q')
    .innerJoin('documents as d', (j) => j.onRef('d.id', '=', 'q.document_id').onRef('d.org_id', '=', 'q.org_id'))
    .select(['d.id', 'd.org_id', 'd.kind'])
    .orderBy('q.document_id')
    .limit(limit)
    .execute();
}

export async function dequeueBackfill(ex: Executor, orgId: string, documentId: string): Promise<void> {
  await ex.deleteFrom('ledger_backfill').where('org_id', '=', orgId).where('document_id', '=', documentId).execute();
}

/** How many of the org's documents the backfill has still to add (the reports say so). */
export async function countBackfillQueue(ex: Executor, orgId: string): Promise<number> {
  const r = await ex
    .selectFrom('ledger_backfill')
    .select(sql<number>`count(*)`.as('n'))
    .where('org_id', '=', orgId)
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
