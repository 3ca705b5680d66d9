/**
 * Encryption-at-rest overhead on the two hottest reads.
 *
 *   node bench/encryption.bench.ts [clients] [invoices]      (default 300 clients, 600 invoices)
 *
 * Two instances with the same data, in the same process and run: one with real AES-256-GCM field
 * encryption, one whose keyring stores the same JSON in clear (the plaintext baseline). Each
 * measurement alternates between them (to share machine noise) and calls the HTTP API through
 * Fastify's inject: GET /api/v1/clients?limit=50 and GET /api/v1/invoices?limit=50.
 * Prints requests/s for both and the ratio encrypted/baseline. Target: ratio ≥ 0.7.
 * The encrypted instance runs as configured by default (key objects reused, an LRU of decrypted
 * field values); a "cold" line repeats it with that cache off, so every row is decrypted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/env.ts';
import { buildHttpApp } from '../src/main/app.ts';
import { createContainer } from '../src/main/container.ts';
import { Keyring, type OrgCrypto } from '../src/platform/crypto/keyring.ts';
import { decodeMasterKey } from '../src/platform/crypto/master-key.ts';
import type { Executor } from '../src/platform/db/kysely.ts';

const TARGET = 0.7;
const nClients = Math.max(1, Number(process.argv[2] ?? 300));
const nInvoices = Math.max(1, Number(process.argv[3] ?? 600));

/** Same format and key ids, no cryptography: the plaintext baseline. */
class PlaintextKeyring extends Keyring {
  override async forOrg(db: Executor, orgId: string): Promise<OrgCrypto> {
    const real = await super.forOrg(db, orgId);
    const prefix = `v1.${real.activeKeyId}.`;
    const plain = Object.create(real) as OrgCrypto;
    return Object.assign(plain, {
      encryptText: (p: string) => prefix + p,
      decryptText: (c: string) => c.slice(c.indexOf('.', 3) + 1),
      encryptBytes: (b: Buffer) => b,
      decryptBytes: (b: Buffer) => b,
    });
  }
}

async function instance(label: string, plaintext: boolean, plaintextCacheEntries?: number) {
  const dir = mkdtempSync(path.join(tmpdir(), `sealbill-bench-${label}-`));
  const config = parseConfig({
    SEALBILL_DATA_DIR: dir,
    SEALBILL_LOG_LEVEL: 'silent',
    SEALBILL_AUDIT_CHECKPOINT_MINUTES: '0',
  });
  const kek = decodeMasterKey(randomBytes(32).toString('base64'), 'bench');
  const opts = { cacheMs: 60_000, ...(plaintextCacheEntries !== undefined && { plaintextCacheEntries }) };
  const keyring = plaintext ? new PlaintextKeyring(kek, { ...opts, plaintextCacheEntries: 0 }) : new Keyring(kek, opts);
  const c = await createContainer(config, { keyring, warn: () => {} });
  const app = await buildHttpApp(c, { logger: false });
  await app.ready();
  const setup = await app.inject({
    method: 'POST',
    url: '/api/v1/setup',
    payload: {
      organization: { name: 'Bench GmbH', defaultCurrency: 'EUR', locale: 'de-DE', timeZone: 'Europe/Berlin' },
      owner: { email: 'owner@bench.test', name: 'Owner' },
    },
  });
  const { token, orgId } = setup.json() as { token: string; orgId: string };
  const actor = { type: 'system' as const, id: 'bench' };
  const clientIds: string[] = [];
  for (let i = 0; i < nClients; i++) {
    const cl = await c.services.clients.create(
      orgId,
      {
        name: `Client ${i} Müller & Söhne GmbH`,
        email: `billing${i}@client${i}.example`,
        addressLines: [`Hauptstraße ${i}`, '10115 Berlin'],
        country: 'DE',
        taxId: `DE${100000000 + i}`,
        notes: 'Prefers invoices by email.',
        contacts: [{ name: `Contact ${i}`, email: `c${i}@client${i}.example`, isPrimary: true }],
      },
      actor,
    );
    clientIds.push(cl.id);
  }
  for (let i = 0; i < nInvoices; i++) {
    await c.services.documents.create(
      orgId,
      'invoice',
      {
        clientId: clientIds[i % clientIds.length]!,
        lines: [
          { description: `Consulting block ${i}`, quantity: '8', unit: 'h', unitPrice: 12_000 },
          { description: 'Travel', quantity: '1', unitPrice: 4_550 },
        ],
        notes: 'Thank you for your business.',
      },
      actor,
    );
  }
  const headers = { authorization: `Bearer ${token}` };
  return {
    label,
    async hit(url: string) {
      const r = await app.inject({ method: 'GET', url, headers });
      if (r.statusCode !== 200) throw new Error(`${label} ${url}: ${r.statusCode} ${r.body}`);
    },
    async close() {
      await app.close();
      await c.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Inst = Awaited<ReturnType<typeof instance>>;

async function rate(inst: Inst, url: string, ms: number): Promise<{ n: number; ms: number }> {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    await inst.hit(url);
    n++;
  }
  return { n, ms: performance.now() - t0 };
}

async function compare(name: string, url: string, enc: Inst, base: Inst): Promise<number> {
  for (let i = 0; i < 20; i++) await Promise.all([enc.hit(url), base.hit(url)]); // warm-up
  const tot = { enc: { n: 0, ms: 0 }, base: { n: 0, ms: 0 } };
  for (let round = 0; round < 6; round++) {
    for (const [k, inst] of round % 2 === 0
      ? ([
          ['enc', enc],
          ['base', base],
        ] as const)
      : ([
          ['base', base],
          ['enc', enc],
        ] as const)) {
      const r = await rate(inst, url, 500);
      tot[k].n += r.n;
      tot[k].ms += r.ms;
    }
  }
  const e = (tot.enc.n / tot.enc.ms) * 1000;
  const b = (tot.base.n / tot.base.ms) * 1000;
  const ratio = e / b;
  console.log(
    `${name}: encrypted ${e.toFixed(1)} req/s, plaintext baseline ${b.toFixed(1)} req/s, ratio ${ratio.toFixed(2)} (target ≥ ${TARGET}) ${ratio >= TARGET ? 'OK' : 'BELOW TARGET'}`,
  );
  return ratio;
}

console.log(`seeding ${nClients} clients and ${nInvoices} draft invoices into three instances…`);
const enc = await instance('encrypted', false);
const cold = await instance('encrypted-cold', false, 0);
const base = await instance('plaintext', true);
try {
  await compare('encryption.clients.list (50/page)', '/api/v1/clients?limit=50', enc, base);
  await compare('encryption.invoices.list (50/page)', '/api/v1/invoices?limit=50', enc, base);
  await compare('encryption.clients.search (q=, every row)', '/api/v1/clients?limit=50&q=zzz', enc, base);
  await compare('encryption.clients.list cold (no plaintext cache)', '/api/v1/clients?limit=50', cold, base);
  await compare('encryption.invoices.list cold (no plaintext cache)', '/api/v1/invoices?limit=50', cold, base);
} finally {
  await enc.close();
  await cold.close();
  await base.close();
}
