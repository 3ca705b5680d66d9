// Signed checkpoints over each organization's audit log, and the full verifier.
//
// Key choice: the Ed25519 checkpoint key of an org is derived from its data key
// (signingSeed('audit-checkpoint'), HKDF under the master key hierarchy). Nothing extra is stored
// or backed up, and someone with only database access (a DBA, a stolen dump) cannot sign: the
// seed needs the master key. Which keys are trusted is decided outside the database only (see
// checkpoint-trust.ts): keys are published in audit_checkpoint_keys and announced in the log for
// transparency, but neither makes a key trusted. Before `keys rotate-org` destroys an old data
// key, the new checkpoint key endorses the old one (endorseRetiringKeys), so old checkpoints
// stay verifiable.
//
// `verify` says what it proved: "consistent with checkpoints exported on …" when checkpoints kept
// outside the database were given and match, else "internally consistent only".
import type { Clock } from '../../platform/clock.ts';
import type { Keyring, OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { verifyChain } from './audit.chain.ts';
import { signCheckpoint, signEndorsement, signerFromSeed, verifyCheckpoint, vkeyOf } from './audit.checkpoint.ts';
import { givenKeys, isOriginOf, logOrigin, signatureIds, trustClosure, verifiersFor } from './checkpoint-trust.ts';
import { merkleRoot } from './audit.merkle.ts';
import {
  auditedOrgs,
  findLatestCheckpoint,
  insertCheckpoint,
  insertCheckpointKey,
  insertEndorsement,
  listCheckpointKeys,
  listEndorsements,
  listCheckpoints,
  lockAuditChain,
  setCheckpointTimestamp,
  streamAuditRows,
  type CheckpointRow,
} from './audit.repo.ts';
import type { AuditService } from './audit.service.ts';
import type { TimestampAuthority } from '../../platform/crypto/tsa.ts';

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
  /** external: matched checkpoints kept outside the database; internal: only what the database holds. */
  proof: 'external' | 'internal';
  /** Entries covered by the largest matching exported checkpoint (0 when none was given). */
  externallyCovered: number;
  /** What was proved, in one sentence (the CLI prints it; the UI shows it). */
  statement: string;
}

export interface VerifyOptions {
  /** Checkpoint notes kept outside the database (an export, a backup's sidecar). */
  checkpoints?: string[];
  /** Verifier keys given by the verifier (--trusted-key, the export's keys). */
  trustedVkeys?: string[];
  /** When the given checkpoints were exported (from the file), for the statement. */
  exportedAt?: string | null;
}

export interface CheckpointServiceDeps {
  db: Database;
  dialect: 'sqlite' | 'postgres';
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
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
  const originOf = logOrigin;
  const PURPOSE = 'audit-checkpoint';

  async function signerFor(ex: Executor, orgId: string) {
    return signerFromSeed(originOf(orgId), (await keyring.forOrg(ex, orgId)).signingSeed(PURPOSE));
  }

  /** Public keys trusted for an org, from outside the database only (checkpoint-trust.ts). */
  async function trustedKeys(ex: Executor, orgId: string, given: readonly string[] = []): Promise<Buffer[]> {
    const derived = (await keyring.forOrg(ex, orgId))
      .signingSeeds(PURPOSE)
      .map((s) => signerFromSeed(originOf(orgId), s.seed).publicKey);
    return trustClosure(orgId, [...derived, ...givenKeys(given)], await listEndorsements(ex, orgId));
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
          await insertCheckpointKey(tx, {
            org_id: orgId,
            key_hash: keyHash,
            name: signer.name,
            public_key: signer.publicKey.toString('base64'),
            vkey: signer.vkey,
            created_at: now,
          });
          await audit.appendInTx(tx, {
            orgId,
            actor: { type: 'system', id: 'audit' },
            action: KEY_PUBLISHED,
            objectType: 'audit_checkpoint_key',
            objectId: keyHash,
            summary: { verifier: signer.vkey },
          });
        }
        const rows = await streamAuditRows(tx, orgId);
        const chain = verifyChain(rows);
        // Never bless a broken history with a signature.
        if (!chain.ok)
          throw new AppError(
            'integrity_failed',
            `The audit log is broken at entry ${chain.badSeq} (${chain.reason}); no checkpoint was signed`,
          );
        const latest = await findLatestCheckpoint(tx, orgId);
        if (latest && Number(latest.tree_size) === rows.length) return latest;
        const leaves = rows.map((r) => Buffer.from(r.hash, 'hex'));
        // Nor a rehashed one: the log must still extend the last signed tree head (append-only).
        if (
          latest &&
          (Number(latest.tree_size) > leaves.length ||
            !merkleRoot(leaves.slice(0, Number(latest.tree_size))).equals(Buffer.from(latest.root_hash, 'base64')))
        ) {
          throw new AppError(
            'integrity_failed',
            `The audit log no longer extends the checkpoint of size ${latest.tree_size} (history rewritten or truncated); no checkpoint was signed`,
          );
        }
        const root = merkleRoot(leaves);
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

