// Encrypted backups, attacked and restored: the archive holds no plaintext and decrypts with the
// standard `age` tool; a flipped byte is caught; a restore into an empty SQLite or PostgreSQL
// database reproduces every record (same content hash per table), refuses to overwrite a live
// instance, and the restored instance serves the same data under its own master key.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { backupCommand } from '../../src/main/cli/backup.commands.ts';
import { createContainer } from '../../src/main/container.ts';
import { clientListQuery } from '../../src/modules/clients/client.schemas.ts';
import { restoreBackup } from '../../src/modules/backup/backup.restore.ts';
import { tableHashesInTx } from '../../src/modules/backup/backup.snapshot.ts';
import { openDatabase } from '../../src/platform/db/kysely.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestInstance, describeEachDb, DIALECTS, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { seedSensitiveData, SECRET_STRINGS, type SeededData } from '../helpers/sensitive-seed.ts';
import { usable } from '../helpers/tools.ts';

let identity = '';
let recipient = '';
beforeAll(async () => {
  identity = await generateX25519Identity();
  recipient = await identityToRecipient(identity);
});

describeEachDb('encrypted backups', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let seeded: SeededData;
  let backupDir: string;
  let idFile: string;
  let clock: FixedClock;

  beforeEach(async () => {
    clock = new FixedClock('2026-03-02T09:00:00Z');
    backupDir = path.join(mkdtempSync(path.join(tmpdir(), 'sealbill-backups-')), 'target');
    t = await createTestInstance(dialect, {
      clock,
      env: {
        SEALBILL_BACKUP_TARGET: backupDir,
        SEALBILL_BACKUP_RECIPIENTS: recipient,
        SEALBILL_BACKUP_KEEP_DAILY: '2',
        SEALBILL_BACKUP_KEEP_WEEKLY: '0',
        SEALBILL_BACKUP_KEEP_MONTHLY: '0',
      },
    });
    idFile = path.join(t.dir, 'backup-identity.txt');
    writeFileSync(idFile, `# test identity\n${identity}\n`, { mode: 0o600 });
    api = await setupOrg(t.app);
    seeded = await seedSensitiveData(t, api);
  });
  afterEach(async () => {
    await t.close();
    rmSync(path.dirname(backupDir), { recursive: true, force: true });
  });

  it('writes an age-encrypted archive with no plaintext, which the age CLI decrypts', async () => {
    const r = await t.container.services.backups.create();
    const files = readdirSync(backupDir);
    expect(files).toEqual(
      expect.arrayContaining([r.name, `${r.name}.sha256`, r.name.replace('.jsonl.gz.age', '.checkpoints.json')]),
    );
    const raw = readFileSync(path.join(backupDir, r.name));
    expect(raw.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    for (const s of seeded.secrets) expect(raw.includes(Buffer.from(s)), s).toBe(false);
    expect(readFileSync(path.join(backupDir, `${r.name}.sha256`), 'utf8')).toBe(`${r.sha256}  ${r.name}\n`);
    expect(execFileSync('sha256sum', ['-c', `${r.name}.sha256`], { cwd: backupDir }).toString()).toMatch(/: OK/);
    expect(r.tables.sessions).toBeUndefined();
    expect(r.tables.clients!.rows).toBe(1);
    if (!usable(['age'], 'decrypting with the age CLI')) return;
    const plain = gunzipSync(execFileSync('age', ['--decrypt', '-i', idFile, path.join(backupDir, r.name)]));
    const lines = plain.toString('utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'sealbill-backup/v1', sourceDialect: dialect });
    expect(JSON.parse(lines[lines.length - 1]!)).toMatchObject({ end: true, tables: { clients: { rows: 1 } } });
    // Inside, personal data is still ciphertext under the org keys (defence in depth).
    expect(plain.includes(Buffer.from(SECRET_STRINGS.clientName))).toBe(false);
    // A wrong identity cannot decrypt.
    const other = path.join(t.dir, 'other.txt');
    writeFileSync(other, `${await generateX25519Identity()}\n`);
    expect(spawnSync('age', ['--decrypt', '-i', other, path.join(backupDir, r.name)]).status).not.toBe(0);
  });

  it('verifies integrity with and without the identity, and catches a flipped byte', async () => {
    const r = await t.container.services.backups.create();
    const ok = await runCli(t, backupCommand, ['verify', r.name, '--identity', idFile]);
    expect(ok.out).toMatch(/^OK .*decrypted: \d+ rows match the manifest/);
    expect((await t.container.services.backups.verify(r.name)).ok).toBe(true);

    const file = path.join(backupDir, r.name);
    const bytes = readFileSync(file);
    bytes[bytes.length - 100]! ^= 0x01;
    writeFileSync(file, bytes);
    expect(await t.container.services.backups.verify(r.name)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/differs from the recorded/),
    });
    // Even with the checksum sidecar replaced, decryption catches it (age authenticates every chunk).
    writeFileSync(`${file}.sha256`, `${execFileSync('sha256sum', [file]).toString().split(' ')[0]}  ${r.name}\n`);
    const bad = await runCli(t, backupCommand, ['verify', r.name, '--identity', idFile]);
    expect(bad.exitCode).toBe(1);
    expect(bad.out).toMatch(/FAIL .*does not decrypt/);
  });

  for (const target of DIALECTS) {
    it(`restores into an empty ${target} database with every record identical by content hash`, async () => {
      await t.container.services.checkpoints.create(api.orgId); // so the backup's own checkpoint adds nothing
      const before = await tableHashesInTx(t.container.db, dialect);
      const r = await t.container.services.backups.create();
      const file = await t.container.services.backups.fetch(r.name);
      const fresh = await createTestInstance(target);
      try {
        await fresh.app.close();
        const handle = openDatabase(fresh.config.database);
        try {
          const res = await restoreBackup(handle, file, identity, { force: false });
          expect(res.rows).toBeGreaterThan(20);
          expect(await tableHashesInTx(handle.db, target)).toEqual(before);
        } finally {
          await handle.close();
        }
      } finally {
        await fresh.close().catch(() => {});
      }
    });
  }

  it('refuses to overwrite a live instance without --force, and replaces it with --force', async () => {
    const r = await t.container.services.backups.create();
    const refused = runCli(t, backupCommand, ['restore', r.name, '--identity', idFile]);
    await expect(refused).rejects.toThrow(/refuses to overwrite a live instance/);
    await api.ok('POST', '/api/v1/clients', { name: 'Created after the backup' });
    const forced = await runCli(t, backupCommand, ['restore', r.name, '--identity', idFile, '--force']);
    expect(forced.out).toMatch(/Restored \d+ rows/);
    // The restore moved the data keys under the master key of this configuration.
    const c = await createContainer(t.config, { warn: () => {} });
    try {
      const names = (await c.services.clients.list(api.orgId, clientListQuery.parse({}))).items.map((x) => x.name);
      expect(names).toEqual([SECRET_STRINGS.clientName]);
    } finally {
      await c.close();
    }
  });

  it('a restored instance with its own master key serves the same data (data keys rewrapped)', async () => {
    const r = await t.container.services.backups.create();
    const file = await t.container.services.backups.fetch(r.name);
    const target = await createTestInstance(dialect, {
      env: { SEALBILL_MASTER_KEY: randomBytes(32).toString('base64') },
    });
    try {
      const out = await runCli(target, backupCommand, ['restore', file, '--identity', idFile]);
      expect(out.out).toMatch(/Rewrapped 1 data key\(s\)/);
      const c = await createContainer(target.config, { warn: () => {} });
      try {
        const client = await c.services.clients.get(api.orgId, seeded.clientId);
        expect(client.name).toBe(SECRET_STRINGS.clientName);
        expect(client.contacts[0]!.email).toBe(SECRET_STRINGS.contactEmail);
        const pdf = await c.services.lifecycle.pdf(api.orgId, 'invoice', seeded.invoiceId);
        expect(pdf.bytes.equals(seeded.pdf)).toBe(true);
        expect((await c.services.checkpoints.verify(api.orgId)).ok).toBe(true);
      } finally {
        await c.close();
      }
    } finally {
      await target.close();
    }
  });

  it('runs on schedule once per slot and prunes by retention', async () => {
    const backups = t.container.services.backups;
    expect(await backups.runScheduled()).not.toBeNull();
    expect(await backups.runScheduled()).toBeNull();
    for (let d = 1; d <= 3; d++) {
      clock.advance(24 * 3_600_000);
      expect(await backups.runScheduled()).not.toBeNull();
    }
    // KEEP_DAILY=2, no weekly or monthly: the two newest days remain.
    expect((await backups.list()).map((b) => b.createdAt.slice(0, 10))).toEqual(['2026-03-04', '2026-03-05']);
    const runs = await backups.runs();
    expect(runs.filter((x) => x.status === 'done')).toHaveLength(4);
  });
});
