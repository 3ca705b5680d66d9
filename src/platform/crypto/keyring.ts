// Envelope encryption (docs/SECURITY.md, "Key hierarchy"):
//   master KEK (config) ──wraps──▶ per-organization DEK (org_keys, random 256-bit)
//   DEK ──HKDF──▶ one subkey per purpose: field, document, blind-index, signing-seed, token.
// Every ciphertext names the org key that made it ("v1.<keyId>.<data>"), so keys rotate while old
// data stays readable. AAD = "<table>|<rowId>|<column>" binds a ciphertext to its place.
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { DecryptionError, open, seal } from './aead.ts';
import { deriveKey, type KeyPurpose } from './hkdf.ts';
import type { MasterKey } from './master-key.ts';
import { findOrgKeys, insertOrgKey, type OrgKeyRow } from './keyring.repo.ts';
import type { Executor } from '../db/kysely.ts';
import { newId } from '../ids.ts';

export { DecryptionError };

/** Where a ciphertext lives; bound into the AEAD as associated data. */
export interface Aad {
  table: string;
  row: string;
  column: string;
}

const aadBytes = (a: Aad): Buffer => Buffer.from(`${a.table}|${a.row}|${a.column}`, 'utf8');
const TEXT_PREFIX = 'v1.';
const BYTES_MAGIC = Buffer.from('SB1');

/** Subkeys as KeyObjects, created once per key load and reused for every operation (cheap reads). */
interface DerivedKeys {
  keyId: string;
  field: KeyObject;
  document: KeyObject;
  blindIndex: KeyObject;
  signingSeed: Buffer;
  token: Buffer;
}

function derive(keyId: string, dek: Buffer): DerivedKeys {
  const k = (p: KeyPurpose) => deriveKey(dek, p);
  const obj = (p: KeyPurpose) => createSecretKey(k(p));
  return { keyId, field: obj('field'), document: obj('document'), blindIndex: obj('blind-index'), signingSeed: k('signing-seed'), token: k('token') };
}

/** The crypto an organization's data uses. Synchronous once loaded; keys stay in memory only. */
export class OrgCrypto {
  readonly orgId: string;
  private readonly byId: Map<string, DerivedKeys>;
  private readonly plainCache: PlaintextCache | null;
  private readonly active: DerivedKeys;

  constructor(orgId: string, keys: DerivedKeys[], activeKeyId: string, plainCache: PlaintextCache | null = null) {
    this.plainCache = plainCache;
    this.orgId = orgId;
    this.byId = new Map(keys.map((k) => [k.keyId, k]));
    const active = this.byId.get(activeKeyId);
    if (!active) throw new Error('active org key missing');
    this.active = active;
  }

  get activeKeyId(): string {
    return this.active.keyId;
  }

  private keysFor(keyId: string): DerivedKeys {
    const k = this.byId.get(keyId);
    if (!k) throw new DecryptionError(`unknown key id ${keyId}`);
    return k;
  }

  encryptText(plain: string, aad: Aad): string {
    const sealed = seal(this.active.field, Buffer.from(plain, 'utf8'), aadBytes(aad));
    return `${TEXT_PREFIX}${this.active.keyId}.${sealed.toString('base64url')}`;
  }

  decryptText(ciphertext: string, aad: Aad): string {
    // The cache key is the exact ciphertext AND its place: a flipped, swapped or moved ciphertext
    // never hits, so it is authenticated like any other.
    const cacheKey = this.plainCache ? `${aad.table}|${aad.row}|${aad.column}|${ciphertext}` : '';
    const hit = this.plainCache?.get(cacheKey);
    if (hit !== undefined) return hit;
    const plain = located(aad, () => {
      const { keyId, data } = parseText(ciphertext);
      return open(this.keysFor(keyId).field, data, aadBytes(aad)).toString('utf8');
    });
    this.plainCache?.set(cacheKey, plain);
    return plain;
  }

  encryptJson(value: unknown, aad: Aad): string {
    return this.encryptText(JSON.stringify(value), aad);
  }

  decryptJson(ciphertext: string, aad: Aad): unknown {
    return JSON.parse(this.decryptText(ciphertext, aad));
  }

