// Signed checkpoints over each organization's audit log, and the full verifier.
//
// Key choice: the Ed25519 checkpoint key of an org is derived from its data key
// (signingSeed('audit-checkpoint'), HKDF under the master key hierarchy). Nothing extra is stored
// or backed up, and someone with only database access (a DBA, a stolen dump) cannot sign: the
// seed needs the master key. After `keys rotate-org` the org has a new checkpoint key; every key
// ever used is published in audit_checkpoint_keys AND announced in the log itself
// (audit.checkpoint_key_published), so old checkpoints stay verifiable and a key slipped into the
// table by a DBA is not trusted.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { verifyChain } from './audit.chain.ts';
import { parseVkey, signCheckpoint, signerFromSeed, verifyCheckpoint, type ParsedVkey } from './audit.checkpoint.ts';
import { merkleRoot } from './audit.merkle.ts';
import {
  auditedOrgs,
  findLatestCheckpoint,
  insertCheckpoint,
  insertCheckpointKey,
  listCheckpointKeys,
  listCheckpoints,
  lockAuditChain,
  setCheckpointTimestamp,
  streamAuditRows,
  type CheckpointRow,
} from './audit.repo.ts';
import type { AuditService } from './audit.service.ts';
import type { TimestampAuthority } from './audit.tsa.ts';

export const KEY_PUBLISHED = 'audit.checkpoint_key_published';

export interface Checkpoint {
  id: string;
  treeSize: number;
  rootHash: string;
  keyHash: string;
  note: string;
  timestampToken: string | null;
  createdAt: string;
}

export interface LogVerification {
  ok: boolean;
  count: number;
  head?: string;
  /** The first entry (by sequence number) that is not what the log and its checkpoints promise. */
  badSeq?: number;
  reason?: string;
  checkpointsChecked: number;
}

export interface CheckpointServiceDeps {
  db: Database;
  dialect: 'sqlite' | 'postgres';
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  publicUrl: string;
  tsa: TimestampAuthority | null;
  onError?: (err: unknown, msg: string) => void;
}

const toDto = (r: CheckpointRow): Checkpoint => ({
  id: r.id,
  treeSize: Number(r.tree_size),
  rootHash: r.root_hash,
  keyHash: r.key_hash,
  note: r.note,
  timestampToken: r.timestamp_token,
  createdAt: r.created_at,
});

