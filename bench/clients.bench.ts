/**
 * Client create with the look-alike domain check at 1k and 10k clients in one organization
 * (issue #13, item 8), on SQLite in a temporary data dir. Before the domain index (migration
 * 0025) each create decrypted every client and contact of the organization, so it grew with the
 * organization and an import was quadratic. Target: under 5 ms median at 10k clients, and flat.
 *
 * The seeded clients are written straight into the tables with their sealed PII and their domain
 * index rows (as the service writes them), 70% with a domain of their own and 30% at a few mail
 * providers; then creates go through the real service (`clients.create`: check, insert, audit,
 * search tokens, domain index), with a new domain (the common case) and with a look-alike of a
 * known domain (the warning path, which also audits the warning).
 *
 *   node bench/clients.bench.ts                       (1,000 / 10,000)
 *   BENCH_CLIENT_SIZES=1000 node bench/clients.bench.ts
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/env.ts';
import { createContainer } from '../src/main/container.ts';
import { decodeMasterKey } from '../src/platform/crypto/master-key.ts';
import { refreshPlannerStatistics } from '../src/platform/db/migrate.ts';
import { newId } from '../src/platform/ids.ts';
import { createDomainCache, writeClientDomainsInTx } from '../src/modules/clients/client-domains.ts';

const sizes = (process.env.BENCH_CLIENT_SIZES ?? '1000,10000').split(',').map(Number);
const TARGET_MS = 5;
const RUNS = 200;
const ACTOR = { type: 'system' as const, id: 'bench' };
const PROVIDERS = ['gmail.com', 'web.de', 'gmx.de', 'outlook.com', 't-online.de'];
/** A business domain of letters only, far from the others. */
const domainOf = (i: number) =>
  `${createHash('sha256').update(`d${i}`).digest('hex').replace(/[0-9]/g, '').slice(0, 9)}-gmbh.de`;

/** A seeded client's own domain (indexes ending in 3 to 9 have one; the others use a provider). */
const knownDomain = (size: number, i: number) => domainOf(10 * ((Math.abs(i) * 37) % Math.floor(size / 10)) + 5);

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-bench-clients-'));
const config = parseConfig({ SEALBILL_DATA_DIR: dir, SEALBILL_LOG_LEVEL: 'silent' });
const c = await createContainer(config, {
  masterKey: decodeMasterKey(randomBytes(32).toString('base64'), 'bench'),
  warn: () => {},
});
const s = c.services;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
async function timeEach(fn: (i: number) => Promise<unknown>): Promise<{ median: number; p99: number }> {
  for (let i = 0; i < 10; i++) await fn(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { median: pct(out, 0.5), p99: pct(out, 0.99) };
}

try {
  const { org } = await s.bootstrap.setup(
    {
      organization: { name: 'Bench Clients GmbH', defaultCurrency: 'EUR', locale: 'de-DE', timeZone: 'Europe/Berlin' },
      owner: { email: 'bench@example.test', name: 'Bench' },
    },
    { firstRunOnly: true, actor: ACTOR },
  );
  const first = await s.clients.create(org.id, { name: 'Kunde 0', email: `ap@${domainOf(0)}` }, ACTOR);
  const template = await c.db.selectFrom('clients').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
  const crypto = await c.keyring.forOrg(c.db, org.id);
  const basePii = crypto.decryptJson(template.pii_enc, {
    table: 'clients',
    row: first.id,
    column: 'pii_enc',
  }) as object;
  // Seeding commits before any check: the cache that records its seqs is a throwaway.
  const seeding = createDomainCache();
  let have = 1;
  let made = 0;
  const medians: number[] = [];
  console.log(`target: client create < ${TARGET_MS} ms median at 10k clients, flat across sizes`);
  for (const size of sizes) {
    for (; have < size;) {
      await c.db.transaction().execute(async (tx) => {
        for (let k = 0; k < 500 && have < size; k++, have++) {
          const id = newId();
          const domain = have % 10 < 3 ? PROVIDERS[have % PROVIDERS.length]! : domainOf(have);
          const email = `kunde${have}@${domain}`;
          await tx
            .insertInto('clients')
            .values({
              ...template,
              id,
              pii_enc: crypto.encryptJson(
                { ...basePii, name: `Kunde ${have}`, email },
                {
                  table: 'clients',
                  row: id,
                  column: 'pii_enc',
                },
              ),
              email_bidx: crypto.blindIndex(email, 'email'),
            })
            .execute();
          await writeClientDomainsInTx(tx, crypto, seeding, org.id, id, [domain]);
        }
      });
    }
    await refreshPlannerStatistics(c);
    const fresh = await timeEach((i) =>
      s.clients.create(org.id, { name: `Neu ${size} ${i}`, email: `ap@${domainOf(1_000_000 + made++)}` }, ACTOR),
    );
    const lookalike = await timeEach((i) => {
      const d = knownDomain(size, i);
      return s.clients.create(
        org.id,
        { name: `Fake ${size} ${i}`, email: `ap@${d.replace('-gmbh', '-grnbh')}` },
        ACTOR,
      );
    });
    const noEmail = await timeEach((i) => s.clients.create(org.id, { name: `Ohne ${size} ${i}` }, ACTOR));
    // The check alone (rows written since the last check, probes, the comparison), without a write or commit.
    const checkOnly = await timeEach(async (i) => {
      const d = knownDomain(size, i + 7).replace('-gmbh', '-gmhb');
      const w = await s.clients.findLookalikesInTx(c.db, org.id, [d, domainOf(2_000_000 + i)]);
      if (w.length === 0) throw new Error(`look-alike not found: ${d}`);
    });
    medians.push(fresh.median);
    const line = (label: string, r: { median: number; p99: number }) =>
      `  ${label.padEnd(30)} median ${r.median.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms`;
    console.log(
      `clients.create.${size}: ${size} clients (${RUNS} creates each; target < ${TARGET_MS} ms median)\n` +
        `${line('new domain', fresh)}\n${line('look-alike domain (warns)', lookalike)}\n` +
        `${line('no email (no check; baseline)', noEmail)}\n${line('check only (2 domains, no write)', checkOnly)}`,
    );
    have += 3 * (RUNS + 10);
  }
  if (medians.length > 1)
    console.log(
      `clients.create.growth: median at ${sizes[sizes.length - 1]} vs ${sizes[0]} clients: ${(medians[medians.length - 1]! / medians[0]!).toFixed(1)}× (target ≈ 1×; linear before migration 0025)`,
    );
} finally {
  await c.close();
  rmSync(dir, { recursive: true, force: true });
}