  /** Documents and attachments: SB1 ‖ keyIdLen ‖ keyId ‖ nonce ‖ ciphertext ‖ tag, under the document subkey. */
  encryptBytes(plain: Buffer, aad: Aad): Buffer {
    const id = Buffer.from(this.active.keyId, 'ascii');
    const sealed = seal(this.active.document, plain, aadBytes(aad));
    return Buffer.concat([BYTES_MAGIC, Buffer.from([id.length]), id, sealed]);
  }

  decryptBytes(blob: Buffer, aad: Aad): Buffer {
    return located(aad, () => {
      if (blob.length < 5 || !blob.subarray(0, 3).equals(BYTES_MAGIC)) throw new DecryptionError('not a Sealbill ciphertext');
      const idLen = blob[3]!;
      const keyId = blob.subarray(4, 4 + idLen).toString('ascii');
      return open(this.keysFor(keyId).document, blob.subarray(4 + idLen), aadBytes(aad));
    });
  }

  /** Key ids this instance can decrypt with (active, pending and retiring keys). */
  get liveKeyIds(): string[] {
    return [...this.byId.keys()];
  }

  /** Keyed blind index (HMAC-SHA-256) for equality lookups on an encrypted value, under the active key. */
  blindIndex(value: string, context: string): string {
    return blindIndexWith(this.active, value, context);
  }

  /** Blind indexes under every live key: lookups match rows not yet re-encrypted during rotation. */
  blindIndexesAll(value: string, context: string): string[] {
    return [...this.byId.values()].map((k) => blindIndexWith(k, value, context));
  }

  /** Deterministic 32-byte seed for this org's signing keys, for a named purpose. */
  signingSeed(purpose: string): Buffer {
    return deriveKey(this.active.signingSeed, 'signing-seed', purpose);
  }

  /** Key id that produced a stored ciphertext (for rotation progress). */
  static keyIdOf(ciphertext: string | Buffer): string {
    if (typeof ciphertext === 'string') return parseText(ciphertext).keyId;
    const idLen = ciphertext[3]!;
    return ciphertext.subarray(4, 4 + idLen).toString('ascii');
  }
}

/**
 * Bounded LRU of recently decrypted field values, keyed by place and exact ciphertext (ciphertexts
 * are immutable and unique per encryption, so an entry can never be stale). Lists re-read the
 * same rows constantly; this keeps them near plaintext speed. Plaintext stays in the server's
 * memory a little longer: size 0 disables it.
 */
export class PlaintextCache {
  private readonly map = new Map<string, string>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  get(key: string): string | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: string): void {
    if (this.max <= 0) return;
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  clear(): void {
    this.map.clear();
  }
}

/** Names where a failed ciphertext lives (never its content), so the log points at the damaged row. */
function located<T>(aad: Aad, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DecryptionError) throw new DecryptionError(`${aad.table}/${aad.row}/${aad.column}: ${err.message}`);
    throw err;
  }
}

function blindIndexWith(k: DerivedKeys, value: string, context: string): string {
  return createHmac('sha256', k.blindIndex).update(`${context}\u0000${value}`).digest('base64url').slice(0, 32);
}

function parseText(ciphertext: string): { keyId: string; data: Buffer } {
  if (!ciphertext.startsWith(TEXT_PREFIX)) throw new DecryptionError('unsupported ciphertext version');
  const dot = ciphertext.indexOf('.', TEXT_PREFIX.length);
  if (dot < 0) throw new DecryptionError('malformed ciphertext');
  return { keyId: ciphertext.slice(TEXT_PREFIX.length, dot), data: Buffer.from(ciphertext.slice(dot + 1), 'base64url') };
}

export interface KeyringOptions {
  /** How long unwrapped keys are cached before org_keys is read again (picks up rotations by other processes). */
  cacheMs?: number;
  now?: () => number;
  /** Earlier master keys, accepted for unwrapping only (during a master key rotation). */
  previous?: MasterKey[];
  /** Decrypted field values kept in memory (LRU entries; default 10 000; 0 disables). */
  plaintextCacheEntries?: number;
}

