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
  /** pending: announced by a rotation (decrypts, never encrypts); retired: destroyed, nothing references it */
  status: 'pending' | 'active' | 'retiring' | 'retired';
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
  email_verified_at: string | null;
  password_changed_at: string | null;
  last_login_at: string | null;
  last_org_id: string | null;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  /** a built-in role (rbac.ts) or `custom:<slug>` (org_roles) */
  role: string;
  created_at: string;
  deactivated_at: string | null;
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
  /** The member whose invoice:issue permission an automatic issue relies on (checked at each run). */
  issuer_user_id: string | null;
  /** Why automatic issuing is held (runs create drafts), e.g. 'issuer_lacks_invoice_issue'; null when it is not. */
  issue_hold: string | null;
  issue_hold_since: string | null;
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
  /** A job done is deleted; 'dead': out of attempts, kept for an administrator (`sealbill jobs dead`). 'done' and 'failed' are never written. */
  status: 'pending' | 'running' | 'done' | 'failed' | 'dead';
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
  /** space-separated authentication methods of this session (pwd, totp, recovery, passkey) */
  amr: string;
}

export interface SigningIdentitiesTable {
  id: string;
  org_id: string;
  key_id: string;
  source: 'generated' | 'imported';
  certificate_pem: string;
  chain_pem: string; // JSON array of PEM certificates (issuer chain, leaf excluded)
  private_key_enc: string; // PKCS#8 PEM, sealed under the org field key
  fingerprint_sha256: string;
  not_after: string;
  active_slot: number | null; // 1 while active, NULL once retired (one active per org)
  created_at: string;
  retired_at: string | null;
}

export interface DocumentSigningKeysTable {
  id: string;
  org_id: string;
  key_id: string;
  algorithm: 'Ed25519';
  public_key: string; // base64url of the raw 32-byte key
  private_key_enc: string;
  active_slot: number | null;
  created_at: string;
  retired_at: string | null;
}

export interface DocumentSignaturesTable {
  org_id: string;
  document_id: string;
  kind: DocumentKind;
  number: string;
  key_id: string;
  payload_enc: string; // the canonical JSON that was signed (holds bank details: sealed)
  payload_sha256: string;
  signature: string; // base64url
  fingerprint: string;
  token_hash: string; // SHA-256 of the QR verification token
  pdf_sha256: string | null;
  timestamp_token: string | null; // RFC 3161 TimeStampToken, base64 DER
  created_at: string;
}

export interface PayoutChangesTable {
  id: string;
  org_id: string;
  status: 'pending' | 'applied' | 'cancelled';
  payout_enc: string;
  ending: string; // last 4 characters, for announcements
  requested_by: string;
  requested_at: string;
  effective_at: string;
  approval_required: number;
  approved_by: string | null;
  approved_at: string | null;
  cancelled_by: string | null;
  cancelled_at: string | null;
  applied_at: string | null;
}

export interface PayoutPoliciesTable {
  org_id: string;
  cooling_off_hours: number;
  require_second_approval: number;
  /** A weakened policy applies only after the stricter one it replaced has run its own cooling-off. */
  previous_cooling_off_hours: number | null;
  previous_require_second_approval: number | null;
  strict_until: string | null;
  updated_at: string;
}

