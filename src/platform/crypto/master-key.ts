// Loads the master key-encryption key (KEK). Production supplies it (environment variable or a
// file from a secret store). On a first start without one, a random key is generated into the
// data directory with mode 0600 and a loud warning: convenient for trying Sealbill, not for
// production (whoever can read ./data can then read the key next to the data it protects).
// A key is never generated for a database that already holds data: a new key could not open it.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/env.ts';
import { deriveKey } from './hkdf.ts';

export interface MasterKey {
  id: string;
  key: Buffer;
}

export class MasterKeyError extends Error {
  override name = 'MasterKeyError';
}

export function decodeMasterKey(text: string, source: string): MasterKey {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, /^[0-9a-fA-F]{64}$/.test(trimmed) ? 'hex' : 'base64');
  if (key.length !== 32)
    throw new MasterKeyError(`${source}: the master key must be 32 bytes (base64 or hex), got ${key.length}`);
  return { id: masterKeyId(key), key };
}

/** A public, non-secret identifier of a KEK: the first 8 bytes of SHA-256 over an HKDF output. */
export function masterKeyId(key: Buffer): string {
  return (
    'k' +
    createHash('sha256')
      .update(deriveKey(key, 'token', 'kek-id'))
      .digest('hex')
      .slice(0, 16)
  );
}

export function generateMasterKeyText(): string {
  return randomBytes(32).toString('base64');
}

export interface LoadMasterKeyOptions {
  /** Master key ids wrapping the database's live data keys (storedMasterKeyIds); empty on a new instance. */
  existingKekIds?: readonly string[];
}

export function loadMasterKey(
  config: Pick<Config, 'masterKey'>,
  warn: (msg: string) => void,
  opts: LoadMasterKeyOptions = {},
): MasterKey {
  const mk = config.masterKey;
  if (mk.source === 'env') return decodeMasterKey(mk.value, 'SEALBILL_MASTER_KEY');
  if (mk.source === 'file') {
    if (!existsSync(mk.path)) throw new MasterKeyError(`SEALBILL_MASTER_KEY_FILE: ${mk.path} does not exist`);
    return decodeMasterKey(readFileSync(mk.path, 'utf8'), 'SEALBILL_MASTER_KEY_FILE');
  }
  const existing = opts.existingKekIds ?? [];
  if (!existsSync(mk.path) && existing.length > 0) {
    throw new MasterKeyError(
      `No master key is configured and ${mk.path} does not exist, but this database already holds data encrypted under master key ${existing.join(', ')}. ` +
        `Refusing to generate a new key, which could not open it: set SEALBILL_MASTER_KEY_FILE to the key whose id is ${existing[0]}.`,
    );
  }
  if (!existsSync(mk.path)) {
    mkdirSync(path.dirname(mk.path), { recursive: true, mode: 0o700 });
    writeFileSync(mk.path, generateMasterKeyText() + '\n', { mode: 0o600, flag: 'wx' });
    warn(
      `No master key configured: generated ${mk.path} (mode 0600). ` +
        'PRODUCTION MUST SUPPLY ITS OWN KEY (SEALBILL_MASTER_KEY or SEALBILL_MASTER_KEY_FILE) kept apart from the data and its backups.',
    );
  } else {
    warn(`Using the generated master key at ${mk.path}; production must supply its own (SEALBILL_MASTER_KEY_FILE).`);
  }
  return decodeMasterKey(readFileSync(mk.path, 'utf8'), mk.path);
}

/** Earlier master keys (one per line in the file, or comma-separated in the variable), for unwrapping only. */
export function loadPreviousMasterKeys(config: Pick<Config, 'previousMasterKeys'>): MasterKey[] {
  const p = config.previousMasterKeys;
  if (!p) return [];
  const source = p.source === 'env' ? 'SEALBILL_MASTER_KEY_PREVIOUS' : 'SEALBILL_MASTER_KEY_PREVIOUS_FILE';
  if (p.source === 'file' && !existsSync(p.path)) throw new MasterKeyError(`${source}: ${p.path} does not exist`);
  const text = p.source === 'env' ? p.value : readFileSync(p.path, 'utf8');
  return text
    .split(/[\n,]/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => decodeMasterKey(l, source));
}

/** Reads a key file written by `sealbill keys generate-master` (or openssl rand -base64 32). */
export function readMasterKeyFile(file: string): MasterKey {
  if (!existsSync(file)) throw new MasterKeyError(`${file} does not exist`);
  return decodeMasterKey(readFileSync(file, 'utf8').split('\n')[0] ?? '', file);
}
