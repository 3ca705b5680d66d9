// Restoring onto a new machine, as a user does it: a fresh data directory (SQLite) or an empty,
// never-migrated PostgreSQL schema, no master key configured, and the real `sealbill backup
// restore` process. It used to stop with "no such table: kysely_migration" (the restore forgot
// the applied migrations of a database that had never been migrated). Now it rebuilds the schema,
// proves every table's content hash, generates this machine's master key (the database being still
// empty) and rewraps the data keys under it; the restored instance then reads everything.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.ts';
import { createContainer } from '../../src/main/container.ts';
import { tableHashesInTx } from '../../src/modules/backup/backup.snapshot.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, DIALECTS, type TestInstance } from '../helpers/instance.ts';
import { pgAdmin } from '../helpers/pg.ts';
import { runSealbill } from '../helpers/process.ts';
import { seedSensitiveData, SECRET_STRINGS, type SeededData } from '../helpers/sensitive-seed.ts';

let identity = '';
let recipient = '';
beforeAll(async () => {
  identity = await generateX25519Identity();
  recipient = await identityToRecipient(identity);
});

/** What the user has on the new machine: an empty directory, and for PostgreSQL an empty schema. */
async function newMachine(
  target: 'sqlite' | 'postgres',
): Promise<{ dir: string; env: Record<string, string>; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-new-machine-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    SEALBILL_DATA_DIR: path.join(dir, 'data'),
    SEALBILL_LOG_LEVEL: 'silent',
  };
  let schema: string | null = null;
  if (target === 'postgres') {
    schema = `r_${randomBytes(6).toString('hex')}`;
    await pgAdmin(`CREATE SCHEMA ${schema}`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    env.DATABASE_URL = url.toString();
  }
  return {
    dir,
    env,
    async cleanup() {
      if (schema) {
        await pgAdmin(`DROP SCHEMA ${schema} CASCADE`);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeEachDb('restore onto a new machine', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let seeded: SeededData;
  let backupDir: string;

  beforeEach(async () => {
    backupDir = mkdtempSync(path.join(tmpdir(), 'sealbill-backups-'));
    t = await createTestInstance(dialect, {
      env: { SEALBILL_BACKUP_TARGET: backupDir, SEALBILL_BACKUP_RECIPIENTS: recipient },
    });
    api = await setupOrg(t.app);
    seeded = await seedSensitiveData(t, api);
  });
  afterEach(async () => {
    await t.close();
    rmSync(backupDir, { recursive: true, force: true });
  });

  for (const target of DIALECTS) {
    it(
      `\`sealbill backup restore\` into a fresh ${target === 'sqlite' ? 'data directory' : 'empty PostgreSQL schema'} reproduces every record`,
      { timeout: 180_000 },
      async () => {
        await t.container.services.checkpoints.create(api.orgId); // so the backup's own checkpoint adds nothing
        const before = await tableHashesInTx(t.container.db, dialect);
        const entriesBefore = await t.container.db
          .selectFrom('audit_events')
          .select(['org_id', 'seq', 'hash'])
          .orderBy('id')
          .execute();
        const r = await t.container.services.backups.create();
        const machine = await newMachine(target);
        try {
          const idFile = path.join(machine.dir, 'backup-identity.txt');
          writeFileSync(idFile, `${identity}\n`, { mode: 0o600 });
          const restored = runSealbill(
            ['backup', 'restore', path.join(backupDir, r.name), '--identity', idFile],
            machine.env,
          );
          expect(restored.code, `${restored.out}\n${restored.err}`).toBe(0);
          expect(restored.out).toMatch(
            /Restored \d+ rows in \d+ tables .*every table matches the backup's content hash/,
          );
          expect(restored.out).toMatch(/Rewrapped 1 data key\(s\) under this instance's master key k[0-9a-f]{16}/);
          expect(readdirSync(path.join(machine.dir, 'data'))).toContain('master.key');

          // The new machine, started as a user would (same environment), serves the same data.
          const c = await createContainer(parseConfig(machine.env), { warn: () => {} });
          try {
            const after = await tableHashesInTx(c.db, target);
            // Identical except the rewrapped data keys and the audit entry recording the rewrap.
            const changed = Object.keys(before).filter((k) => before[k]!.sha256 !== after[k]?.sha256);
            expect(changed.sort()).toEqual(['audit_events', 'org_keys']);
            const entriesAfter = await c.db
              .selectFrom('audit_events')
              .select(['org_id', 'seq', 'hash', 'action'])
              .orderBy('id')
              .execute();
            expect(
              entriesAfter.slice(0, entriesBefore.length).map(({ action: _a, ...e }) => ({ ...e, seq: Number(e.seq) })),
            ).toEqual(entriesBefore.map((e) => ({ ...e, seq: Number(e.seq) })));
            expect(entriesAfter.slice(entriesBefore.length).map((e) => e.action)).toEqual(['keys.master_rotated']);
            expect((await c.services.clients.get(api.orgId, seeded.clientId)).name).toBe(SECRET_STRINGS.clientName);
            expect(
              (await c.services.lifecycle.pdf(api.orgId, 'invoice', seeded.invoiceId)).bytes.equals(seeded.pdf),
            ).toBe(true);
            expect((await c.services.checkpoints.verify(api.orgId)).ok).toBe(true);
          } finally {
            await c.close();
          }
        } finally {
          await machine.cleanup();
        }
      },
    );
  }
});