    async list(orgId: string): Promise<Checkpoint[]> {
      return (await listCheckpoints(db, orgId)).map(toDto);
    },

    async latest(orgId: string): Promise<Checkpoint | null> {
      const r = await findLatestCheckpoint(db, orgId);
      return r ? toDto(r) : null;
    },

    /** Published keys that are trusted (a row slipped into audit_checkpoint_keys is not listed). */
    async keys(orgId: string) {
      const trusted = new Set((await trustedKeys(db, orgId)).map((k) => k.toString('base64')));
      return (await listCheckpointKeys(db, orgId))
        .filter((k) => trusted.has(k.public_key))
        .map((k) => ({
          keyHash: k.key_hash,
          name: k.name,
          publicKey: k.public_key,
          vkey: k.vkey,
          createdAt: k.created_at,
        }));
    },

    /**
     * Recomputes the hash chain, then checks every stored checkpoint and every exported one given
     * against the entries: signature by a trusted key, origin, size and Merkle root.
     */
    async verify(orgId: string, opts: VerifyOptions = {}): Promise<LogVerification> {
      const rows = await streamAuditRows(db, orgId);
      const chain = verifyChain(rows);
      const external = opts.checkpoints ?? [];
      const notes = [
        ...(await listCheckpoints(db, orgId)).map((c) => ({ note: c.note, external: false })),
        ...external.map((note) => ({ note, external: true })),
      ];
      const fail = (r: { count: number; badSeq?: number; reason: string }, checked: number): LogVerification => ({
        ok: false,
        ...r,
        checkpointsChecked: checked,
        proof: external.length > 0 ? 'external' : 'internal',
        externallyCovered: 0,
        statement: `FAILED: ${r.badSeq !== undefined ? `first bad entry ${r.badSeq}: ` : ''}${r.reason}`,
      });
      if (!chain.ok) return fail({ count: chain.count, badSeq: chain.badSeq, reason: chain.reason }, 0);
      const keys = verifiersFor(
        orgId,
        await trustedKeys(db, orgId, opts.trustedVkeys ?? []),
        notes.map((n) => n.note),
      );
      const leaves = rows.map((r) => Buffer.from(r.hash, 'hex'));
      const checked: Array<{ size: number; root: Buffer; external: boolean }> = [];
      for (const { note, external: isExternal } of notes) {
        const v = verifyCheckpoint(note, keys);
        const [origin, size] = note.split('\n', 2);
        const label = `${isExternal ? 'exported' : 'stored'} checkpoint "${origin} ${size}"`;
        if (!v.ok) {
          const reason =
            v.reason === 'no signature by a trusted key'
              ? `${label} is signed by ${signatureIds(note).join(', ') || 'no key'}, which nothing outside the database vouches for: not derived from the organization's data keys, not endorsed at a key rotation, not given with --trusted-key or --checkpoints (a key announced inside the log or the database proves nothing: whoever writes the database can add one)`
              : `${label}: ${v.reason}`;
          return fail({ count: rows.length, reason }, checked.length);
        }
        if (!isOriginOf(v.origin, orgId))
          return fail({ count: rows.length, reason: `${label} belongs to another log (${v.origin})` }, checked.length);
        checked.push({ size: v.treeSize, root: v.root, external: isExternal });
      }
      checked.sort((a, b) => a.size - b.size);
      let good = 0;
      for (const c of checked) {
        if (c.size > rows.length) {
          return fail(
            {
              count: rows.length,
              badSeq: rows.length + 1,
              reason: `a signed checkpoint covers ${c.size} entries but the log has ${rows.length}: entries ${rows.length + 1}–${c.size} were deleted`,
            },
            checked.length,
          );
        }
        if (!merkleRoot(leaves.slice(0, c.size)).equals(c.root)) {
          // The chain was recomputed after an edit: the signed tree head pins the damage between
          // the last checkpoint that still matches and this one.
          return fail(
            {
              count: rows.length,
              badSeq: good + 1,
              reason: `entries ${good + 1}–${c.size} differ from the signed checkpoint of size ${c.size} (history rewritten and rehashed)`,
            },
            checked.length,
          );
        }
        good = c.size;
      }
      const covered = Math.max(0, ...checked.filter((c) => c.external).map((c) => c.size));
      const stored = checked.filter((c) => !c.external);
      const storedPart =
        stored.length > 0
          ? ` and ${stored.length} checkpoint(s) stored in the database, signed by this organization's keys,`
          : '';
      const rest =
        rows.length > covered ? `; entries ${covered + 1}–${rows.length} are only internally consistent` : '';
      const statement =
        covered > 0
          ? `consistent with ${checked.length - stored.length} checkpoint(s) exported ${opts.exportedAt ? `on ${opts.exportedAt}` : '(export date unknown)'}: entries 1–${covered} are what was signed then${rest}`
          : `internally consistent only: the hash chain${storedPart} match, but nothing kept outside the database was compared, so a rewrite that also replaced or removed checkpoints cannot be ruled out (verify with --checkpoints FILE from \`sealbill audit export-checkpoints\` or a backup's .checkpoints.json)`;
      return {
        ok: true,
        count: chain.count,
        head: chain.head,
        checkpointsChecked: checked.length,
        proof: covered > 0 ? 'external' : 'internal',
        externallyCovered: covered,
        statement,
      };
    },

