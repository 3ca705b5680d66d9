// The orgs module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.

export interface OrgsTable {
  id: string;
  name: string;
  default_currency: string;
  locale: string;
  time_zone: string;
  payment_terms_days: number;
  numbering: string; // JSON: { invoice, quote, credit_note } patterns
  profile_enc: string; // address, tax ids, contact email/phone
  payout_enc: string | null; // payee bank details
  payout_updated_at: string | null;
  security_policy: string; // JSON, owned by identity
  logo: string | null; // JSON: the logo's stored file and facts (org.schemas.ts storedLogoSchema); null: none
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    orgs: OrgsTable;
  }
}
