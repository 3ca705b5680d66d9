// Kysely table types. Conventions, identical on SQLite and PostgreSQL:
// ids are text (UUIDv7, time-ordered); timestamps are ISO-8601 UTC text; calendar dates are
// 'YYYY-MM-DD' text; booleans are integer 0/1; money is integer minor units (bigint on PostgreSQL);
// encrypted columns hold versioned ciphertext text ("v1.<keyId>.<base64url>") or bytes.
import type { Generated } from 'kysely';

type Bytes = Buffer;
type Money = number;

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
  created_at: string;
  updated_at: string;
}

export interface OrgKeysTable {
  id: string;
  org_id: string;
  version: number;
  wrapped_dek: string;
  kek_id: string;
  status: 'active' | 'retiring' | 'retired';
  created_at: string;
}

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  status: 'active' | 'deactivated';
  created_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: string;
  created_at: string;
}

export interface ApiTokensTable {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string; // JSON array of permissions
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface ClientsTable {
  id: string;
  org_id: string;
  pii_enc: string; // name, email, billing address, tax id, notes
  email_bidx: string | null; // keyed blind index of the normalized email
  currency: string;
  language: string;
  delivery_mode: string;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ClientContactsTable {
  id: string;
  org_id: string;
  client_id: string;
  pii_enc: string; // name, email, phone
  email_bidx: string | null;
  is_primary: number;
  created_at: string;
}

export interface TaxRatesTable {
  id: string;
  org_id: string;
  name: string;
  rate_bp: number; // basis points: 2000 = 20 %
  inclusive: number;
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
  created_at: string;
  updated_at: string;
}

export interface NumberSequencesTable {
  org_id: string;
  kind: string;
  period: string;
  next_value: number;
}

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

export interface RecurringSchedulesTable {
  id: string;
  org_id: string;
  client_id: string;
  currency: string;
  template_enc: string;
  frequency: 'weekly' | 'monthly' | 'quarterly' | 'yearly';
  interval_count: number;
  start_on: string;
  next_run_on: string;
  end_on: string | null;
  auto_issue: number;
  status: 'active' | 'paused' | 'ended';
  created_at: string;
  updated_at: string;
}

export interface StoredFilesTable {
  id: string;
  org_id: string;
  purpose: string;
  content_type: string;
  size: number;
  sha256: string; // of the plaintext
  content_enc: Bytes;
  created_at: string;
}

export interface IdempotencyKeysTable {
  org_id: string;
  key: string;
  principal: string;
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: string;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  unique_key: string | null;
  run_at: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: number;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditEventsTable {
  id: Generated<number>;
  org_id: string;
  seq: number;
  at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  summary: string; // JSON, redacted
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  realm: 'staff' | 'portal';
  org_id: string | null;
  user_id: string | null;
  client_id: string | null;
  contact_id: string | null;
  /** 'full'; or a partial session that may only finish signing in: 'mfa' (second factor due), 'enrol' (must enrol a factor) */
  level: 'full' | 'mfa' | 'enrol';
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  authenticated_at: string;
  ip: string | null;
  user_agent: string | null;
  revoked_at: string | null;
}

export interface DB {
  orgs: OrgsTable;
  org_keys: OrgKeysTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_tokens: ApiTokensTable;
  clients: ClientsTable;
  client_contacts: ClientContactsTable;
  tax_rates: TaxRatesTable;
  items: ItemsTable;
  documents: DocumentsTable;
  number_sequences: NumberSequencesTable;
  payments: PaymentsTable;
  client_credits: ClientCreditsTable;
  recurring_schedules: RecurringSchedulesTable;
  stored_files: StoredFilesTable;
  idempotency_keys: IdempotencyKeysTable;
  jobs: JobsTable;
  audit_events: AuditEventsTable;
  sessions: SessionsTable;
}