export interface KeyRotationsTable {
  id: string;
  org_id: string;
  from_key_ids: string; // JSON array of the org key ids being replaced
  to_key_id: string;
  /** announced: new key pending; reencrypting: new key active, data moving; done: old keys retired */
  phase: 'announced' | 'reencrypting' | 'done';
  progress: string; // JSON cursor of the first pass: { column, after }
  reencrypted: number;
  started_at: string;
  switched_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

export interface AuditCheckpointsTable {
  id: string;
  org_id: string;
  tree_size: number;
  root_hash: string; // base64 RFC 9162 Merkle tree hash
  key_hash: string; // hex of the signed-note key id
  note: string; // the C2SP signed checkpoint note, verbatim
  timestamp_token: string | null; // RFC 3161 TimeStampToken over the note, base64 DER
  created_at: string;
}

export interface AuditCheckpointKeysTable {
  org_id: string;
  key_hash: string;
  name: string;
  public_key: string; // base64 raw Ed25519
  vkey: string; // signed-note verifier key: <name>+<hash>+<base64(0x01‖key)>
  created_at: string;
}

/** A retired audit checkpoint key, vouched for by its successor (0011): signature over endorsementBody(). */
export interface AuditKeyEndorsementsTable {
  org_id: string;
  public_key: string; // base64 raw Ed25519, the endorsed (older) key
  endorser_public_key: string; // base64 raw Ed25519, the key that signed
  signature: string; // base64 Ed25519
  created_at: string;
}

export interface BackupRunsTable {
  id: string;
  slot: string; // unique: a scheduled slot is claimed by exactly one worker
  name: string;
  target: string;
  status: 'running' | 'done' | 'failed';
  size: number | null;
  sha256: string | null;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface DeliveryKeysTable {
  org_id: string;
  purpose: 'openpgp' | 'evidence';
  key_id: string; // OpenPGP fingerprint, or SHA-256 of the Ed25519 SubjectPublicKeyInfo
  public_key: string; // armored OpenPGP public key, or SPKI PEM
  private_key_enc: string; // sealed under the org field key
  created_at: string;
}

export interface ClientKeysTable {
  org_id: string;
  client_id: string;
  keys_enc: string; // JSON { openpgp: armored | null, smime: PEM | null } (personal data: sealed)
  updated_at: string;
}

export interface DeliveriesTable {
  id: string;
  org_id: string;
  document_id: string;
  document_kind: DocumentKind;
  client_id: string;
  contact_id: string | null;
  mode: string; // notice-only | portal-link | openpgp | smime | sealed-link | portal
  status: string; // submitted | relayed | saved_to_outbox | failed | bounced | accessed | acknowledged | revoked
  recipient_enc: string | null;
  document_sha256: string;
  message_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeliveryEventsTable {
  id: string;
  org_id: string;
  delivery_id: string;
  seq: number;
  type: string;
  at: string;
  payload_enc: string; // the canonical event JSON (holds emails and IPs: sealed)
  prev_hash: string;
  hash: string;
  signature: string; // base64url Ed25519 over the canonical event JSON
  key_id: string;
  timestamp_token: string | null; // RFC 3161 TimeStampToken over the hash, base64 DER
}

export interface PortalLinksTable {
  id: string;
  org_id: string;
  delivery_id: string;
  client_id: string;
  contact_id: string;
  document_id: string;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface SealedLinksTable {
  id: string;
  org_id: string;
  delivery_id: string;
  document_id: string;
  contact_id: string | null;
  ciphertext: Bytes; // nonce ‖ AES-256-GCM(ciphertext ‖ tag) under a key only the link holds
  filename: string;
  content_type: string;
  size: number;
  expires_at: string;
  max_downloads: number | null;
  downloads: number;
  code_required: number;
  revoked_at: string | null;
  created_at: string;
}

export interface OneTimeCodesTable {
  id: string;
  org_id: string;
  purpose: 'portal-login' | 'sealed-link';
  subject_id: string | null; // contact id (portal) or sealed link id; NULL when the email matched nobody
  throttle_key: string;
  /** the daily wrong-guess budget this code draws from (migration 0012; NULL on older rows: throttle_key) */
  quota_key: string | null;
  code_hash: string;
  magic_hash: string | null;
  attempts: number;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/** Conditional counters of one-time codes per key and window (migration 0012). */
export interface CodeQuotasTable {
  key: string;
  window_start: string;
  codes: number;
  failures: number;
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
  channel: 'portal' | 'pay_link';
  pay_link_id: string | null;
  status: 'open' | 'completed' | 'expired' | 'failed';
  created_at: string;
  updated_at: string;
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

// ── identity (migration 0003) ──────────────────────────────────────────────────────────────
export interface UserTotpTable {
  user_id: string;
  key_org_id: string; // the org whose data key seals secret_enc
  secret_enc: string;
  confirmed_at: string | null;
  last_step: number; // highest RFC 6238 time step accepted (replay guard)
  created_at: string;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string; // SHA-256 of a 80-bit random code
  used_at: string | null;
  created_at: string;
}

export interface PasskeysTable {
  id: string;
  user_id: string;
  credential_id: string; // base64url
  public_key: string; // base64url COSE key
  counter: number;
  transports: string; // JSON array
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: number;
  aaguid: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface WebauthnChallengesTable {
  id: string;
  challenge: string;
  /** staff ceremonies, or the client portal's own (portal-*): a challenge never crosses realms */
  purpose: 'register' | 'login' | 'mfa' | 'reauth' | 'portal-register' | 'portal-login' | 'portal-mfa' | 'portal-reauth';
  user_id: string | null;
  session_id: string | null;
  expires_at: string;
  created_at: string;
}

/** A portal contact's authenticator app (migration 0008). */
export interface PortalTotpTable {
  contact_id: string;
  org_id: string; // the contact's org, whose data key seals secret_enc
  secret_enc: string;
  confirmed_at: string | null;
  last_step: number; // highest RFC 6238 time step accepted (replay guard)
  created_at: string;
}

/** A portal contact's passkey (migration 0008). */
export interface PortalPasskeysTable {
  id: string;
  org_id: string;
  client_id: string;
  contact_id: string;
  credential_id: string; // base64url
  public_key: string; // base64url COSE key
  counter: number;
  transports: string; // JSON array
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: number;
  aaguid: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface AuthThrottleTable {
  key: string; // "acct:<sha256(email)>" or "ip:<address>"
  failures: number;
  last_failure_at: string;
  blocked_until: string | null;
  locked_at: string | null;
}

export interface EmailTokensTable {
  id: string;
  purpose: 'verify_email' | 'email_change' | 'password_reset' | 'unlock' | 'signup';
  token_hash: string;
  user_id: string | null;
  email: string | null;
  data: string | null; // JSON
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface InvitationsTable {
  id: string;
  org_id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string;
  expires_at: string;
  accepted_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface KnownDevicesTable {
  user_id: string;
  device_hash: string;
  first_seen_at: string;
  last_seen_at: string;
}

export interface OrgRolesTable {
  org_id: string;
  key: string; // custom:<slug>
  name: string;
  permissions: string; // JSON array of permissions
  created_at: string;
  updated_at: string;
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
  user_totp: UserTotpTable;
  recovery_codes: RecoveryCodesTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
  portal_totp: PortalTotpTable;
  portal_passkeys: PortalPasskeysTable;
  auth_throttle: AuthThrottleTable;
  email_tokens: EmailTokensTable;
  invitations: InvitationsTable;
  known_devices: KnownDevicesTable;
  org_roles: OrgRolesTable;
  key_rotations: KeyRotationsTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_checkpoint_keys: AuditCheckpointKeysTable;
  audit_key_endorsements: AuditKeyEndorsementsTable;
  backup_runs: BackupRunsTable;
  signing_identities: SigningIdentitiesTable;
  document_signing_keys: DocumentSigningKeysTable;
  document_signatures: DocumentSignaturesTable;
  payout_changes: PayoutChangesTable;
  payout_policies: PayoutPoliciesTable;
  delivery_keys: DeliveryKeysTable;
  client_keys: ClientKeysTable;
  deliveries: DeliveriesTable;
  delivery_events: DeliveryEventsTable;
  portal_links: PortalLinksTable;
  sealed_links: SealedLinksTable;
  one_time_codes: OneTimeCodesTable;
  code_quotas: CodeQuotasTable;
  payment_accounts: PaymentAccountsTable;
  payment_settings: PaymentSettingsTable;
  pay_links: PayLinksTable;
  checkouts: CheckoutsTable;
  webhook_events: WebhookEventsTable;
  payment_disputes: PaymentDisputesTable;
  reconciliation_flags: ReconciliationFlagsTable;
  payment_attachments: PaymentAttachmentsTable;
}
