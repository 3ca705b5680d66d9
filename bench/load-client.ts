/**
 * A load generator run as its own process by bench/flood.bench.ts, so its CPU never shares the
 * server's event loop (autocannon's promise API, one process per load). Prints one JSON line with
 * the result on stdout.
 *
 *   node bench/load-client.ts list  URL TOKEN SECONDS CONNECTIONS RATE
 *   node bench/load-client.ts flood URL EMAIL SECONDS CONNECTIONS ADDRESSES
 *
 * `list` asks for the first page of invoices at a fixed rate on keep-alive connections (a latency
 * probe, not a throughput test: a saturated probe measures its own queue) and prints every
 * latency, so runs can be merged. `flood` posts wrong passwords as
 * fast as its connections allow, each request from the next of ADDRESSES distinct client addresses
 * (X-Forwarded-For, which the server trusts from loopback only: the bench's reverse-proxy setup)
 * and for a random email: one in ten the real account's, the rest unknown ones.
 */
import http from 'node:http';
import autocannon from 'autocannon';

const [mode, url, arg, secondsArg, connectionsArg, extraArg] = process.argv.slice(2);
if (!mode || !url || !arg || !secondsArg || !connectionsArg || !extraArg) throw new Error('usage: see the header');
const duration = Number(secondsArg);
const connections = Number(connectionsArg);

interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}

/** Open loop: a request every 1000/rate ms whatever the answers (no coordinated omission). */
async function probe(): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const rate = Number(extraArg);
  const latencies: number[] = [];
  const codes: Record<string, number> = {};
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; ; i++) {
    const due = t0 + (i * 1000) / rate;
    if (due - t0 > duration * 1000) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      new Promise<void>((resolve) => {
        const start = performance.now();
        const req = http.get(
          `${url}/api/v1/invoices?limit=50`,
          { agent, headers: { authorization: `Bearer ${arg}` } },
          (res) => {
            res.resume();
            res.on('end', () => {
              latencies.push(performance.now() - start);
              codes[res.statusCode!] = (codes[res.statusCode!] ?? 0) + 1;
              resolve();
            });
          },
        );
        req.on('error', () => {
          errors++;
          resolve();
        });
      }),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ latencies, codes, errors })}\n`);
}

let opts: Record<string, unknown>;
if (mode === 'list') {
  await probe();
  process.exit(0);
} else if (mode === 'flood') {
  const addresses = Number(extraArg);
  let n = 0;
  opts = {
    url: `${url}/api/v1/auth/login`,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>) => {
          const i = n++;
          // 10.<a>.<b>.<c>: 1,000 distinct addresses in turn.
          const a = i % addresses;
          const ip = `10.77.${Math.floor(a / 250)}.${(a % 250) + 1}`;
          const email = Math.random() < 0.1 ? arg : `stuffed${Math.floor(Math.random() * 100_000)}@victims.example`;
          return {
            ...req,
            headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
            body: JSON.stringify({ email, password: `guess-${i}-wrong-password` }),
          };
        },
      },
    ],
  };
} else throw new Error(`unknown mode ${mode}`);

const r = (await autocannon({ connections, duration, timeout: 30, ...opts })) as Result;
const codes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([c, s]) => [c, s.count]));
process.stdout.write(
  `${JSON.stringify({
    rps: r.requests.average,
    total: r.requests.total,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    mean: r.latency.average,
    errors: r.errors,
    timeouts: r.timeouts,
    codes,
  })}\n`,
);
