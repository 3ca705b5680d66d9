// What an organization's data is encrypted with, once its data keys are loaded (by the Keyring):
// AES-256-GCM per field and per stored file under HKDF subkeys of each DEK, keyed blind indexes,
// signing seeds. Every ciphertext names the org key that made it ("v1.<keyId>.<data>", or
// "SB1‖len‖keyId‖…" for bytes); AAD = "<table>|<rowId>|<column>" binds it to its place.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { DecryptionError, open, seal } from './aead.ts';
import { deriveKey, type KeyPurpose } from './hkdf.ts';
import type { PlaintextCache } from './plaintext-cache.ts';

/** Where a ciphertext lives; bound into the AEAD as associated data. */
export interface Aad {
  table: string;
  row: string;
  column: string;
}

export const aadBytes = (a: Aad): Buffer => Buffer.from(`${a.table}|${a.row}|${a.column}`, 'utf8');
export const TEXT_PREFIX = 'v1.';
const BYTES_MAGIC = Buffer.from('SB1');

/** Subkeys as KeyObjects, created once per key load and reused for every operation (cheap reads). */
export interface DerivedKeys {
  keyId: string;
  field: KeyObject;
  document: KeyObject;
  blindIndex: KeyObject;
  signingSeed: Buffer;
  token: Buffer;
}

export function derive(keyId: string, dek: Buffer): DerivedKeys {
  const k = (p: KeyPurpose) => deriveKey(dek, p);
  const obj = (p: KeyPurpose) => createSecretKey(k(p));
  return {
    keyId,
    field: obj('field'),
    document: obj('document'),
    blindIndex: obj('blind-index'),
    signingSeed: k('signing-seed'),
    token: k('token'),
  };
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
      if (blob.length < 5 || !blob.subarray(0, 3).equals(BYTES_MAGIC))
        throw new DecryptionError('not a Sealbill ciphertext');
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

  /** The seed for `purpose` under every live key (active first): keys a rotation is about to retire still derive theirs. */
  signingSeeds(purpose: string): Array<{ keyId: string; active: boolean; seed: Buffer }> {
    const all = [this.active, ...[...this.byId.values()].filter((k) => k !== this.active)];
    return all.map((k) => ({
      keyId: k.keyId,
      active: k === this.active,
      seed: deriveKey(k.signingSeed, 'signing-seed', purpose),
    }));
  }

  /** Key id that produced a stored ciphertext (for rotation progress). */
  static keyIdOf(ciphertext: string | Buffer): string {
    if (typeof ciphertext === 'string') return parseText(ciphertext).keyId;
    const idLen = ciphertext[3]!;
    return ciphertext.subarray(4, 4 + idLen).toString('ascii');
  }
}

/** Names where a failed ciphertext lives (never its content), so the log points at the damaged row. */
function located<T>(aad: Aad, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DecryptionError)
      throw new DecryptionError(`${aad.table}/${aad.row}/${aad.column}: ${err.message}`);
    throw err;
  }
}

function blindIndexWith(k: DerivedKeys, value: string, context: string): string {
  return createHmac('sha256', k.blindIndex).update(`${context}\u0000${value}`).digest('base64url').slice(0, 32);
}

export function parseText(ciphertext: string): { keyId: string; data: Buffer } {
  if (!ciphertext.startsWith(TEXT_PREFIX)) throw new DecryptionError('unsupported ciphertext version');
  const dot = ciphertext.indexOf('.', TEXT_PREFIX.length);
  if (dot < 0) throw new DecryptionError('malformed ciphertext');
  return {
    keyId: ciphertext.slice(TEXT_PREFIX.length, dot),
    data: Buffer.from(ciphertext.slice(dot + 1), 'base64url'),
  };
}
