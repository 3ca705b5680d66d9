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

declare module '../../platform/db/schema.ts' {
  interface DB {
    signing_identities: SigningIdentitiesTable;
    document_signing_keys: DocumentSigningKeysTable;
    document_signatures: DocumentSignaturesTable;
  }
}