export function createCheckpointService(deps: CheckpointServiceDeps) {
  const { db, dialect, keyring, audit, clock, tsa } = deps;
  const host = new URL(deps.publicUrl).host;
  const originOf = (orgId: string) => `${host}/audit/${orgId}`;

  async function signerFor(ex: Executor, orgId: string) {
    return signerFromSeed(originOf(orgId), (await keyring.forOrg(ex, orgId)).signingSeed('audit-checkpoint'));
  }

  /** Keys trusted for an org: its current key, and published keys whose publication is in the (verified) log. */
  async function trustedKeys(ex: Executor, orgId: string, published: Set<string>, extra: string[]): Promise<ParsedVkey[]> {
    const keys = [parseVkey((await signerFor(ex, orgId)).vkey), ...extra.map(parseVkey)];
    for (const k of await listCheckpointKeys(ex, orgId)) if (published.has(`${k.key_hash} ${k.vkey}`)) keys.push(parseVkey(k.vkey));
    return keys;
  }

  const service = {
    originOf,

    /** Signs a checkpoint over the org's whole log (or returns the latest if the log has not grown). */
    async create(orgId: string): Promise<Checkpoint> {
      const row = await inTx(db, async (tx) => {
        await lockAuditChain(tx, dialect, orgId);
        const signer = await signerFor(tx, orgId);
        const keyHash = signer.keyHash.toString('hex');
        if (!(await listCheckpointKeys(tx, orgId)).some((k) => k.key_hash === keyHash)) {
          const now = clock.now().toISOString();
          await insertCheckpointKey(tx, { org_id: orgId, key_hash: keyHash, name: signer.name, public_key: signer.publicKey.toString('base64'), vkey: signer.vkey, created_at: now });
          await audit.append(tx, { orgId, actor: { type: 'system', id: 'audit' }, action: KEY_PUBLISHED, objectType: 'audit_checkpoint_key', objectId: keyHash, summary: { verifier: signer.vkey } });
        }
        const rows = await streamAuditRows(tx, orgId);
        const chain = verifyChain(rows);
        // Never bless a broken history with a signature.
        if (!chain.ok) throw new AppError('integrity_failed', `The audit log is broken at entry ${chain.badSeq} (${chain.reason}); no checkpoint was signed`);
        const latest = await findLatestCheckpoint(tx, orgId);
        if (latest && Number(latest.tree_size) === rows.length) return latest;
        const root = merkleRoot(rows.map((r) => Buffer.from(r.hash, 'hex')));
        const cp: CheckpointRow = {
          id: newId(),
          org_id: orgId,
          tree_size: rows.length,
          root_hash: root.toString('base64'),
          key_hash: keyHash,
          note: signCheckpoint(signer, originOf(orgId), rows.length, root),
          timestamp_token: null,
          created_at: clock.now().toISOString(),
        };
        await insertCheckpoint(tx, cp);
        return cp;
      });
      if (tsa && !row.timestamp_token) {
        try {
          const token = (await tsa.timestamp(Buffer.from(row.note, 'utf8'))).toString('base64');
          await setCheckpointTimestamp(db, row.id, token);
          row.timestamp_token = token;
        } catch (err) {
          // The checkpoint stands on its own signature; a TSA outage must not stop it.
          deps.onError?.(err, 'timestamping the audit checkpoint failed');
        }
      }
      return toDto(row);
    },

    /** Checkpoints every org whose log grew since its last checkpoint (the worker calls this). */
    async createDue(): Promise<number> {
      let made = 0;
      for (const o of await auditedOrgs(db)) {
        const latest = await findLatestCheckpoint(db, o.org_id);
        if (latest && Number(latest.tree_size) >= Number(o.size)) continue;
        await service.create(o.org_id);
        made++;
      }
      return made;
    },

    async list(orgId: string, ex: Executor = db): Promise<Checkpoint[]> {
      return (await listCheckpoints(ex, orgId)).map(toDto);
    },

    async latest(orgId: string): Promise<Checkpoint | null> {
      const r = await findLatestCheckpoint(db, orgId);
      return r ? toDto(r) : null;
    },

    async keys(orgId: string) {
      return (await listCheckpointKeys(db, orgId)).map((k) => ({ keyHash: k.key_hash, name: k.name, publicKey: k.public_key, vkey: k.vkey, createdAt: k.created_at }));
    },

    /**
     * Recomputes the hash chain, then checks every stored checkpoint (and any exported ones given)
     * against the entries: signature by a trusted key, origin, size and Merkle root.
     */
    async verify(orgId: string, opts: { checkpoints?: string[]; trustedVkeys?: string[] } = {}, ex: Executor = db): Promise<LogVerification> {
      const rows = await streamAuditRows(ex, orgId);
      const chain = verifyChain(rows);
      const notes = [...(await listCheckpoints(ex, orgId)).map((c) => c.note), ...(opts.checkpoints ?? [])];
      if (!chain.ok) return { ok: false, count: chain.count, badSeq: chain.badSeq, reason: chain.reason, checkpointsChecked: 0 };
      const published = new Set(rows.filter((r) => r.action === KEY_PUBLISHED).map((r) => `${r.object_id} ${(JSON.parse(r.summary) as { verifier?: string }).verifier}`));
      const keys = await trustedKeys(ex, orgId, published, opts.trustedVkeys ?? []);
      const leaves = rows.map((r) => Buffer.from(r.hash, 'hex'));
      const checked: Array<{ size: number; root: Buffer }> = [];
      for (const note of notes) {
        const v = verifyCheckpoint(note, keys);
        const firstLine = note.split('\n', 2);
        if (!v.ok) return { ok: false, count: rows.length, reason: `checkpoint "${firstLine[0]} ${firstLine[1]}": ${v.reason}`, checkpointsChecked: checked.length };
        if (v.origin !== originOf(orgId)) return { ok: false, count: rows.length, reason: `checkpoint of another log (${v.origin})`, checkpointsChecked: checked.length };
        checked.push({ size: v.treeSize, root: v.root });
      }
      checked.sort((a, b) => a.size - b.size);
      let good = 0;
      for (const c of checked) {
        if (c.size > rows.length) {
          return { ok: false, count: rows.length, badSeq: rows.length + 1, reason: `a signed checkpoint covers ${c.size} entries but the log has ${rows.length}: entries ${rows.length + 1}–${c.size} were deleted`, checkpointsChecked: checked.length };
        }
        if (!merkleRoot(leaves.slice(0, c.size)).equals(c.root)) {
          // The chain was recomputed after an edit: the signed tree head pins the damage between
          // the last checkpoint that still matches and this one.
          return { ok: false, count: rows.length, badSeq: good + 1, reason: `entries ${good + 1}–${c.size} differ from the signed checkpoint of size ${c.size} (history rewritten and rehashed)`, checkpointsChecked: checked.length };
        }
        good = c.size;
      }
      return { ok: true, count: chain.count, head: chain.head, checkpointsChecked: checked.length };
    },
  };
  return service;
}

export type CheckpointService = ReturnType<typeof createCheckpointService>;
