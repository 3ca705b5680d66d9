// The catalog module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.
import type { Money } from '../../platform/db/schema.ts';

export interface TaxRatesTable {
  id: string;
  org_id: string;
  name: string;
  rate_bp: number; // basis points: 2000 = 20 %
  inclusive: number;
  /** UNCL5305 VAT category (migration 0013): S, Z, E, AE, K, G, O, L, M */
  vat_category: string;
  exemption_reason: string | null;
  exemption_code: string | null;
  archived_at: string | null;
  created_at: string;
}

export interface ItemsTable {
  id: string;
  org_id: string;
  name: string;
  description: string;
  unit: string;
  unit_price: Money;
  currency: string;
  tax_rate_id: string | null;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    tax_rates: TaxRatesTable;
    items: ItemsTable;
  }
}
