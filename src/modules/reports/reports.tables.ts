// The reports module's tables (column conventions: src/platform/db/schema.ts; migration 0022). They
// join the database type DB by declaration merging, so platform/db never imports a module.
import type { Money } from '../../platform/db/schema.ts';

/** One row per issued invoice or credit note and (VAT category, rate); credit notes negative. */
export interface VatLedgerTable {
  org_id: string;
  document_id: string;
  kind: 'invoice' | 'credit_note';
  issue_date: string;
  /** BT-72 supply date, else the end of the invoicing period (BT-74), else null. */
  supply_date: string | null;
  currency: string;
  exchange_rate: string;
  /** UNCL5305: S, Z, E, AE, K, G, O, L, M */
  category: string;
  rate_bp: number;
  taxable: Money;
  tax: Money;
}

/** One row per issued invoice or credit note and catalogue item (null: free-text lines). */
export interface ItemLedgerTable {
  org_id: string;
  document_id: string;
  kind: 'invoice' | 'credit_note';
  issue_date: string;
  supply_date: string | null;
  currency: string;
  exchange_rate: string;
  item_id: string | null;
  line_count: number;
  /** Σ quantity × 10^6 (quantities have up to 6 decimals). */
  quantity_micro: number;
  /** Net revenue: the lines' share of the taxable amounts, after the document discount. */
  net: Money;
}

/** Documents issued before the ledger existed, waiting for the worker to add them (migration 0022). */
export interface LedgerBackfillTable {
  org_id: string;
  document_id: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    vat_ledger: VatLedgerTable;
    item_ledger: ItemLedgerTable;
    ledger_backfill: LedgerBackfillTable;
  }
}
