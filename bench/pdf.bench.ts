/**
 * Invoice PDF rendering benchmark.
 *
 *   node bench/pdf.bench.ts [count]                 (default 1000)
 *   node --expose-gc bench/pdf.bench.ts [count]     (adds post-GC memory checkpoints)
 *
 * Renders `count` distinct one-page invoices sequentially (different numbers,
 * clients, amounts, QR URLs) and prints throughput (wall clock, and main-thread
 * CPU time — the latter is much less sensitive to other load on the machine),
 * mean latency,
 * the embedded-font-subset cache hit ratio and memory before/after.
 *
 * Two passes:
 *   pdf.render       one organisation's invoices (a typical bulk run: the
 *                    documents mostly share their glyph set, so the embedded
 *                    font subset is usually served from cache)
 *   pdf.render.cold  every client name adds unusual letters, so nearly every
 *                    document needs a freshly built + deflated font subset
 *                    (worst case)
 * Target: 300 docs/s on a 2-core machine (rendering is single-threaded).
 */
import { availableParallelism, loadavg } from 'node:os';
import { renderDocumentPdf, type PdfDocumentView } from '../src/modules/invoices/pdf/render-document-pdf.ts';
import { sampleDocumentView } from '../src/modules/invoices/pdf/pdf-sample.ts';
import { subsetCacheStats } from '../src/modules/invoices/pdf/pdf-writer.ts';

const TARGET = 300;
const count = Math.max(1, Number(process.argv[2] ?? 1000));
const gc = (globalThis as { gc?: () => void }).gc;
const creationDate = new Date('2025-03-01T10:00:00Z');

// main-thread CPU time (Node ≥ 23.9); whole-process CPU otherwise
const cpuUsage = (prev?: NodeJS.CpuUsage): NodeJS.CpuUsage =>
  typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage(prev) : process.cpuUsage(prev);

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
function mem(label: string): NodeJS.MemoryUsage {
  const m = process.memoryUsage();
  console.log(`memory ${label}: rss ${mb(m.rss)}, heapTotal ${mb(m.heapTotal)}, heapUsed ${mb(m.heapUsed)}, external ${mb(m.external)}`);
  return m;
}

// Letters outside the sample's usual repertoire (Latin extended, Greek, Cyrillic).
const RARE = Array.from('ĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽΓΔΘΛΞΠΣΦΨΩБГДЖЗИЙЛПФЦЧШЩЪЫЬЭЮЯ');
function coldView(i: number): PdfDocumentView {
  const v = sampleDocumentView({ seed: i });
  const pick = (k: number): string => RARE[(i * 7 + k * 13 + Math.floor(i / RARE.length) * k) % RARE.length]!;
  v.client = {
    ...v.client,
    name: `Client ${pick(1)}${pick(2)}${pick(3)} ${i}`, // bold
    addressLines: [`${pick(4)}${pick(5)}${pick(6)} Street 1`, ...v.client.addressLines.slice(1)], // regular
  };
  return v;
}

async function run(name: string, views: PdfDocumentView[]): Promise<void> {
  console.log(`--- ${name}`);
  gc?.();
  const before = mem('before');
  const statsBefore = subsetCacheStats();
  let bytes = 0;
  let pages = 0;
  let wallNs = 0n;
  let cpuUs = 0;
  const checkpoints: string[] = [];
  const every = Math.max(1, Math.floor(views.length / 4));
  let t0 = process.hrtime.bigint();
  let c0 = cpuUsage();
  for (let i = 0; i < views.length; i++) {
    const pdf = await renderDocumentPdf(views[i]!, { creationDate });
    bytes += pdf.length;
    if (i === 0) pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    if ((i + 1) % every === 0 || i + 1 === views.length) {
      // checkpoint (and GC) outside the timed region
      wallNs += process.hrtime.bigint() - t0;
      const c = cpuUsage(c0);
      cpuUs += c.user + c.system;
      gc?.();
      const m = process.memoryUsage();
      checkpoints.push(`#${i + 1} heapUsed ${mb(m.heapUsed)} rss ${mb(m.rss)}`);
      t0 = process.hrtime.bigint();
      c0 = cpuUsage();
    }
  }
  const n = views.length;
  const elapsedMs = Number(wallNs) / 1e6;
  const after = mem(gc ? 'after (gc)' : 'after (no gc: run with --expose-gc for post-GC figures)');
  const stats = subsetCacheStats();
  const hits = stats.hits - statsBefore.hits;
  const misses = stats.misses - statsBefore.misses;
  const rate = (n / elapsedMs) * 1000;
  const cpuRate = n / (cpuUs / 1e6);
  console.log(`checkpoints${gc ? ' (after gc)' : ''}: ${checkpoints.join(' | ')}`);
  console.log(`documents: ${n}, pages/doc: ${pages}, mean size: ${(bytes / n / 1024).toFixed(1)} KiB`);
  console.log(`font subset cache: ${hits} hits / ${misses} misses (${((hits / Math.max(1, hits + misses)) * 100).toFixed(0)}% hit)`);
  console.log(`${name}: ${rate.toFixed(1)} docs/s (target ${TARGET}, ratio ${(rate / TARGET).toFixed(2)})`);
  console.log(`${name} cpu: ${cpuRate.toFixed(1)} docs/s by main-thread CPU time (ratio ${(cpuRate / TARGET).toFixed(2)})`);
  console.log(`${name} mean: ${(elapsedMs / n).toFixed(2)} ms/doc wall, ${(cpuUs / 1000 / n).toFixed(2)} ms/doc main-thread cpu`);
  console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cpus`);
  console.log(`memory delta${gc ? ' (after gc)' : ''}: heapUsed ${mb(after.heapUsed - before.heapUsed)}, rss ${mb(after.rss - before.rss)}`);
}

// Warm-up (font parsing, JIT) with documents not used in the measured runs.
for (let i = 0; i < 30; i++) await renderDocumentPdf(sampleDocumentView({ seed: 1_000_000 + i }), { creationDate });

await run('pdf.render', Array.from({ length: count }, (_, i) => sampleDocumentView({ seed: i })));
await run('pdf.render.cold', Array.from({ length: count }, (_, i) => coldView(i)));
