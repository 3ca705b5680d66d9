// A real RFC 3161 time-stamp authority on loopback: a tiny HTTP server that hands each request to
// `openssl ts -reply` with a TSA certificate generated for the test (EKU timeStamping, critical).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasTool } from './tools.ts';

/** Tests that start the TSA need openssl: wrap them in itNeeds/describeNeeds(['openssl'], …). */
export const hasOpenssl = hasTool('openssl');

export interface TestTsa {
  url: string;
  certPem: string;
  requests: number;
  close(): Promise<void>;
}

const TSA_CONFIG = `[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = ./serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

export async function startTestTsa(): Promise<TestTsa> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-tsa-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  writeFileSync(path.join(dir, 'tsa.cnf'), TSA_CONFIG);
  writeFileSync(path.join(dir, 'serial'), '01\n');
  run([
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
    '-days',
    '2',
    '-subj',
    '/CN=Sealbill Test TSA',
    '-addext',
    'extendedKeyUsage=critical,timeStamping',
    '-addext',
    'keyUsage=critical,digitalSignature',
  ]);
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      n++;
      try {
        const q = path.join(dir, `q${n}.tsq`);
        const r = path.join(dir, `r${n}.tsr`);
        writeFileSync(q, Buffer.concat(chunks));
        run([
          'ts',
          '-reply',
          '-config',
          'tsa.cnf',
          '-queryfile',
          q,
          '-inkey',
          'tsa.key',
          '-signer',
          'tsa.crt',
          '-out',
          r,
        ]);
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(r));
      } catch {
        res.writeHead(500).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    certPem: readFileSync(path.join(dir, 'tsa.crt'), 'utf8'),
    get requests() {
      return n;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
