// RFC 3161 timestamping of audit checkpoints against a real timestamp authority on loopback
// (OpenSSL's `ts -reply` behind a tiny HTTP endpoint). The stored token verifies with
// `openssl ts -verify` for the checkpoint note and fails for an altered note.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
// One TSA client for the whole application (platform/crypto/tsa.ts); its error class is TsaError.
import {
  acceptTimestampResponse,
  buildTimestampRequest,
  TsaError as TimestampError,
} from '../../src/platform/crypto/tsa.ts';
import { setupOrg } from '../helpers/api.ts';
import { createTestInstance, DIALECTS } from '../helpers/instance.ts';
import { describeNeeds } from '../helpers/tools.ts';

describeNeeds(['openssl'], 'RFC 3161 timestamps on audit checkpoints', () => {
  let dir: string;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sealbill-tsa-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'tsa.key',
        '-out',
        'tsa.crt',
        '-subj',
        '/CN=Sealbill Test TSA',
        '-days',
        '2',
        '-addext',
        'extendedKeyUsage=critical,timeStamping',
        '-addext',
        'basicConstraints=critical,CA:FALSE',
        '-addext',
        'keyUsage=critical,digitalSignature',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    writeFileSync(path.join(dir, 'serial'), '01\n');
    writeFileSync(
      path.join(dir, 'tsa.cnf'),
      `[ tsa ]\ndefault_tsa = t\n[ t ]\ndir = ${dir}\nserial = $dir/serial\nsigner_cert = $dir/tsa.crt\ncerts = $dir/tsa.crt\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n`,
    );
    let n = 0;
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const q = path.join(dir, `q${++n}.tsq`);
        const r = path.join(dir, `r${n}.tsr`);
        writeFileSync(q, Buffer.concat(chunks));
        const out = spawnSync('openssl', [
          'ts',
          '-reply',
          '-config',
          path.join(dir, 'tsa.cnf'),
          '-queryfile',
          q,
          '-out',
          r,
        ]);
        if (out.status !== 0) return res.writeHead(500).end();
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(r));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const dialect of DIALECTS) {
    it(`[${dialect}] a signed checkpoint carries a token that openssl verifies, and that fails for an altered note`, async () => {
      const t = await createTestInstance(dialect, { env: { SEALBILL_TSA_URL: url } });
      try {
        const api = await setupOrg(t.app);
        const cp = await api.ok('POST', '/api/v1/audit-checkpoints', undefined, 201);
        expect(cp.timestampToken).toMatch(/^[A-Za-z0-9+/]+=*$/);
        const note = path.join(dir, `${dialect}-note.txt`);
        const token = path.join(dir, `${dialect}-token.der`);
        writeFileSync(note, cp.note);
        writeFileSync(token, Buffer.from(cp.timestampToken, 'base64'));
        const ok = spawnSync('openssl', [
          'ts',
          '-verify',
          '-data',
          note,
          '-in',
          token,
          '-token_in',
          '-CAfile',
          path.join(dir, 'tsa.crt'),
        ]);
        expect(ok.stdout.toString()).toContain('Verification: OK');
        writeFileSync(note, cp.note.replace(/\n\d+\n/, '\n999\n'));
        const bad = spawnSync('openssl', [
          'ts',
          '-verify',
          '-data',
          note,
          '-in',
          token,
          '-token_in',
          '-CAfile',
          path.join(dir, 'tsa.crt'),
        ]);
        expect(bad.status).not.toBe(0);
        expect((await api.ok('GET', '/api/v1/audit-checkpoints')).items[0].timestampToken).toBe(cp.timestampToken);
      } finally {
        await t.close();
      }
    });
  }

  it('refuses a response for other data or with another nonce', async () => {
    const digest = Buffer.alloc(32, 7);
    const nonce = Buffer.from('0102030405060708', 'hex');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query' },
      body: buildTimestampRequest(digest, nonce),
    });
    const der = Buffer.from(await res.arrayBuffer());
    expect(acceptTimestampResponse(der, digest, nonce).token.length).toBeGreaterThan(100);
    expect(() => acceptTimestampResponse(der, Buffer.alloc(32, 8), nonce)).toThrow(TimestampError);
    expect(() => acceptTimestampResponse(der, digest, Buffer.from('0102030405060709', 'hex'))).toThrow(/nonce/);
    expect(() => acceptTimestampResponse(Buffer.from('not der'), digest, nonce)).toThrow(TimestampError);
  });
});
