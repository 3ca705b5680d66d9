// Hashing and comparison: the one door to node:crypto's digests for the modules (STYLE: never hand-roll
// a primitive; import crypto through src/platform/crypto). Strings are hashed as UTF-8.
import { createHash, createHmac, timingSafeEqual, type BinaryLike, type Hash } from 'node:crypto';

/**
 * Algorithms a module may name. SHA-1 and MD5 are here only because a format fixes them: the WKD
 * local-part hash (draft-koch-openpgp-webkey-service), X.509 subject key ids (RFC 5280 §4.2.1.2) and
 * the PDF file identifier / object keys (ISO 32000). Never for anything that must resist collisions.
 */
export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512' | 'sha1' | 'md5';

/** SHA-256 of `data` (strings as UTF-8), as bytes. */
export const sha256 = (data: BinaryLike): Buffer => createHash('sha256').update(data).digest();

/** SHA-256 of `data` (strings as UTF-8), as lowercase hex: the form stored in the database. */
export const sha256Hex = (data: BinaryLike): string => createHash('sha256').update(data).digest('hex');

/** One-shot digest with a named algorithm (see HashAlgorithm for when SHA-1/MD5 are allowed). */
export const digest = (algorithm: HashAlgorithm, data: BinaryLike): Buffer =>
  createHash(algorithm).update(data).digest();

/** An incremental hasher, for data that arrives in parts (streams, byte ranges, lines). */
export const hasher = (algorithm: HashAlgorithm): Hash => createHash(algorithm);

/** HMAC-SHA-256 (RFC 2104) of `data` under `key`, as bytes. */
export const hmacSha256 = (key: BinaryLike, data: BinaryLike): Buffer =>
  createHmac('sha256', key).update(data).digest();

/** Constant-time equality of two byte strings; unequal lengths are simply unequal. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time equality of two secrets of any length: compares their SHA-256 digests. */
export const sameSecret = (a: string, b: string): boolean => timingSafeEqual(sha256(a), sha256(b));
