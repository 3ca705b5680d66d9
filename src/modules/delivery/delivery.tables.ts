// The delivery module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.
import type { Bytes } from '../../platform/db/schema.ts';
import type { DocumentKind } from '../documents/documents.tables.ts';

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
  mode: string; // notice-only | portal-link | openpgp | smime | sealed-link | plain | portal
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

/** An organization's wording of one message kind in one language (migration 0017). */
export interface MessageTemplatesTable {
  org_id: string;
  kind: string;
  language: string;
  subject: string;
  body: string;
  updated_by: string;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    message_templates: MessageTemplatesTable;
    delivery_keys: DeliveryKeysTable;
    client_keys: ClientKeysTable;
    deliveries: DeliveriesTable;
    delivery_events: DeliveryEventsTable;
    portal_links: PortalLinksTable;
    sealed_links: SealedLinksTable;
    one_time_codes: OneTimeCodesTable;
    code_quotas: CodeQuotasTable;
  }
}
