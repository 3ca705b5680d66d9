// Recovery codes: ten single-use codes of 80 random bits each, shown once when generated and
// stored only as SHA-256 (a fast hash suits high-entropy secrets; argon2 is for passwords).
// Generating a new set invalidates the previous one.
import type { Clock } from '../../../platform/clock.ts';
import type { Executor } from '../../../platform/db/kysely.ts';
import { newId } from '../../../platform/ids.ts';
import {
  countUnusedRecoveryCodes,
  deleteRecoveryCodesOf,
  insertRecoveryCodes,
  useRecoveryCode,
} from './factors.repo.ts';
import { hashToken } from '../../../platform/crypto/tokens.ts';
import { randomBytes } from '../../../platform/crypto/random.ts';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'; // 32 symbols, no 0/o/1/l confusion

export const normalizeRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '');
const hashCode = (code: string): string => hashToken('recovery-code', normalizeRecoveryCode(code));

/** 16 symbols of 5 bits = 80 bits, grouped as xxxx-xxxx-xxxx-xxxx. */
export function generateRecoveryCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** Replaces the user's codes with a fresh set; returns the plaintext codes (shown once). */
export async function regenerateRecoveryCodesInTx(tx: Executor, clock: Clock, userId: string): Promise<string[]> {
  await deleteRecoveryCodesOf(tx, userId);
  const now = clock.now();
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
  await insertRecoveryCodes(
    tx,
    codes.map((c) => ({
      id: newId(now.getTime()),
      user_id: userId,
      code_hash: hashCode(c),
      used_at: null,
      created_at: now.toISOString(),
    })),
  );
  return codes;
}

/** Uses one code; false when unknown or already used. */
export async function consumeRecoveryCodeInTx(
  tx: Executor,
  clock: Clock,
  userId: string,
  code: string,
): Promise<boolean> {
  const normalized = normalizeRecoveryCode(code);
  if (!/^[a-z2-9]{16}$/.test(normalized)) return false;
  return useRecoveryCode(tx, userId, hashCode(normalized), clock.now().toISOString());
}

export const remainingRecoveryCodes = (db: Executor, userId: string): Promise<number> =>
  countUnusedRecoveryCodes(db, userId);

export const deleteRecoveryCodes = (tx: Executor, userId: string): Promise<void> => deleteRecoveryCodesOf(tx, userId);
