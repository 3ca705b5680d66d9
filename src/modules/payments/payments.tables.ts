// The payments module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.
import type { Money } from '../../platform/db/schema.ts';

export interface PaymentsTable {
  id: string;
  org_id: string;
  document_id: string;
  client_id: string;
  kind: 'payment' | 'refund';
  amount: Money;
  applied_amount: Money;
  currency: string;
  method: string;
  reference_enc: string | null;
  received_on: string;
  provider: string | null;
  provider_ref: string | null;
  created_by: string | null;
  created_at: string;
  fee: Money | null; // provider fee, in fee_currency (the provider's settlement currency)
  fee_currency: string | null;
  checkout_id: string | null;
  related_payment_id: string | null; // for a refund: the payment it reverses
  receipt_file_id: string | null;
}

export interface ClientCreditsTable {
  id: string;
  org_id: string;
  client_id: string;
  amount: Money; // positive: credit gained; negative: credit used or refunded
  currency: string;
  source: string;
  source_id: string;
  created_at: string;
}

export interface PaymentAccountsTable {
  id: string;
  org_id: string;
  provider: string;
  enabled: number;
  mode: 'test' | 'live';
  options: string; // JSON, no secrets (publishable key, embedded option)
  secrets_enc: string; // API keys and webhook secrets, sealed under the org field key
  secrets_hint: string; // e.g. "sk_test_…4242", to recognise a key without revealing it
  created_at: string;
  updated_at: string;
}

export interface PaymentSettingsTable {
  org_id: string;
  bank_transfer: number;
  updated_at: string;
}

export interface PayLinksTable {
  id: string;
  org_id: string;
  document_id: string;
  token_hash: string; // SHA-256 of the 256-bit link token; the token itself is never stored
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  created_by: string | null;
  created_at: string;
}

export interface CheckoutsTable {
  id: string;
  org_id: string;
  document_id: string;
  account_id: string;
  provider: string;
  provider_ref: string | null;
  amount: Money;
  currency: string;
  /** off_session: a charge Sealbill made with a saved method (a recurring invoice), no payer present. */
  channel: 'portal' | 'pay_link' | 'off_session';
  pay_link_id: string | null;
  status: 'open' | 'completed' | 'expired' | 'failed';
  created_at: string;
  updated_at: string;
  /** 1: the payer asked to save the method for the organization's future invoices. */
  save_method: number;
  /** Who asked to save it: 'portal_contact:<id>' or 'pay_link:<id>'. */
  consent_by: string | null;
  /** The consent an off-session charge used. */
  consent_id: string | null;
}

/**
 * A client's authorisation to charge a saved payment method (a card on file, a SEPA mandate)
 * without them present. method_enc seals { customerRef, paymentMethodRef, label } (AAD: table,
 * row, column); nothing else here names the method.
 */
export interface PaymentConsentsTable {
  id: string;
  org_id: string;
  client_id: string;
  account_id: string;
  provider: string;
  kind: 'card' | 'sepa_debit';
  method_enc: string;
  /** The checkout at which the payer saved it (one consent per checkout). */
  checkout_id: string;
  /** 'portal_contact:<id>' or 'pay_link:<id>' */
  authorised_by: string;
  authorised_at: string;
  revoked_at: string | null;
  /** the audit actor: 'user:<id>', 'token:<id>', 'portal:<contact id>' */
  revoked_by: string | null;
  created_at: string;
}

export interface WebhookEventsTable {
  id: string;
  account_id: string;
  org_id: string;
  provider: string;
  event_id: string;
  type: string;
  delivery_sha256: string; // of the signature header: the same delivery presented twice is a replay
  outcome: string; // applied | duplicate | deferred | ignored | flagged
  payment_ref: string | null;
  object_ref: string | null;
  amount: Money | null;
  currency: string | null;
  normalized: string | null; // JSON of the whitelisted fields, kept only while deferred
  received_at: string;
  processed_at: string | null;
}

export interface PaymentDisputesTable {
  id: string;
  org_id: string;
  document_id: string;
  payment_id: string;
  provider: string;
  provider_ref: string;
  amount: Money;
  currency: string;
  reason: string;
  status: 'open' | 'won' | 'lost' | 'accepted';
  created_at: string;
  updated_at: string;
}

export interface ReconciliationFlagsTable {
  id: string;
  org_id: string;
  provider: string;
  provider_ref: string;
  kind: string;
  detail: string; // JSON: amounts, statuses and references only
  created_at: string;
  resolved_at: string | null;
}

export interface PaymentAttachmentsTable {
  id: string;
  org_id: string;
  payment_id: string;
  file_id: string;
  filename_enc: string;
  created_by: string | null;
  created_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    payments: PaymentsTable;
    client_credits: ClientCreditsTable;
    payment_accounts: PaymentAccountsTable;
    payment_settings: PaymentSettingsTable;
    pay_links: PayLinksTable;
    checkouts: CheckoutsTable;
    webhook_events: WebhookEventsTable;
    payment_disputes: PaymentDisputesTable;
    reconciliation_flags: ReconciliationFlagsTable;
    payment_attachments: PaymentAttachmentsTable;
    payment_consents: PaymentConsentsTable;
  }
}
