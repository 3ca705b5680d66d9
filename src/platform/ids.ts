// Time-ordered identifiers (UUIDv7, RFC 9562 §5.7): 48-bit Unix milliseconds then 74 random bits,
// so keyset pagination by id follows creation order. Randomness comes from node:crypto.
import { randomBytes } from './crypto/random.ts';

export function newId(now: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
