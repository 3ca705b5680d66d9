// Encrypted backups: a consistent snapshot of the whole database (documents live in it, see
// docs/DECISIONS.md D3) as a dialect-neutral archive, age-encrypted to the configured X25519
// recipients, written to a separate target with a sha256sum sidecar and a clear copy of the
// latest signed audit checkpoints. Scheduled runs claim their slot in backup_runs, so several
// workers never back up twice, and prune by the GFS retention policy.
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BackupConfig } from '../../config/env.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, DbHandle } from '../../platform/db/kysely.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CheckpointService } from '../audit/checkpoint.service.ts';
import { hasher } from '../../platform/crypto/hash.ts';
import { ARCHIVE_FORMAT, type ArchiveTrailer } from './backup.archive.ts';
import { AGE_MAGIC, parseIdentities, readEncryptedArchive, writeEncryptedArchive } from './backup.crypto.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { claimBackupRun, finishBackupRun, lastSuccessfulRun, listBackupRuns } from './backup.repo.ts';
import {
  BACKUP_SUFFIX,
  backupName,
  backupTime,
  isBackupDue,
  scheduleSlot,
  selectRetained,
} from './backup.retention.ts';
import { backupTablesInTx, snapshotLinesInTx, verifyArchivedAudit, walkArchive } from './backup.snapshot.ts';
import { createBackupTarget, type BackupTarget } from './backup.targets.ts';

export interface BackupServiceDeps {
  db: Database;
  dialect: 'sqlite' | 'postgres';
  keyring: Keyring;
  audit: AuditService;
  checkpoints: CheckpointService;
  /** Every organization (each gets a fresh checkpoint in the archive). */
  orgs: Pick<OrgService, 'ids'>;
  clock: Clock;
  backup: BackupConfig | null;
  /** A second connection for the snapshot, so a long read does not hold the server's connection. */
  openSnapshot: () => DbHandle;
  tmpDir: string;
  target?: BackupTarget;
}

export interface BackupResult {
  name: string;
  size: number;
  sha256: string;
  tables: Record<string, { rows: number; sha256: string }>;
  target: string;
}

export interface VerifyResult {
  ok: boolean;
  name: string;
  sha256: string;
  /** True when the archive was decrypted (an identity was given) and checked inside. */
  decrypted: boolean;
  rows?: number;
  reason?: string;
}

const sidecars = (name: string) => ({
  sum: `${name}.sha256`,
  checkpoints: name.replace(BACKUP_SUFFIX, '.checkpoints.json'),
});

