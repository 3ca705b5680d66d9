/**
 * Flood isolation (issue #14 items 4 and 5): the p99 of an unrelated staff route (the invoice
 * list) with and without a sign-in flood of wrong passwords from 1,000 distinct addresses.
 *
 * The server is the real one (`sealbill serve` as a child process with the Node options of
 * `npm start`: SQLite in WAL mode with synchronous=FULL, request logging at info), and both load
 * generators (bench/load-client.ts, autocannon) run in processes of their own, so none of them
 * shares the server's event loop.
 * The server trusts X-Forwarded-For from 127.0.0.1 only (SEALBILL_TRUST_PROXY=127.0.0.1), as it
 * would behind a reverse proxy on the same host; that is how the flood comes from 1,000
 * addresses over loopback. The list is probed at a fixed rate (BENCH_FLOOD_LIST_RATE per second),
 * the flood sends as fast as its connections allow.
 *
 *   node bench/flood.bench.ts                          (60 s per phase, the issue's figure)
 *   BENCH_FLOOD_SECONDS=10 node bench/flood.bench.ts   (a quick run)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { serverNodeOptions } from './server-node-options.ts';

const seconds = Number(process.env.BENCH_FLOOD_SECONDS ?? 60);
const listRate = Number(process.env.BENCH_FLOOD_LIST_RATE ?? 40);
// One connection per address, as 1,000 real clients would have. The server holds back its
// refusals (early-refusal.ts), so a flood over few connections would be slowed to a trickle and
// prove nothing; over 1,000 it still sends about a thousand sign-ins per second.
const floodConnections = Number(process.env.BENCH_FLOOD_CONNECTIONS ?? 1000);
const ADDRESSES = 1000;
const INVOICES = 300;
const TARGET_RATIO = 2;
/** Quiet and flood phases alternate this many times; each side adds up to BENCH_FLOOD_SECONDS. */
const ROUNDS = Number(process.env.BENCH_FLOOD_ROUNDS ?? 3);

const root = path.join(import.meta.dirname, '..');
const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-bench-flood-'));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const env = {
  PATH: process.env.PATH ?? '',
  SEALBILL_DATA_DIR: dir,
  SEALBILL_MASTER_KEY: randomBytes(32).toString('base64'),
  SEALBILL_HOST: '127.0.0.1',
  SEALBILL_PORT: String(port),
  SEALBILL_TRUST_PROXY: '127.0.0.1',
  SEALBILL_LOG_LEVEL: 'info',
  // The server's own defaults unless set here (e.g. SEALBILL_PASSWORD_NICE=0 to compare).
  ...(process.env.SEALBILL_PASSWORD_NICE && { SEALBILL_PASSWORD_NICE: process.env.SEALBILL_PASSWORD_NICE }),
};
const OWNER = { email: 'owner@flood-bench.example', password: 'correct horse battery staple flood bench' };

interface Load {
  rps: number;
  total: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  errors: number;
  timeouts: number;
  codes: Record<string, number>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function runNode(args: string[], stdout: 'pipe' | number = 'pipe'): ChildProcess {
  return spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', stdout, 'inherit'] });
}

async function output(child: ChildProcess): Promise<string> {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${child.spawnargs.join(' ')} exited with ${code}`);
  return out;
}

const load = async (args: string[]): Promise<Load> =>
  JSON.parse(await output(runNode(['bench/load-client.ts', ...args]))) as Load;

async function api(method: string, p: string, token: string | null, body?: unknown): Promise<unknown> {
  const r = await fetch(`${url}${p}`, {
    method,
    headers: { ...(token && { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${await r.text()}`);
  return r.json();
}

