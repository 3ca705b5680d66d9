// Key management: master key (KEK) rotation rewraps every data key without touching data; org
// key (DEK) rotation moves an organization's data to a fresh key while the server keeps serving.
//
// rotate-org runs in three resumable phases, recorded in key_rotations:
//   announced     the new key exists as `pending`: every process learns it (within the keyring
//                 cache time) and can decrypt with it, but nobody encrypts with it yet;
//   reencrypting  the new key is `active`, the old one `retiring`; every registered encrypted
//                 column (encrypted-columns.ts) is re-encrypted in batches, each batch one
//                 transaction that also saves the cursor, so a crash loses at most one batch;
//   done          a full pass that started after every process must have switched found nothing
//                 left under an old key: only then are old keys retired (their DEK destroyed).
import type { Clock } from '../../platform/clock.ts';
import { ENCRYPTED_COLUMNS, type EncryptedColumn } from '../../platform/crypto/encrypted-columns.ts';
import { OrgCrypto, type Keyring } from '../../platform/crypto/keyring.ts';
import type { MasterKey } from '../../platform/crypto/master-key.ts';
import { readCatalog } from '../../platform/db/catalog.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import {
  findKeyReferences,
  findOpenRotation,
  insertRotation,
  listOrgKeyRows,
  listRotations,
  lockOrgKeys,
  readEncryptedPage,
  replaceEncryptedCell,
  rewrapOrgKey,
  setOrgKeyStatus,
  updateRotation,
  type EncryptedCell,
  type RotationRow,
} from './keys.repo.ts';

export interface KeysServiceDeps {
  db: Database;
  dialect: 'sqlite' | 'postgres';
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  /**
   * Runs in the transaction that retires an org's old data keys, while `crypto` still holds them:
   * the last moment anything derived from them can be signed (audit checkpoint key endorsements).
   */
  beforeRetireInTx?: (tx: Executor, orgId: string, crypto: OrgCrypto) => Promise<unknown>;
}

export interface RotateOrgOptions {
  batchSize?: number;
  /** How long other processes may still use keys they loaded; default: the keyring cache time + 1 s. */
  settleMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Test seam: runs inside each batch's transaction before it commits (throwing simulates a crash mid-batch). */
  beforeBatchCommit?: (batch: number) => void | Promise<void>;
  onProgress?: (p: { table: string; column: string; reencrypted: number }) => void;
}

export interface RotateOrgResult {
  rotationId: string;
  fromKeyIds: string[];
  toKeyId: string;
  reencrypted: number;
  resumed: boolean;
}

