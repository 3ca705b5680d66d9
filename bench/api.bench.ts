/**
 * API throughput on loopback: the real HTTP app (auth, validation, services, SQLite, request
 * logging to a discarding stream) under autocannon, whose load generator runs in a worker thread
 * so it does not share the server's event loop.
 *
 *   node bench/api.bench.ts                      (10 s per scenario, 10 connections)
 *   BENCH_API_SECONDS=5 BENCH_API_CONNECTIONS=20 node bench/api.bench.ts
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { parseConfig } from '../src/config/env.ts';
import { buildHttpApp } from '../src/main/app.ts';
import { createContainer } from '../src/main/container.ts';
import { decodeMasterKey } from '../src/platform/crypto/master-key.ts';
import { baseLoggerOptions } from '../src/platform/logger.ts';

const seconds = Number(process.env.BENCH_API_SECONDS ?? 10);
const connections = Number(process.env.BENCH_API_CONNECTIONS ?? 10);
const ACTOR = { type: 'system' as const, id: 'bench' };

const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-bench-api-'));
const config = parseConfig({ SEALBILL_DATA_DIR: dir, SEALBILL_LOG_LEVEL: 'info' });
const c = await createContainer(config, {
  masterKey: decodeMasterKey(randomBytes(32).toString('base64'), 'bench'),
  warn: () => {},
});
const app = await buildHttpApp(c, { logger: { ...baseLoggerOptions('info'), stream: { write: () => {} } } });

interface Result {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  statusCodeStats: Record<string, { count: number }>;
}

async function scenario(title: string, opts: Record<string, unknown>): Promise<Result> {
  const r = (await autocannon({ title, connections, duration: seconds, workers: 1, ...opts })) as Result;
  const codes = Object.entries(r.statusCodeStats ?? {})
    .map(([code, s]) => `${code}×${s.count}`)
    .join(' ');
  console.log(
    `${title}: ${r.requests.average.toFixed(0)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, mean ${r.latency.average.toFixed(1)} ms; status ${codes}; errors ${r.errors}`,
  );
  if (r.non2xx > 0 || r.errors > 0) console.log(`  WARNING: ${r.non2xx} non-2xx responses, ${r.errors} errors`);
  return r;
}

try {
  const { org, token } = await c.services.bootstrap.setup(
    {
      organization: { name: 'Bench API Ltd', defaultCurrency: 'EUR', locale: 'en-GB' },
      owner: { email: 'bench@example.test', name: 'Bench' },
    },
    { firstRunOnly: true, actor: ACTOR },
  );
  const vat = await c.services.catalog.createTaxRate(org.id, { name: 'VAT', rateBp: 2000 }, ACTOR);
  const client = await c.services.clients.create(
    org.id,
    { name: 'Globex Corporation', email: 'billing@globex.example' },
    ACTOR,
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  console.log(`server ${url}, SQLite, ${connections} connections, ${seconds} s per scenario, node ${process.version}`);

  const body = JSON.stringify({
    clientId: client.id,
    lines: [
      { description: 'Consulting', quantity: '8', unit: 'h', unitPrice: 12_000, taxRateId: vat.id },
      { description: 'Travel', quantity: '1', unitPrice: 4_550, discount: { type: 'percent', basisPoints: 1000 } },
    ],
    notes: 'Thank you for your business.',
  });
  const create = await scenario('POST /api/v1/invoices (create draft)', {
    url: `${url}/api/v1/invoices`,
    method: 'POST',
    headers,
    body,
  });
  const list = await scenario('GET /api/v1/invoices?limit=50', {
    url: `${url}/api/v1/invoices?limit=50`,
    headers: { authorization: headers.authorization },
  });
  const drafts = await c.db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  console.log(
    `ratio: list/create throughput ${(list.requests.average / create.requests.average).toFixed(2)}; ${Number(drafts.n)} drafts in the database after the run`,
  );
} finally {
  await app.close();
  await c.close();
  rmSync(dir, { recursive: true, force: true });
}
