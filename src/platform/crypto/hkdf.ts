// One key per purpose (STYLE habit 6): subkeys are derived from a data-encryption key with
// HKDF-SHA-256 (RFC 5869) using a distinct, versioned info string for each purpose.
import { hkdfSync } from 'node:crypto';

export const KEY_PURPOSES = ['field', 'document', 'blind-index', 'signing-seed', 'token', 'job'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

export function deriveKey(ikm: Buffer, purpose: KeyPurpose, context = ''): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), `sealbill/v1/${purpose}/${context}`, 32));
}