async function sha256File(file: string): Promise<string> {
  const h = hasher('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function createBackupService(deps: BackupServiceDeps) {
  const { db, dialect, keyring, audit, checkpoints, clock } = deps;
  const config = (): BackupConfig => {
    if (!deps.backup)
      throw new AppError(
        'unprocessable',
        'Backups are not configured: set SEALBILL_BACKUP_TARGET and SEALBILL_BACKUP_RECIPIENTS (age1… public keys)',
      );
    return deps.backup;
  };
  let cachedTarget: BackupTarget | null = deps.target ?? null;
  const target = () => (cachedTarget ??= createBackupTarget(config().target));

  async function tmpFile(suffix: string): Promise<string> {
    await mkdir(deps.tmpDir, { recursive: true, mode: 0o700 });
    return path.join(deps.tmpDir, `${newId()}${suffix}`);
  }

  async function write(name: string): Promise<BackupResult> {
    const cfg = config();
    // Fresh signed checkpoints first: the archive and the clear sidecar both carry them.
    const orgIds = await deps.orgs.ids();
    const cps: ArchiveTrailer['checkpoints'] = [];
    for (const orgId of orgIds) {
      const cp = await checkpoints.create(orgId);
      cps.push({
        orgId,
        origin: checkpoints.originOf(orgId),
        note: cp.note,
        verifierKeys: await checkpoints.trustedVerifierKeys(orgId),
      });
    }
    const file = await tmpFile(BACKUP_SUFFIX);
    const snap = deps.openSnapshot();
    let tables: BackupResult['tables'] = {};
    try {
      // Read only: on SQLite a deferred transaction (a WAL snapshot that never blocks writers).
      let tx = snap.db.transaction().setAccessMode('read only');
      if (dialect === 'postgres') tx = tx.setIsolationLevel('repeatable read');
      await tx.execute(async (t) => {
        const migrations = (
          await t
            .selectFrom('kysely_migration' as never)
            .select('name' as never)
            .orderBy('name' as never)
            .execute()
        ).map((r) => (r as { name: string }).name);
        const list = await backupTablesInTx(t, dialect);
        const header = {
          format: ARCHIVE_FORMAT,
          createdAt: clock.now().toISOString(),
          sourceDialect: dialect,
          migrations,
        } as const;
        const masterKeys = cfg.includeMasterKey
          ? keyring.masterKeys.map((k) => ({ id: k.id, key: k.key.toString('base64') }))
          : [];
        const lines = snapshotLinesInTx(t, list, header, { checkpoints: cps, masterKeys });
        await writeEncryptedArchive(
          (async function* () {
            for await (const l of lines) {
              if (l.startsWith('{"end":true')) tables = (JSON.parse(l) as { tables: BackupResult['tables'] }).tables;
              yield l;
            }
          })(),
          cfg.recipients,
          file,
        );
      });
    } finally {
      await snap.close();
    }
    try {
      const sha256 = await sha256File(file);
      const size = (await stat(file)).size;
      const tgt = target();
      await tgt.putFile(name, file);
      // sha256sum -c compatible; the checkpoints are public statements, useful without the identity.
      await tgt.putText(sidecars(name).sum, `${sha256}  ${name}\n`);
      await tgt.putText(
        sidecars(name).checkpoints,
        JSON.stringify(
          {
            format: 'sealbill-audit-checkpoints/v1',
            backup: name,
            exportedAt: clock.now().toISOString(),
            checkpoints: cps,
          },
          null,
          2,
        ) + '\n',
      );
      for (const orgId of orgIds) {
        await db.transaction().execute((tx) =>
          audit.appendInTx(tx, {
            orgId,
            actor: { type: 'system', id: 'backup' },
            action: 'backup.created',
            objectType: 'backup',
            objectId: name,
            summary: { sha256, target: tgt.describe },
          }),
        );
      }
      return { name, size, sha256, tables, target: tgt.describe };
    } finally {
      await rm(file, { force: true });
    }
  }

  async function run(slot: string): Promise<BackupResult | null> {
    const at = clock.now();
    const id = newId();
    const name = backupName(at);
    if (
      !(await claimBackupRun(db, {
        id,
        slot,
        name,
        target: target().describe,
        status: 'running',
        size: null,
        sha256: null,
        error: null,
        started_at: at.toISOString(),
        finished_at: null,
      }))
    )
      return null;
    try {
      const r = await write(name);
      await finishBackupRun(db, id, {
        status: 'done',
        size: r.size,
        sha256: r.sha256,
        finished_at: clock.now().toISOString(),
      });
      return r;
    } catch (err) {
      await finishBackupRun(db, id, {
        status: 'failed',
        error: (err as Error).message.slice(0, 500),
        finished_at: clock.now().toISOString(),
      });
      throw err;
    }
  }

  const service = {
    configured: () => deps.backup !== null,

    /** A backup now (CLI, API): always runs. */
    create: async (): Promise<BackupResult> => (await run(`manual-${newId()}`))!,

    /** The worker's tick: backs up once per schedule slot (across all workers), then prunes. */
    async runScheduled(): Promise<BackupResult | null> {
      if (!deps.backup || deps.backup.intervalHours <= 0) return null;
      const last = await lastSuccessfulRun(db);
      const now = clock.now();
      if (!isBackupDue(now, deps.backup.intervalHours, last ? new Date(last.started_at) : null)) return null;
      const r = await run(`scheduled-${scheduleSlot(now, deps.backup.intervalHours)}`);
      if (r) await service.prune();
      return r;
    },

    async list(): Promise<Array<{ name: string; createdAt: string }>> {
      const names = await target().list();
      return names.flatMap((n) => {
        const at = backupTime(n);
        return at ? [{ name: n, createdAt: at.toISOString() }] : [];
      });
    },

    runs: () => listBackupRuns(db),

    /** Deletes backups (and their sidecars) the retention policy no longer keeps. */
    async prune(): Promise<string[]> {
      const items = (await service.list()).map((b) => ({ name: b.name, createdAt: new Date(b.createdAt) }));
      const { remove } = selectRetained(items, config().keep);
      for (const name of remove) {
        await target().remove(name);
        await target().remove(sidecars(name).sum);
        await target().remove(sidecars(name).checkpoints);
      }
      return remove;
    },

    /** Downloads a backup to a local file (for restore). */
    async fetch(name: string): Promise<string> {
      const file = await tmpFile(BACKUP_SUFFIX);
      await target().getFile(name, file);
      return file;
    },

    /**
     * Without an identity: the stored file matches its recorded SHA-256 and is an age file.
     * With one: also decrypts it and checks every table against the manifest and the audit log
     * inside against its signed checkpoints.
     */
    async verify(
      nameOrFile: string,
      identityText?: string,
      isLocalFile = nameOrFile.includes('/'),
    ): Promise<VerifyResult> {
      const local = isLocalFile ? nameOrFile : await service.fetch(nameOrFile);
      const name = path.basename(nameOrFile);
      try {
        const sha256 = await sha256File(local);
        const fail = (reason: string, decrypted = false): VerifyResult => ({
          ok: false,
          name,
          sha256,
          decrypted,
          reason,
        });
        const fh = await open(local, 'r');
        const head = Buffer.alloc(AGE_MAGIC.length);
        await fh.read(head, 0, head.length, 0);
        await fh.close();
        if (head.toString('latin1') !== AGE_MAGIC) return fail('not an age-encrypted file');
        const recorded = isLocalFile ? null : await target().getText(sidecars(name).sum);
        if (recorded !== null && recorded.split(/\s+/)[0] !== sha256)
          return fail(
            `SHA-256 ${sha256} differs from the recorded ${recorded.split(/\s+/)[0]} (the file was changed or damaged)`,
          );
        if (!identityText) return { ok: true, name, sha256, decrypted: false };
        const auditRows: Array<Record<string, unknown>> = [];
        let rows = 0;
        try {
          const r = await walkArchive(readEncryptedArchive(local, parseIdentities(identityText)), {
            onRow: (table, row) => {
              rows++;
              if (table === 'audit_events') auditRows.push(row);
            },
          });
          const problems = verifyArchivedAudit(auditRows, r.trailer);
          if (problems.length > 0) return fail(problems.join('; '), true);
        } catch (err) {
          return fail(`the archive does not decrypt or parse: ${(err as Error).message}`, true);
        }
        return { ok: true, name, sha256, decrypted: true, rows };
      } finally {
        if (local !== nameOrFile) await rm(local, { force: true });
      }
    },
  };
  return service;
}

export type BackupService = ReturnType<typeof createBackupService>;
