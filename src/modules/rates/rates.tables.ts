// The rates module's table (migration 0024; column conventions: src/platform/db/schema.ts). It
// joins the database type DB by declaration merging, so platform/db never imports a module.

export type RateSource = 'manual' | 'ecb' | 'provider';

/** Units of base_currency (the organization's currency) per 1 unit of `currency` on rate_date. */
export interface ExchangeRatesTable {
  id: string;
  org_id: string;
  base_currency: string;
  currency: string;
  rate_date: string;
  /** Decimal text, at most 9 integer digits and 10 decimals (the documents' exchange-rate precision). */
  rate: string;
  source: RateSource;
  /** The figure as its source published it, e.g. "1 EUR = 1.0823 USD" (null for manual rates). */
  quoted: string | null;
  created_at: string;
  created_by: string | null;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    exchange_rates: ExchangeRatesTable;
  }
}
