// A stolen disk or dump: after seeding personal and financial data through the API, neither the
// raw database files (SQLite, with its WAL) nor a dump of every column (PostgreSQL, and pg_dump
// when installed) contains any seeded plaintext or any piece of the issued PDF. Then tampering:
// a flipped byte, swapped or moved ciphertexts, and another org's ciphertext all fail loudly
// (integrity_failed) and never answer wrong data.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ENCRYPTED_COLUMNS } from '../../src/platform/crypto/encrypted-columns.ts';
import { OrgCrypto } from '../../src/platform/crypto/keyring.ts';
import { readCatalog } from '../../src/platform/db/catalog.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { seedSensitiveData, SECRET_STRINGS, type SeededData } from '../helpers/sensitive-seed.ts';
import { usable } from '../helpers/tools.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every text and bytes value of every table, as one buffer (what a SQL dump contains). */
async function dumpAllColumns(t: TestInstance): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const table of await readCatalog(t.container.db, t.container.dialect)) {
    const cols = table.columns.filter((c) => c.type === 'text' || c.type === 'bytes');
    if (cols.length === 0) continue;
    const rows = await sql<
      Record<string, string | Buffer | null>
    >`select ${sql.join(cols.map((c) => sql.ref(c.name)))} from ${sql.table(table.name)}`.execute(t.container.db);
    for (const r of rows.rows)
      for (const v of Object.values(r))
        if (v !== null) parts.push(Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'));
  }
  return Buffer.concat(parts);
}

/**
 * The parts of a signed PDF that are the document: the two /ByteRange pieces. The gap between them
 * is the /Contents hex string, the CMS signature: the signing certificate, its SHA-256 (ESS
 * signing-certificate-v2 certHash, the same value as the published fingerprint stored in clear in
 * signing_identities.fingerprint_sha256) and signed hashes. Those are public values, so a window
 * sampled there matches the database whenever the stride happens to land inside the 64-character
 * certHash: that was the flaky "column dump contains PDF bytes at …" failure (a few percent per
 * check, the offset moving with the PDF's length).
 */
function documentRanges(pdf: Buffer): Array<[number, number]> {
  const m = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.toString('latin1'));
  if (!m) return [[0, pdf.length]];
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  return [
    [a, a + b],
    [c, c + d],
  ];
}

/** The CMS signature hex (between the ByteRange pieces), or null for an unsigned PDF. */
function signatureGap(pdf: Buffer): [number, number] | null {
  const r = documentRanges(pdf);
  return r.length === 2 ? [r[0]![1], r[1]![0]] : null;
}

function assertNoPlaintext(raw: Buffer, seeded: SeededData, where: string): void {
  for (const s of seeded.secrets) expect(raw.includes(Buffer.from(s, 'utf8')), `${where} contains "${s}"`).toBe(false);
  expect(raw.includes(Buffer.from('%PDF-')), `${where} contains a PDF`).toBe(false);
  // Any 48-byte window of the document (its fonts, streams, trailer) would be a leak of it.
  for (const [start, end] of documentRanges(seeded.pdf)) {
    for (let off = start; off + 48 <= end; off += Math.max(48, Math.floor(seeded.pdf.length / 40))) {
      const window = seeded.pdf.subarray(off, off + 48);
      // Skip low-entropy runs (a signature placeholder of zeros matches any all-zero hash).
      if (new Set(window).size < 12) continue;
      expect(raw.includes(window), `${where} contains PDF bytes at ${off}`).toBe(false);
    }
  }
}

