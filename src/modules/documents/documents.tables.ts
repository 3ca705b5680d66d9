// The documents module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.
import type { Money } from '../../platform/db/schema.ts';

export type DocumentKind = 'invoice' | 'quote' | 'credit_note';

export interface DocumentsTable {
  id: string;
  org_id: string;
  kind: DocumentKind;
  status: string;
  number: string | null;
  client_id: string;
  currency: string;
  exchange_rate: string; // decimal text: 1 unit of document currency in org currency
  /** Where a defaulted rate came from (the rate table's source: manual, ecb, provider); null: typed by a person or '1'. */
  exchange_rate_source: string | null;
  /** The date of the rate-table row a defaulted rate was taken from; null when typed. */
  exchange_rate_date: string | null;
  issue_date: string | null;
  due_date: string | null;
  body_enc: string; // lines, notes, terms, discount, and at issue the frozen client/org snapshot
  subtotal: Money;
  discount_total: Money;
  tax_total: Money;
  total: Money;
  amount_paid: Money;
  amount_credited: Money;
  related_document_id: string | null;
  recurring_schedule_id: string | null;
  recurring_period: string | null;
  pdf_file_id: string | null;
  issued_at: string | null;
  sent_at: string | null;
  voided_at: string | null;
  /** Set when the document was imported from another program (migration 0027): never signed by Sealbill. */
  imported_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NumberSequencesTable {
  org_id: string;
  kind: string;
  period: string;
  next_value: number;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    documents: DocumentsTable;
    number_sequences: NumberSequencesTable;
  }
}

/** Invoices that still expect money: payable, remindable, counted as outstanding. */
export const OPEN_INVOICE_STATUSES: readonly string[] = ['issued', 'sent', 'partially_paid'];
/** The same as a set, for checks on a single invoice. */
export const OPEN_INVOICE_STATUS_SET: ReadonlySet<string> = new Set(OPEN_INVOICE_STATUSES);
