// The reports' ledger (issue #13, item 3): what the VAT report and the revenue-by-item report add
// up, written in the transaction that issues an invoice or credit note, so no report decrypts a
// document body. Amounts are in clear like the documents' own totals already are; no text of a line
// is stored (an item is named by its catalogue id, a free-text line by nothing: "Other items").
// Credit notes are stored negative. Documents issued before this migration are queued here in
// ledger_backfill (plain SQL: no key is needed to list them) and added by the worker
// (modules/reports/ledger.service.ts: backfill), which decrypts each of them once and takes it off
// the queue. So the reports know what is still missing from a tiny table, never by an anti-join
// over every document, and an empty queue costs nothing.
//
// vat_ledger:  one row per document and (VAT category, rate) — the EN 16931 VAT breakdown (BG-23).
// item_ledger: one row per document and catalogue item (item_id null: the free-text lines).
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('vat_ledger')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('issue_date', 'text', (c) => c.notNull())
    .addColumn('supply_date', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('exchange_rate', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('rate_bp', 'integer', (c) => c.notNull())
    .addColumn('taxable', 'bigint', (c) => c.notNull())
    .addColumn('tax', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('vat_ledger_pk', ['org_id', 'document_id', 'category', 'rate_bp'])
    .execute();
  await db.schema.createIndex('vat_ledger_issue').on('vat_ledger').columns(['org_id', 'issue_date']).execute();

  await db.schema
    .createTable('item_ledger')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('issue_date', 'text', (c) => c.notNull())
    .addColumn('supply_date', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('exchange_rate', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text')
    .addColumn('line_count', 'integer', (c) => c.notNull())
    .addColumn('quantity_micro', 'bigint', (c) => c.notNull())
    .addColumn('net', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('item_ledger_document').on('item_ledger').columns(['org_id', 'document_id']).execute();
  await db.schema.createIndex('item_ledger_issue').on('item_ledger').columns(['org_id', 'issue_date']).execute();

  await db.schema
    .createTable('ledger_backfill')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addPrimaryKeyConstraint('ledger_backfill_pk', ['org_id', 'document_id'])
    .execute();
  await queueLedgerBackfill(db);
}

/** Queues every issued invoice and credit note without ledger rows (exported for the backfill test). */
export async function queueLedgerBackfill(db: Kysely<unknown>): Promise<void> {
  await sql`insert into ledger_backfill (org_id, document_id)
    select d.org_id, d.id from documents d
    where d.kind in ('invoice', 'credit_note') and d.status <> 'draft' and d.issue_date is not null
      and not exists (select 1 from vat_ledger v where v.org_id = d.org_id and v.document_id = d.id)`.execute(db);
}