describeEachDb('data at rest', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let seeded: SeededData;

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app);
    seeded = await seedSensitiveData(t, api);
  });
  afterAll(() => t.close());

  it('a raw dump of the database and its files holds none of the seeded plaintext', async () => {
    assertNoPlaintext(await dumpAllColumns(t), seeded, 'column dump');
    if (dialect === 'sqlite') {
      const files = filesUnder(t.dir);
      expect(files.some((f) => f.endsWith('.db'))).toBe(true);
      assertNoPlaintext(Buffer.concat(files.map((f) => readFileSync(f))), seeded, 'data directory');
    } else if (usable(['pg_dump'], 'a pg_dump of the schema')) {
      const db = t.config.database as { url: string; schema?: string };
      const dump = spawnSync('pg_dump', ['--schema', db.schema ?? 'public', '--data-only', db.url], {
        maxBuffer: 256 * 1024 * 1024,
      });
      expect(dump.status, dump.stderr.toString()).toBe(0);
      expect(dump.stdout.includes(Buffer.from('clients'))).toBe(true);
      assertNoPlaintext(dump.stdout, seeded, 'pg_dump');
    }
    // The API still reads it all back.
    expect((await api.ok('GET', `/api/v1/clients/${seeded.clientId}`)).name).toBe(SECRET_STRINGS.clientName);
  });

  it('the PDF signature value is public: it carries the certificate fingerprint that is stored in clear, so it is not sampled', async () => {
    const gap = signatureGap(seeded.pdf);
    expect(gap).not.toBeNull();
    const { fingerprint_sha256: fp } = await t.container.db
      .selectFrom('signing_identities')
      .select('fingerprint_sha256')
      .where('org_id', '=', api.orgId)
      .executeTakeFirstOrThrow();
    const at = seeded.pdf.indexOf(fp, 0, 'latin1');
    // The certHash sits inside /Contents, and any 48-byte window of it is in the dump: the old
    // sampler, which walked the whole file, failed whenever its stride landed there.
    expect(at).toBeGreaterThan(gap![0]);
    expect(at + fp.length).toBeLessThan(gap![1]);
    expect((await dumpAllColumns(t)).includes(seeded.pdf.subarray(at, at + 48))).toBe(true);
    // The sampled document ranges never reach into it.
    for (const [start, end] of documentRanges(seeded.pdf)) expect(end <= gap![0] || start >= gap![1]).toBe(true);
  });

  it('every ciphertext names its key and uses a fresh nonce', async () => {
    const nonces = new Set<string>();
    let n = 0;
    for (const col of ENCRYPTED_COLUMNS) {
      const rows = await sql<{
        v: string | Buffer | null;
      }>`select ${sql.ref(col.column)} as v from ${sql.table(col.table)}`.execute(t.container.db);
      for (const { v } of rows.rows) {
        if (v === null) continue;
        const keyId = OrgCrypto.keyIdOf(typeof v === 'string' ? v : Buffer.from(v));
        expect(keyId).toMatch(/^[0-9a-f-]{36}$/);
        const sealed =
          typeof v === 'string'
            ? Buffer.from(v.split('.')[2]!, 'base64url')
            : Buffer.from(v).subarray(4 + keyId.length);
        nonces.add(sealed.subarray(0, 12).toString('hex'));
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(10);
    expect(nonces.size).toBe(n);
    const crypto = await t.container.keyring.forOrg(t.container.db, api.orgId);
    const aad = { table: 'clients', row: 'x', column: 'pii_enc' };
    expect(crypto.encryptText('same', aad)).not.toBe(crypto.encryptText('same', aad));
  });

  it('a flipped byte in a stored ciphertext fails loudly, never answering wrong data', async () => {
    const other = await api.ok('POST', '/api/v1/clients', { name: 'Flip Target', email: 'flip@target.test' });
    const row = await t.container.db
      .selectFrom('clients')
      .select('pii_enc')
      .where('id', '=', other.id)
      .executeTakeFirstOrThrow();
    const body = Buffer.from(row.pii_enc.split('.')[2]!, 'base64url');
    body[20]! ^= 0x01;
    const [v, k] = row.pii_enc.split('.');
    await t.container.db
      .updateTable('clients')
      .set({ pii_enc: `${v}.${k}.${body.toString('base64url')}` })
      .where('id', '=', other.id)
      .execute();
    const res = await api.req('GET', `/api/v1/clients/${other.id}`);
    const problem = expectProblem(res, 500, 'integrity_failed');
    expect(res.body).not.toMatch(/Flip Target|pii_enc|clients\//);
    expect(problem.detail).toMatch(/integrity/);
    expectProblem(await api.req('GET', '/api/v1/clients'), 500, 'integrity_failed');
    // Clean up for the tests that follow (clients are never deleted in the product, so no cascade).
    await t.container.db.deleteFrom('client_domains').where('client_id', '=', other.id).execute();
    await t.container.db.deleteFrom('clients').where('id', '=', other.id).execute();
  });

  it('swapped, moved or foreign ciphertexts fail (AAD binds table, row and column; keys are per org)', async () => {
    const a = await api.ok('POST', '/api/v1/clients', { name: 'Swap A' });
    const b = await api.ok('POST', '/api/v1/clients', { name: 'Swap B' });
    const get = (id: string) =>
      t.container.db.selectFrom('clients').select('pii_enc').where('id', '=', id).executeTakeFirstOrThrow();
    const [ra, rb] = [await get(a.id), await get(b.id)];
    await t.container.db.updateTable('clients').set({ pii_enc: rb.pii_enc }).where('id', '=', a.id).execute();
    await t.container.db.updateTable('clients').set({ pii_enc: ra.pii_enc }).where('id', '=', b.id).execute();
    expectProblem(await api.req('GET', `/api/v1/clients/${a.id}`), 500, 'integrity_failed');
    expectProblem(await api.req('GET', `/api/v1/clients/${b.id}`), 500, 'integrity_failed');

    // A client's ciphertext moved into a contact column of the same row id space.
    const contact = await t.container.db
      .selectFrom('client_contacts')
      .select(['id', 'pii_enc'])
      .where('id', '=', seeded.contactId)
      .executeTakeFirstOrThrow();
    await t.container.db
      .updateTable('client_contacts')
      .set({ pii_enc: ra.pii_enc })
      .where('id', '=', seeded.contactId)
      .execute();
    expectProblem(await api.req('GET', `/api/v1/clients/${seeded.clientId}`), 500, 'integrity_failed');
    await t.container.db
      .updateTable('client_contacts')
      .set({ pii_enc: contact.pii_enc })
      .where('id', '=', seeded.contactId)
      .execute();

    // Another organization's ciphertext (different data key), even for the same row id.
    const orgB = await setupOrg(t.app, 'Beta Ltd');
    const foreign = await orgB.ok('POST', '/api/v1/clients', { name: 'Beta Client' });
    const fb = await t.container.db
      .selectFrom('clients')
      .select('pii_enc')
      .where('id', '=', foreign.id)
      .executeTakeFirstOrThrow();
    await t.container.db.updateTable('clients').set({ pii_enc: fb.pii_enc }).where('id', '=', a.id).execute();
    expectProblem(await api.req('GET', `/api/v1/clients/${a.id}`), 500, 'integrity_failed');
    await t.container.db.deleteFrom('clients').where('id', 'in', [a.id, b.id]).execute();
    expect((await api.ok('GET', `/api/v1/clients/${seeded.clientId}`)).name).toBe(SECRET_STRINGS.clientName);
  });

  it('a flipped byte in a stored PDF fails the download instead of serving a corrupted document', async () => {
    const doc = await t.container.db
      .selectFrom('documents')
      .select('pdf_file_id')
      .where('id', '=', seeded.invoiceId)
      .executeTakeFirstOrThrow();
    const file = await t.container.db
      .selectFrom('stored_files')
      .select('content_enc')
      .where('id', '=', doc.pdf_file_id!)
      .executeTakeFirstOrThrow();
    const bytes = Buffer.from(file.content_enc);
    bytes[bytes.length - 30]! ^= 0x80;
    await t.container.db
      .updateTable('stored_files')
      .set({ content_enc: bytes })
      .where('id', '=', doc.pdf_file_id!)
      .execute();
    expectProblem(await api.req('GET', `/api/v1/invoices/${seeded.invoiceId}/pdf`), 500, 'integrity_failed');
    await t.container.db
      .updateTable('stored_files')
      .set({ content_enc: Buffer.from(file.content_enc) })
      .where('id', '=', doc.pdf_file_id!)
      .execute();
    expect((await api.req('GET', `/api/v1/invoices/${seeded.invoiceId}/pdf`)).rawPayload.equals(seeded.pdf)).toBe(true);
  });
});
