// AES-256-GCM with a fresh random 96-bit nonce per message (NIST SP 800-38D §8.2.2) and
// associated data that binds the ciphertext to where it is stored (table, row id, column), so a
// ciphertext copied to another row or column fails authentication instead of decrypting.
//
// Keys are passed as KeyObjects where they are reused: OpenSSL 3 re-imports a raw key on every
// cipher creation, which costs ~10× the AES-GCM work for a field-sized message.
import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

/** Returns nonce ‖ ciphertext ‖ tag. */
export function seal(key: KeyObject | Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function open(key: KeyObject | Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new DecryptionError('ciphertext too short');
  const nonce = sealed.subarray(0, NONCE_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DecryptionError('ciphertext failed authentication (tampered, moved, or wrong key)');
  }
}
