// The verification module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.
import type { DocumentKind } from '../documents/documents.tables.ts';

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

declare module '../../platform/db/schema.ts' {
  interface DB {
    signing_identities: SigningIdentitiesTable;
    document_signing_keys: DocumentSigningKeysTable;
    document_signatures: DocumentSignaturesTable;
    payout_changes: PayoutChangesTable;
    payout_policies: PayoutPoliciesTable;
  }
}
