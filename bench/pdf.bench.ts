/**
 * Invoice PDF rendering benchmark.
 *
 *   node bench/pdf.bench.ts [count]            (default 1000)
 *   node --expose-gc bench/pdf.bench.ts        (adds post-GC memory figures)
 *
 * Renders `count` one-page invoices sequentially (each with different client /
 * number / amounts so font subsets and layouts vary) and prints throughput,
 * mean latency and memory before/after. Target: 300 docs/s on a 2-core box.
 */
import { renderDocumentPdf } from '../src/modules/invoices/pdf/render-document-pdf.ts';
import { sampleDocumentView } from '../src/modules/invoices/pdf/pdf-sample.ts';

const TARGET = 300;
const count = Number(process.argv[2] ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
function mem(label: string): { rss: number; heap: number } {
  const m = process.memoryUsage();
  console.log(`memory ${label}: rss ${mb(m.rss)}, heapUsed ${mb(m.heapUsed)}, external ${mb(m.external)}`);
  return { rss: m.rss, heap: m.heapUsed };
}

const creationDate = new Date('2025-03-01T10:00:00Z');
// Distinct documents (numbers, clients, amounts, QR URLs) so that caches keyed
// on per-document data cannot flatter the result.
const views = Array.from({ length: count }, (_, i) => sampleDocumentView({ seed: i }));

// Warm-up: font parsing, JIT.
for (let i = 0; i < 20; i++) await renderDocumentPdf(views[i % views.length]!, { creationDate });

gc?.();
const before = mem('before');

let bytes = 0;
let pages = 0;
const t0 = process.hrtime.bigint();
const checkpoints: Array<{ at: number; heap: number; rss: number }> = [];
for (let i = 0; i < count; i++) {
  const pdf = await renderDocumentPdf(views[i % views.length]!, { creationDate });
  bytes += pdf.length;
  if (i === 0) pages = (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
  if ((i + 1) % Math.max(1, Math.floor(count / 4)) === 0) {
    const m = process.memoryUsage();
    checkpoints.push({ at: i + 1, heap: m.heapUsed, rss: m.rss });
  }
}
const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;

const after = mem('after');
let afterGc: { rss: number; heap: number } | null = null;
if (gc) {
  gc();
  afterGc = mem('after gc');
} else {
  console.log('memory after gc: (run with --expose-gc to measure)');
}

const rate = (count / elapsedMs) * 1000;
console.log(`checkpoints: ${checkpoints.map((c) => `#${c.at} heap ${mb(c.heap)} rss ${mb(c.rss)}`).join(' | ')}`);
console.log(`documents: ${count}, pages/doc: ${pages}, mean size: ${(bytes / count / 1024).toFixed(1)} KiB`);
console.log(`pdf.render: ${rate.toFixed(1)} docs/s (target ${TARGET}, ratio ${(rate / TARGET).toFixed(2)})`);
console.log(`pdf.render mean: ${(elapsedMs / count).toFixed(2)} ms/doc`);
const heapDelta = (afterGc ?? after).heap - before.heap;
const rssDelta = (afterGc ?? after).rss - before.rss;
console.log(`memory delta${afterGc ? ' (after gc)' : ''}: heap ${mb(heapDelta)}, rss ${mb(rssDelta)}`);
