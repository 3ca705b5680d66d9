// THE registry of encrypted columns. `sealbill keys rotate-org` re-encrypts exactly what is listed
// here, the raw-dump test proves these columns hold no plaintext, and a test scans the migrations
// and fails if a column named `*_enc` is missing from this list.
//
// EVERY NEW ENCRYPTED COLUMN MUST BE REGISTERED HERE (append an entry; keep the AAD the module uses
// for it: table = `table`, row = the value of `idColumn`, column = `column`). A column that is not
// registered keeps referencing the old data key after a rotation, so the old key can never be
// retired (rotation refuses to retire a key that is still referenced).

export interface BlindIndexSpec {
  /** Column holding the keyed blind index (HMAC) recomputed under the new key. */
  column: string;
  /** The context string the owning module passes to OrgCrypto.blindIndex. */
  context: string;
  /** Derives the normalized value to index from the decrypted plaintext; null clears the index. */
  from(plaintext: string): string | null;
}

export interface EncryptedColumn {
  table: string;
  /** Column whose value is the AAD row (unique within the org). */
  idColumn: string;
  column: string;
  /** text: "v1.<keyId>.<base64url>" (encryptText/encryptJson); bytes: SB1 blobs (encryptBytes). */
  kind: 'text' | 'bytes';
  /** Column naming the owning organization (default org_id). */
  orgColumn?: string;
  blindIndexes?: BlindIndexSpec[];
}

const emailOf = (plaintext: string): string | null => {
  const email = (JSON.parse(plaintext) as { email?: unknown }).email;
  return typeof email === 'string' && email.length > 0 ? email.trim().toLowerCase() : null;
};

export const ENCRYPTED_COLUMNS: EncryptedColumn[] = [
  { table: 'orgs', idColumn: 'id', column: 'profile_enc', kind: 'text', orgColumn: 'id' },
  { table: 'orgs', idColumn: 'id', column: 'payout_enc', kind: 'text', orgColumn: 'id' },
  {
    table: 'clients',
    idColumn: 'id',
    column: 'pii_enc',
    kind: 'text',
    blindIndexes: [{ column: 'email_bidx', context: 'email', from: emailOf }],
  },
  {
    table: 'client_contacts',
    idColumn: 'id',
    column: 'pii_enc',
    kind: 'text',
    blindIndexes: [{ column: 'email_bidx', context: 'email', from: emailOf }],
  },
  // The look-alike domain index (clients module): its blind indexes are rebuilt before retirement.
  { table: 'client_domains', idColumn: 'id', column: 'domain_enc', kind: 'text' },
  { table: 'documents', idColumn: 'id', column: 'body_enc', kind: 'text' },
  { table: 'payments', idColumn: 'id', column: 'reference_enc', kind: 'text' },
  { table: 'recurring_schedules', idColumn: 'id', column: 'template_enc', kind: 'text' },
  // Staff notifications name clients and documents.
  { table: 'notifications', idColumn: 'id', column: 'content_enc', kind: 'text' },
  { table: 'stored_files', idColumn: 'id', column: 'content_enc', kind: 'bytes' },
  // Replayed API responses carry client names and document lines.
  { table: 'idempotency_keys', idColumn: 'key', column: 'response_body', kind: 'text' },
  // TOTP secrets are sealed under the key of the org the user enrolled in (identity).
  { table: 'user_totp', idColumn: 'user_id', column: 'secret_enc', kind: 'text', orgColumn: 'key_org_id' },
  // Portal contacts' TOTP secrets, sealed under their org's key (portal module).
  { table: 'portal_totp', idColumn: 'contact_id', column: 'secret_enc', kind: 'text' },
  // Secure delivery: org delivery keys (row = purpose), client public keys, recipients, evidence.
  { table: 'delivery_keys', idColumn: 'purpose', column: 'private_key_enc', kind: 'text' },
  { table: 'client_keys', idColumn: 'client_id', column: 'keys_enc', kind: 'text' },
  { table: 'deliveries', idColumn: 'id', column: 'recipient_enc', kind: 'text' },
  { table: 'delivery_events', idColumn: 'id', column: 'payload_enc', kind: 'text' },
  // Verifiable invoices: signing keys, the signed payload of each document, pending payout changes.
  { table: 'signing_identities', idColumn: 'id', column: 'private_key_enc', kind: 'text' },
  { table: 'document_signing_keys', idColumn: 'id', column: 'private_key_enc', kind: 'text' },
  { table: 'document_signatures', idColumn: 'document_id', column: 'payload_enc', kind: 'text' },
  { table: 'payout_changes', idColumn: 'id', column: 'payout_enc', kind: 'text' },
  // Online payments: provider API keys and webhook secrets; file names of payment attachments.
  { table: 'payment_accounts', idColumn: 'id', column: 'secrets_enc', kind: 'text' },
  { table: 'payment_attachments', idColumn: 'id', column: 'filename_enc', kind: 'text' },
  // A client's saved payment method: the provider's customer and method refs and its label.
  { table: 'payment_consents', idColumn: 'id', column: 'method_enc', kind: 'text' },
];

export function encryptedColumnsOf(table: string): EncryptedColumn[] {
  return ENCRYPTED_COLUMNS.filter((c) => c.table === table);
}