async function waitUp(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

interface Probe {
  latencies: number[];
  codes: Record<string, number>;
  errors: number;
}

function summarize(runs: Probe[]): { p50: number; p99: number; text: string } {
  const all = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const at = (p: number) => all[Math.min(all.length - 1, Math.floor(p * all.length))] ?? NaN;
  const codes: Record<string, number> = {};
  for (const r of runs) for (const [c, n] of Object.entries(r.codes)) codes[c] = (codes[c] ?? 0) + n;
  const errors = runs.reduce((a, r) => a + r.errors, 0);
  const [p50, p90, p99] = [at(0.5), at(0.9), at(0.99)];
  return {
    p50,
    p99,
    text: `p50 ${p50.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(all.at(-1) ?? NaN).toFixed(1)} ms (${all.length} requests; status ${Object.entries(
      codes,
    )
      .map(([c, n]) => `${c}×${n}`)
      .join(' ')}; errors ${errors})`,
  };
}

let server: ChildProcess | null = null;
try {
  await output(runNode(['bin/sealbill.js', 'migrate']));
  // The server runs with the Node options of `npm start` (D18: the young generation capped; with
  // V8's default, scavenges under the flood's garbage took the list's worst case from ~25 to ~85 ms),
  // plus BENCH_FLOOD_SERVER_ARGS (e.g. --cpu-prof to profile it).
  const serverArgs = [...serverNodeOptions, ...(process.env.BENCH_FLOOD_SERVER_ARGS ?? '').split(' ').filter(Boolean)];
  // Request logs go to a file, as in production (a pipe read by a CPU-starved parent would stall the server).
  const log = openSync(path.join(dir, 'server.log'), 'a', 0o600);
  server = runNode([...serverArgs, 'bin/sealbill.js', 'serve'], log);
  closeSync(log);
  await waitUp();
  const { token } = (await api('POST', '/api/v1/setup', null, {
    organization: { name: 'Flood Bench Ltd', defaultCurrency: 'EUR', locale: 'en-GB' },
    owner: { email: OWNER.email, name: 'Owner', password: OWNER.password },
  })) as { token: string };
  const { id: clientId } = (await api('POST', '/api/v1/clients', token, {
    name: 'Globex Corporation',
    email: 'billing@globex.example',
  })) as { id: string };
  for (let i = 0; i < INVOICES; i++) {
    await api('POST', '/api/v1/invoices', token, {
      clientId,
      lines: [{ description: `Consulting ${i}`, quantity: '8', unit: 'h', unitPrice: 12_000 }],
    });
  }
  console.log(
    `server ${url} (child process, SQLite WAL synchronous=FULL), ${INVOICES} invoices; list probe ${listRate}/s; ` +
      `flood ${floodConnections} connections from ${ADDRESSES} addresses; ${seconds} s each side in ${ROUNDS} rounds; node ${process.version}`,
  );

  // Interleaved rounds (quiet, flood, quiet, flood …) so a drift in the machine's other load
  // falls on both sides; every latency of a side is merged before its percentiles are taken.
  const slice = seconds / ROUNDS;
  const probe = async (secs: number) =>
    JSON.parse(
      await output(runNode(['bench/load-client.ts', 'list', url, token, String(secs), '32', String(listRate)])),
    ) as Probe;
  await probe(3); // warm-up
  const quiet: Probe[] = [];
  const busy: Probe[] = [];
  const floods: Load[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    quiet.push(await probe(slice));
    const flood = load(['flood', url, OWNER.email, String(slice + 3), String(floodConnections), String(ADDRESSES)]);
    await new Promise((r) => setTimeout(r, 2000)); // the flood is at full strength before the probe starts
    busy.push(await probe(slice));
    floods.push(await flood);
  }
  const q = summarize(quiet);
  const b = summarize(busy);
  console.log(`invoice list, no flood:    ${q.text}`);
  console.log(`invoice list, under flood: ${b.text}`);
  const floodCodes: Record<string, number> = {};
  for (const f of floods) for (const [c, n] of Object.entries(f.codes)) floodCodes[c] = (floodCodes[c] ?? 0) + n;
  const floodTotal = floods.reduce((a, f) => a + f.total, 0);
  console.log(
    `flood (POST /api/v1/auth/login, ${floodConnections} connections): ${floodTotal} requests, ${(floodTotal / (ROUNDS * (slice + 3))).toFixed(0)}/s, ` +
      `p50 ${Math.max(...floods.map((f) => f.p50))} ms, p99 ${Math.max(...floods.map((f) => f.p99))} ms (worst round), status ${Object.entries(
        floodCodes,
      )
        .map(([c, n]) => `${c}×${n}`)
        .join(' ')}`,
  );
  const ratio = b.p99 / Math.max(1, q.p99);
  console.log(
    `list p99 under flood / without: ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×) ${ratio <= TARGET_RATIO ? 'met' : 'NOT MET'}; ` +
      `p50 ${(b.p50 / Math.max(0.1, q.p50)).toFixed(2)}×`,
  );

  server.kill('SIGTERM');
  await new Promise((r) => server!.once('exit', r));
  server = null;
  const db = new Database(path.join(dir, 'sealbill.db'), { readonly: true });
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const failures = count("select count(*) as n from audit_events where action like 'login.failed%'");
  const audited = count(
    "select coalesce(sum(coalesce(json_extract(summary, '$.count'), 1)), 0) as n from audit_events where action like 'login.failed%'",
  );
  console.log(
    `bookkeeping: ${failures} audit rows for ${audited} audited failed sign-ins, ${count('select count(*) as n from auth_throttle')} throttle rows`,
  );
  db.close();
} finally {
  if (server) {
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
  }
  rmSync(dir, { recursive: true, force: true });
}