export class Keyring {
  private readonly cache = new Map<string, { at: number; crypto: OrgCrypto }>();
  private readonly cacheMs: number;
  private readonly now: () => number;
  private kek: MasterKey;
  private readonly keks = new Map<string, MasterKey>();
  private readonly plainCache: PlaintextCache | null;

  constructor(kek: MasterKey, opts: KeyringOptions = {}) {
    this.kek = kek;
    for (const k of [kek, ...(opts.previous ?? [])]) this.keks.set(k.id, k);
    this.cacheMs = opts.cacheMs ?? 5_000;
    this.now = opts.now ?? Date.now;
    const entries = opts.plaintextCacheEntries ?? 10_000;
    this.plainCache = entries > 0 ? new PlaintextCache(entries) : null;
  }

  get kekId(): string {
    return this.kek.id;
  }

  /** How long another process may keep using keys it loaded (rotation waits this long before relying on them). */
  get cacheTtlMs(): number {
    return this.cacheMs;
  }

  /** Every configured master key (current first): what an encrypted backup may carry to restore elsewhere. */
  get masterKeys(): MasterKey[] {
    return [this.kek, ...[...this.keks.values()].filter((k) => k.id !== this.kek.id)];
  }

  /** The master key that wraps new data keys. */
  get currentMasterKey(): MasterKey {
    return this.kek;
  }

  wrapDek(orgKeyId: string, dek: Buffer, kek: MasterKey = this.kek): string {
    const aad = aadBytes({ table: 'org_keys', row: orgKeyId, column: 'wrapped_dek' });
    return `${TEXT_PREFIX}${kek.id}.${seal(kek.key, dek, aad).toString('base64url')}`;
  }

  /** Unwraps with the given KEK, or with whichever configured KEK (current or previous) wrapped it. */
  unwrapDek(row: Pick<OrgKeyRow, 'id' | 'wrapped_dek'>, kek?: MasterKey): Buffer {
    const { keyId, data } = parseText(row.wrapped_dek);
    const use = kek ?? this.keks.get(keyId);
    if (!use || keyId !== use.id) {
      throw new DecryptionError(`org key ${row.id} is wrapped by master key ${keyId}, which is not configured (current ${this.kek.id})`);
    }
    return open(use.key, data, aadBytes({ table: 'org_keys', row: row.id, column: 'wrapped_dek' }));
  }

  /** Creates a new DEK for an org (call inside the transaction that creates the org, or a rotation). */
  async createOrgKey(db: Executor, orgId: string, version: number, createdAt: string, status: 'active' | 'pending' = 'active'): Promise<string> {
    const id = newId();
    await insertOrgKey(db, {
      id,
      org_id: orgId,
      version,
      wrapped_dek: this.wrapDek(id, randomBytes(32)),
      kek_id: this.kek.id,
      status,
      created_at: createdAt,
    });
    this.cache.delete(orgId);
    return id;
  }

  async forOrg(db: Executor, orgId: string): Promise<OrgCrypto> {
    const hit = this.cache.get(orgId);
    if (hit && this.now() - hit.at < this.cacheMs) return hit.crypto;
    const rows = await findOrgKeys(db, orgId);
    // Pending keys (a rotation announcing its new key) decrypt but never encrypt; retired keys are gone.
    const live = rows.filter((r) => r.status !== 'retired');
    const active = live.filter((r) => r.status === 'active').sort((a, b) => b.version - a.version)[0];
    if (!active) throw new Error(`organization ${orgId} has no active data key`);
    const crypto = new OrgCrypto(orgId, live.map((r) => derive(r.id, this.unwrapDek(r))), active.id, this.plainCache);
    this.cache.set(orgId, { at: this.now(), crypto });
    return crypto;
  }

  invalidate(orgId?: string): void {
    if (orgId) this.cache.delete(orgId);
    else this.cache.clear();
  }

  /** After rotate-master, the process continues with the new KEK (the old one stays accepted for unwrapping). */
  useMasterKey(kek: MasterKey): void {
    this.kek = kek;
    this.keks.set(kek.id, kek);
    this.cache.clear();
  }
}
