// Password hashing with argon2id at OWASP's recommended minimum (m = 19 MiB, t = 2, p = 1).
// @node-rs/argon2 hashes on libuv's thread pool, so the event loop is never blocked. Stored
// hashes carry their parameters (PHC string); a hash made with weaker parameters is upgraded
// transparently at the next successful sign-in.
import { hash, verify } from '@node-rs/argon2';
import { normalizePassword } from './password-policy.ts';

export const ARGON2_PARAMS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), ARGON2_PARAMS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, normalizePassword(password));
  } catch {
    return false;
  }
}

/** True when a stored hash is not argon2id with at least the current parameters. */
export function needsRehash(stored: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!m) return true;
  return Number(m[1]) < ARGON2_PARAMS.memoryCost || Number(m[2]) < ARGON2_PARAMS.timeCost || Number(m[3]) !== ARGON2_PARAMS.parallelism;
}

let dummy: Promise<string> | null = null;
/**
 * Spends the same argon2 work as a real verification, for unknown accounts, so a sign-in attempt
 * takes the same time whether or not the email is registered (no enumeration by timing).
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('sealbill-dummy-password-for-timing-equalization');
  await verifyPassword(await dummy, password);
  return false;
}