    /**
     * Called by `keys rotate-org` in the transaction that retires old data keys: the checkpoint key
     * of the new active key signs each checkpoint key about to lose its seed.
     */
    async endorseRetiringKeysInTx(
      tx: Executor,
      orgId: string,
      crypto: Pick<OrgCrypto, 'signingSeeds'>,
    ): Promise<number> {
      const seeds = crypto.signingSeeds(PURPOSE);
      const active = seeds.find((x) => x.active);
      if (!active) return 0;
      const by = signerFromSeed(originOf(orgId), active.seed);
      let n = 0;
      for (const old of seeds.filter((x) => !x.active).map((x) => signerFromSeed(originOf(orgId), x.seed))) {
        const at = clock.now().toISOString();
        await insertEndorsement(tx, {
          org_id: orgId,
          public_key: old.publicKey.toString('base64'),
          endorser_public_key: by.publicKey.toString('base64'),
          signature: signEndorsement(by, orgId, old.publicKey).toString('base64'),
          created_at: at,
        });
        await audit.appendInTx(tx, {
          orgId,
          actor: { type: 'system', id: 'audit' },
          action: 'audit.checkpoint_key_endorsed',
          objectType: 'audit_checkpoint_key',
          objectId: old.keyHash.toString('hex'),
          summary: { endorsed: old.vkey, by: by.vkey },
        });
        n++;
      }
      return n;
    },

    /** Verifier keys trusted for the org, under every name its checkpoints carry (what an export holds). */
    async trustedVerifierKeys(orgId: string): Promise<string[]> {
      const notes = (await listCheckpoints(db, orgId)).map((c) => c.note);
      return verifiersFor(orgId, await trustedKeys(db, orgId), notes).map((k) => vkeyOf(k.name, k.publicKey));
    },
  };
  return service;
}

export type CheckpointService = ReturnType<typeof createCheckpointService>;