const RETIRED_DEK = 'destroyed';
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function createKeysService({
  db,
  dialect,
  keyring,
  audit,
  clock,
  beforeRetireInTx: beforeRetire,
}: KeysServiceDeps) {
  const now = () => clock.now().toISOString();

  /** Re-encrypts one cell under the active key; null when it already is. */
  function reencrypt(
    crypto: OrgCrypto,
    col: EncryptedColumn,
    cell: EncryptedCell,
  ): { next: string | Buffer; extra: Record<string, string | null> } | null {
    if (OrgCrypto.keyIdOf(cell.value) === crypto.activeKeyId) return null;
    const aad = { table: col.table, row: cell.id, column: col.column };
    if (col.kind === 'bytes')
      return { next: crypto.encryptBytes(crypto.decryptBytes(cell.value as Buffer, aad), aad), extra: {} };
    const plain = crypto.decryptText(cell.value as string, aad);
    const extra: Record<string, string | null> = {};
    for (const b of col.blindIndexes ?? []) {
      const v = b.from(plain);
      extra[b.column] = v === null ? null : crypto.blindIndex(v, b.context);
    }
    return { next: crypto.encryptText(plain, aad), extra };
  }

  async function freshCrypto(orgId: string, toKeyId: string): Promise<OrgCrypto> {
    keyring.invalidate(orgId);
    const crypto = await keyring.forOrg(db, orgId);
    if (crypto.activeKeyId !== toKeyId)
      throw new AppError('conflict', `org ${orgId}: active key is ${crypto.activeKeyId}, expected ${toKeyId}`);
    return crypto;
  }

  /** One pass over every registered column; resumes from the saved cursor when `saveCursor`. Returns cells changed. */
  async function pass(
    rot: RotationRow,
    opts: Required<Pick<RotateOrgOptions, 'batchSize'>> & RotateOrgOptions,
    saveCursor: boolean,
    counter: { batches: number; total: number },
  ): Promise<number> {
    const crypto = await freshCrypto(rot.org_id, rot.to_key_id);
    const start = saveCursor ? (JSON.parse(rot.progress) as { column?: number; after?: string | null }) : {};
    let changed = 0;
    for (let ci = start.column ?? 0; ci < ENCRYPTED_COLUMNS.length; ci++) {
      const col = ENCRYPTED_COLUMNS[ci]!;
      let after = ci === start.column ? (start.after ?? null) : null;
      for (;;) {
        const page = await readEncryptedPage(db, col, rot.org_id, after, opts.batchSize);
        if (page.length === 0) break;
        const last = page[page.length - 1]!.id;
        const n = await inTx(db, async (tx) => {
          let updated = 0;
          for (const cell of page) {
            const r = reencrypt(crypto, col, cell);
            if (r && (await replaceEncryptedCell(tx, col, rot.org_id, cell, r.next, r.extra))) updated++;
          }
          counter.total += updated;
          const progress = saveCursor ? JSON.stringify({ column: ci, after: last }) : rot.progress;
          await updateRotation(tx, rot.id, { progress, reencrypted: counter.total, updated_at: now() });
          await opts.beforeBatchCommit?.(++counter.batches);
          return updated;
        });
        changed += n;
        opts.onProgress?.({ table: col.table, column: col.column, reencrypted: counter.total });
        after = last;
        if (page.length < opts.batchSize) break;
      }
    }
    return changed;
  }

  return {
    async status(orgId?: string) {
      const keys = await listOrgKeyRows(db, orgId);
      const rotations = orgId ? await listRotations(db, orgId) : [];
      return {
        masterKeyId: keyring.kekId,
        keys: keys.map((k) => ({
          id: k.id,
          orgId: k.org_id,
          version: k.version,
          status: k.status,
          kekId: k.kek_id,
          createdAt: k.created_at,
        })),
        rotations: rotations.map((r) => ({
          id: r.id,
          phase: r.phase,
          toKeyId: r.to_key_id,
          reencrypted: Number(r.reencrypted),
          startedAt: r.started_at,
          finishedAt: r.finished_at,
        })),
      };
    },

    /**
     * Rewraps every live data key under `to` (default: the configured current master key, moving
     * keys still wrapped by a SEALBILL_MASTER_KEY_PREVIOUS key). One transaction; data untouched.
     */
    async rotateMaster(
      actor: AuditActor,
      to: MasterKey = keyring.currentMasterKey,
    ): Promise<{ rewrapped: number; kekId: string }> {
      const rewrapped = await inTx(db, async (tx) => {
        await lockOrgKeys(tx, dialect, 'master');
        const perOrg = new Map<string, { count: number; from: Set<string> }>();
        for (const row of await listOrgKeyRows(tx)) {
          if (row.status === 'retired' || row.kek_id === to.id) continue;
          const dek = keyring.unwrapDek(row);
          if (!(await rewrapOrgKey(tx, row.id, row.wrapped_dek, keyring.wrapDek(row.id, dek, to), to.id)))
            throw new AppError('conflict', `org key ${row.id} changed concurrently; run again`);
          const o = perOrg.get(row.org_id) ?? { count: 0, from: new Set<string>() };
          o.count++;
          o.from.add(row.kek_id);
          perOrg.set(row.org_id, o);
        }
        for (const [orgId, o] of perOrg) {
          await audit.appendInTx(tx, {
            orgId,
            actor,
            action: 'keys.master_rotated',
            objectType: 'org',
            objectId: orgId,
            summary: { fromMasterKeyIds: [...o.from], toMasterKeyId: to.id, dataKeys: o.count },
          });
        }
        return [...perOrg.values()].reduce((a, o) => a + o.count, 0);
      });
      keyring.useMasterKey(to);
      return { rewrapped, kekId: to.id };
    },

    /** Creates a new data key for the org and moves all its data to it; resumes an interrupted rotation. */
    async rotateOrg(orgId: string, actor: AuditActor, options: RotateOrgOptions = {}): Promise<RotateOrgResult> {
      const opts = { batchSize: 200, ...options };
      const settleMs = opts.settleMs ?? keyring.cacheTtlMs + 1_000;
      const sleep = opts.sleep ?? realSleep;
      let resumed = true;
      let rot = await inTx(db, async (tx) => {
        await lockOrgKeys(tx, dialect, orgId);
        const open = await findOpenRotation(tx, orgId);
        if (open) return open;
        resumed = false;
        const keys = await listOrgKeyRows(tx, orgId);
        if (keys.length === 0) throw new AppError('not_found', `Organization ${orgId} not found (no data keys)`);
        const version = Math.max(...keys.map((k) => k.version)) + 1;
        const toKeyId = await keyring.createOrgKey(tx, orgId, version, now(), 'pending');
        const row: RotationRow = {
          id: newId(),
          org_id: orgId,
          from_key_ids: JSON.stringify(keys.filter((k) => k.status !== 'retired').map((k) => k.id)),
          to_key_id: toKeyId,
          phase: 'announced',
          progress: '{}',
          reencrypted: 0,
          started_at: now(),
          switched_at: null,
          finished_at: null,
          updated_at: now(),
        };
        await insertRotation(tx, row);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'keys.org_rotation_started',
          objectType: 'org_key',
          objectId: toKeyId,
          summary: { version },
        });
        return row;
      });
      keyring.invalidate(orgId);

      // Phase 1 → 2: wait until every process can decrypt with the new key, then switch.
      if (rot.phase === 'announced') {
        await sleep(settleMs);
        rot = await inTx(db, async (tx) => {
          await lockOrgKeys(tx, dialect, orgId);
          for (const k of await listOrgKeyRows(tx, orgId)) {
            if (k.id === rot.to_key_id) await setOrgKeyStatus(tx, k.id, 'active');
            else if (k.status === 'active' || k.status === 'pending') await setOrgKeyStatus(tx, k.id, 'retiring');
          }
          const patch = { phase: 'reencrypting' as const, switched_at: now(), updated_at: now() };
          await updateRotation(tx, rot.id, patch);
          return { ...rot, ...patch };
        });
      }
      const switchedAt = Date.now();

      // Phase 2: re-encrypt (resumable first pass), then sweep until a late-enough pass finds nothing.
      const counter = { batches: 0, total: Number(rot.reencrypted) };
      await pass(rot, opts, true, counter);
      for (;;) {
        const wait = switchedAt + settleMs - Date.now();
        if (wait > 0) await sleep(wait);
        if ((await pass(rot, opts, false, counter)) === 0) break;
      }

      // Phase 3: nothing references the old keys any more: retire them (the DEK is destroyed).
      const fromKeyIds = (JSON.parse(rot.from_key_ids) as string[]).filter((id) => id !== rot.to_key_id);
      const left = await findKeyReferences(db, await readCatalog(db, dialect), fromKeyIds);
      if (left.length > 0) {
        // A column outside the registry still holds old ciphertexts: keep the keys, say where.
        const where = left.map((l) => `${l.table}.${l.column} (${l.count})`).join(', ');
        throw new AppError(
          'conflict',
          `Old data keys are still referenced by ${where}: register these columns in encrypted-columns.ts, then run the rotation again`,
        );
      }
      const lastCrypto = await freshCrypto(orgId, rot.to_key_id);
      await inTx(db, async (tx) => {
        await lockOrgKeys(tx, dialect, orgId);
        await beforeRetire?.(tx, orgId, lastCrypto);
        for (const k of await listOrgKeyRows(tx, orgId)) {
          if (k.id !== rot.to_key_id && k.status !== 'retired') await setOrgKeyStatus(tx, k.id, 'retired', RETIRED_DEK);
        }
        await updateRotation(tx, rot.id, {
          phase: 'done',
          finished_at: now(),
          updated_at: now(),
          reencrypted: counter.total,
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'keys.org_rotated',
          objectType: 'org_key',
          objectId: rot.to_key_id,
          summary: { retiredKeyIds: fromKeyIds, reencrypted: counter.total, resumed },
        });
      });
      keyring.invalidate(orgId);
      return { rotationId: rot.id, fromKeyIds, toKeyId: rot.to_key_id, reencrypted: counter.total, resumed };
    },
  };
}

export type KeysService = ReturnType<typeof createKeysService>;
