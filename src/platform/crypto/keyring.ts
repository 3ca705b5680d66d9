// Envelope encryption (docs/SECURITY.md, "Key hierarchy"):
//   master KEK (config) ──wraps──▶ per-organization DEK (org_keys, random 256-bit)
//   DEK ──HKDF──▶ one subkey per purpose: field, document, blind-index, signing-seed, token.
// The Keyring loads an organization's data keys (unwrapping them under the master key) into an
// OrgCrypto (org-crypto.ts), which does the encryption. Every ciphertext names the org key that
// made it, so keys rotate while old data stays readable.
import { randomBytes } from 'node:crypto';
import { DecryptionError, open, seal } from './aead.ts';
import { MasterKeyError, type MasterKey } from './master-key.ts';
import { findLiveOrgKeys, findOrgKeys, insertOrgKey, type OrgKeyRow } from './keyring.repo.ts';
import { deriveKey } from './hkdf.ts';
import { aadBytes, derive, OrgCrypto, parseText, TEXT_PREFIX, type Aad } from './org-crypto.ts';
import { PlaintextCache } from './plaintext-cache.ts';
import type { Executor } from '../db/kysely.ts';
import { newId } from '../ids.ts';

export { DecryptionError, OrgCrypto, PlaintextCache, type Aad };

/** The master key id a wrapped DEK names (`v1.<kekId>.…`): read from the value, not the kek_id column. */
function wrappingKekId(row: Pick<OrgKeyRow, 'wrapped_dek'>): string {
  return parseText(row.wrapped_dek).keyId;
}

/** Master key ids that wrap an instance's live data keys (none on a new instance). */
export async function storedMasterKeyIds(db: Executor): Promise<string[]> {
  return [...new Set((await findLiveOrgKeys(db)).map(wrappingKekId))];
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
  /**
   * Unwrapped DEKs by org key id. A DEK never changes under its id (rotate-master only rewraps it;
   * rotate-org makes a new id), so once unwrapped it is kept: a process started with the old master
   * key keeps reading after another process rewrapped everything under a new one.
   */
  private readonly deks = new Map<string, Buffer>();

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

  /**
   * Unwraps with the given KEK, or with whichever configured KEK (current or previous) wrapped it.
   * A KEK that is not configured is a MasterKeyError (configuration), never a DecryptionError
   * (which means damaged or tampered data).
   */
  unwrapDek(row: Pick<OrgKeyRow, 'id' | 'wrapped_dek'>, kek?: MasterKey): Buffer {
    const { keyId, data } = parseText(row.wrapped_dek);
    const use = kek ?? this.keks.get(keyId);
    if (!use || keyId !== use.id) {
      throw new MasterKeyError(
        `org key ${row.id} is wrapped by master key ${keyId}, which is not configured (current ${this.kek.id})`,
      );
    }
    return open(use.key, data, aadBytes({ table: 'org_keys', row: row.id, column: 'wrapped_dek' }));
  }

  private dekOf(row: OrgKeyRow): Buffer {
    let dek = this.deks.get(row.id);
    if (!dek) {
      dek = this.unwrapDek(row);
      this.deks.set(row.id, dek);
    }
    return dek;
  }

  /**
   * The start-up check: every live data key must unwrap under a configured master key. Otherwise
   * refuse to start, naming the master key ids the data expects (a wrong or missing key is a
   * configuration error, not corruption, and must not surface later as 500 integrity_failed).
   * The unwrapped DEKs are kept (see `deks`).
   */
  async openDataKeys(db: Executor): Promise<number> {
    const rows = await findLiveOrgKeys(db);
    const missing = new Map<string, number>();
    for (const r of rows) {
      const id = wrappingKekId(r);
      if (!this.keks.has(id)) missing.set(id, (missing.get(id) ?? 0) + 1);
    }
    if (missing.size > 0) {
      const expected = [...missing].map(([id, n]) => `${id} (${n} data key${n === 1 ? '' : 's'})`).join(', ');
      throw new MasterKeyError(
        `The configured master key (id ${this.masterKeys.map((k) => k.id).join(', ')}) does not open this database: its data keys are wrapped by master key ${expected}. ` +
          `Start with the key whose id is ${[...missing.keys()][0]} (SEALBILL_MASTER_KEY_FILE, or SEALBILL_MASTER_KEY_PREVIOUS_FILE while rotating). Nothing was read or changed.`,
      );
    }
    for (const r of rows) {
      try {
        this.dekOf(r);
      } catch (err) {
        if (err instanceof DecryptionError)
          throw new DecryptionError(
            `org key ${r.id} (org ${r.org_id}) does not unwrap under master key ${wrappingKekId(r)} although the key id matches: the stored wrapped key was altered or damaged`,
          );
        throw err;
      }
    }
    return rows.length;
  }

  /** Creates a new DEK for an org (call inside the transaction that creates the org, or a rotation). */
  async createOrgKey(
    db: Executor,
    orgId: string,
    version: number,
    createdAt: string,
    status: 'active' | 'pending' = 'active',
  ): Promise<string> {
    const id = newId();
    const dek = randomBytes(32);
    await insertOrgKey(db, {
      id,
      org_id: orgId,
      version,
      wrapped_dek: this.wrapDek(id, dek),
      kek_id: this.kek.id,
      status,
      created_at: createdAt,
    });
    this.deks.set(id, dek);
    this.cache.delete(orgId);
    return id;
  }

  async forOrg(db: Executor, orgId: string): Promise<OrgCrypto> {
    const hit = this.cache.get(orgId);
    if (hit && this.now() - hit.at < this.cacheMs) return hit.crypto;
    const rows = await findOrgKeys(db, orgId);
    // Pending keys (a rotation announcing its new key) decrypt but never encrypt; retired keys are gone.
    const live = rows.filter((r) => r.status !== 'retired');
    for (const r of rows) if (r.status === 'retired') this.deks.delete(r.id);
    const active = live.filter((r) => r.status === 'active').sort((a, b) => b.version - a.version)[0];
    if (!active) throw new Error(`organization ${orgId} has no active data key`);
    const crypto = new OrgCrypto(
      orgId,
      live.map((r) => derive(r.id, this.dekOf(r))),
      active.id,
      this.plainCache,
    );
    this.cache.set(orgId, { at: this.now(), crypto });
    return crypto;
  }

  /**
   * Instance-level secrets that belong to no organization (job payloads: a one-time link, an
   * address that is encrypted at rest elsewhere) are sealed under a subkey of the master key.
   * The value names the master key, so a previous key still opens it during a master key rotation.
   */
  sealForInstance(plain: string, aad: Aad): string {
    return `${TEXT_PREFIX}${this.kek.id}.${seal(deriveKey(this.kek.key, 'job'), Buffer.from(plain, 'utf8'), aadBytes(aad)).toString('base64url')}`;
  }

  openForInstance(sealed: string, aad: Aad): string {
    const { keyId, data } = parseText(sealed);
    const kek = this.keks.get(keyId);
    if (!kek)
      throw new MasterKeyError(
        `${aad.table}/${aad.row}/${aad.column} is sealed under master key ${keyId}, which is not configured (current ${this.kek.id})`,
      );
    return open(deriveKey(kek.key, 'job'), data, aadBytes(aad)).toString('utf8');
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
