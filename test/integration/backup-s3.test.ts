// The S3 backup target against a small S3-compatible server on loopback (path-style PUT, GET,
// DELETE and ListObjectsV2, as MinIO and others speak it): a backup is uploaded, listed,
// verified, fetched and restored from it, and retention deletes objects there.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreBackup } from '../../src/modules/backup/backup.restore.ts';
import { tableHashesInTx } from '../../src/modules/backup/backup.snapshot.ts';
import { openDatabase } from '../../src/platform/db/kysely.ts';
import { setupOrg } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';

interface FakeS3 {
  url: string;
  objects: Map<string, Buffer>;
  close(): Promise<void>;
}

async function startFakeS3(bucket: string): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const [, b, ...rest] = decodeURIComponent(u.pathname).split('/');
    const key = rest.join('/');
    if (b !== bucket) return res.writeHead(404).end();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'PUT') {
        objects.set(key, Buffer.concat(chunks));
        return res.writeHead(200, { etag: '"x"' }).end();
      }
      if (req.method === 'GET' && key) {
        const o = objects.get(key);
        if (!o)
          return res
            .writeHead(404, { 'content-type': 'application/xml' })
            .end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>none</Message></Error>');
        return res.writeHead(200, { 'content-length': o.length, 'content-type': 'application/octet-stream' }).end(o);
      }
      if (req.method === 'DELETE') {
        objects.delete(key);
        return res.writeHead(204).end();
      }
      if (req.method === 'GET' && u.searchParams.get('list-type') === '2') {
        const prefix = u.searchParams.get('prefix') ?? '';
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
        const body = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${keys.map((k) => `<Contents><Key>${k}</Key><Size>${objects.get(k)!.length}</Size></Contents>`).join('')}</ListBucketResult>`;
        return res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
      }
      res.writeHead(400).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describeEachDb('S3-compatible backup target', (dialect) => {
  let s3: FakeS3;
  let t: TestInstance;
  let identity: string;
  const clock = new FixedClock('2026-05-01T03:00:00Z');

  beforeAll(async () => {
    s3 = await startFakeS3('backups');
    identity = await generateX25519Identity();
    t = await createTestInstance(dialect, {
      clock,
      env: {
        SEALBILL_BACKUP_TARGET: 's3://backups/sealbill/prod',
        SEALBILL_BACKUP_RECIPIENTS: await identityToRecipient(identity),
        SEALBILL_BACKUP_S3_ENDPOINT: s3.url,
        SEALBILL_BACKUP_S3_ACCESS_KEY_ID: 'test',
        SEALBILL_BACKUP_S3_SECRET_ACCESS_KEY: 'test-secret',
        SEALBILL_BACKUP_KEEP_DAILY: '1',
        SEALBILL_BACKUP_KEEP_WEEKLY: '0',
        SEALBILL_BACKUP_KEEP_MONTHLY: '0',
      },
    });
    const api = await setupOrg(t.app);
    await api.ok('POST', '/api/v1/clients', { name: 'Stored in S3' });
  });
  afterAll(async () => {
    await t.close();
    await s3.close();
  });

  it('uploads, lists, verifies, restores from and prunes an S3 bucket', async () => {
    const backups = t.container.services.backups;
    await t.container.services.checkpoints.create(
      (await t.container.db.selectFrom('orgs').select('id').executeTakeFirstOrThrow()).id,
    );
    const source = await tableHashesInTx(t.container.db, dialect);
    const r = await backups.create();
    expect(r.target).toBe('s3://backups/sealbill/prod');
    expect([...s3.objects.keys()].sort()).toEqual(
      [
        `sealbill/prod/${r.name}`,
        `sealbill/prod/${r.name}.sha256`,
        `sealbill/prod/${r.name.replace('.jsonl.gz.age', '.checkpoints.json')}`,
      ].sort(),
    );
    expect(s3.objects.get(`sealbill/prod/${r.name}`)!.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect((await backups.list()).map((b) => b.name)).toEqual([r.name]);
    expect(await backups.verify(r.name, identity)).toMatchObject({ ok: true, decrypted: true });

    const file = await backups.fetch(r.name);
    const fresh = await createTestInstance(dialect);
    try {
      const handle = openDatabase(fresh.config.database);
      try {
        await restoreBackup(handle, file, identity, { force: false });
        expect(await tableHashesInTx(handle.db, dialect)).toEqual(source);
      } finally {
        await handle.close();
      }
    } finally {
      await fresh.close();
    }

    clock.advance(86_400_000);
    const second = await backups.runScheduled();
    expect(second).not.toBeNull();
    expect((await backups.list()).map((b) => b.name)).toEqual([second!.name]);
    expect([...s3.objects.keys()].some((k) => k.includes(r.name))).toBe(false);
  });
});
