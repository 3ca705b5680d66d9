// Randomness from the operating system's CSPRNG, the only source the application uses.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

export { randomBytes, randomInt, randomUUID };

/** `bytes` random bytes as base64url (no padding): the form of every token we hand out. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** `bytes` random bytes as lowercase hex (MIME boundaries, Message-IDs, placeholders). */
export const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

/**
 * `bytes` random bytes that read as a positive, minimally encoded DER INTEGER (certificate serial
 * numbers, RFC 5280 §4.1.2.2; RFC 3161 nonces): the top bit clear (no sign byte needed) and the
 * first byte not zero (DER forbids a redundant leading zero; OpenSSL refuses it as "illegal
 * padding", which a plain random value hits about once in 256).
 */
export function randomPositiveInteger(bytes: number): Buffer {
  const value = randomBytes(bytes);
  value[0] = (value[0]! & 0x7f) | 0x40;
  return value;
}
