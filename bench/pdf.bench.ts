/**
 * Signed invoice PDFs per second on one core: the whole issuing path from an issued document and
 * its snapshot to the signed bytes: build the view (Intl formatting), render, reserve the
 * signature field, hash, sign (PAdES, ECDSA P-256, the self-signed identity issuing generates),
 * fill. The signer comes from the real issuing hook (verification/document-signing.service.ts),
 * handed a fresh copy of the identity for every document as the database read would.
 *
 *   npm run bench -- pdf                 (node --expose-gc, npm start's Node options, bench/pdf.bench.ts)
 *   node bench/pdf.bench.ts [count]      (default 1000 signed + 1000 unsigned, interleaved)
 *
 * Figures are main-thread CPU time (process.threadCpuUsage), which other load on a shared machine
 * disturbs much less than wall time (also printed). The event loop turns after every document, as
 * a server's does between requests. Signed and unsigned renders alternate in
 * blocks of 50 in the same process, so their ratio is a same-run comparison.
 *
 * Passes:
 *   pdf.signed / pdf.unsigned   one organisation's invoices (font subsets mostly cached)
 *   pdf.signed.facturx          the same invoices as signed PDF/A-3 Factur-X hybrids, including
 *                               the e-invoice work issuing adds (map to EN 16931, pre-issue checks,
 *                               CII XML, embedding); interleaved with the others, and its ratio to
 *                               pdf.signed printed beside the target (≤ 1.25×, issue #12 item 9):
 *                               the median of the ratios of adjacent blocks, with its spread and
 *                               the ratio of the totals
 *   pdf.signed.cold             every client name adds unusual letters: nearly every document
 *                               builds and deflates a fresh font subset (worst case)
 *   pdf.memory                  a fresh process (pdf-memory.child.ts) that loads only the render
 *                               and signing path renders and signs 1,000 invoices without forced
 *                               GC: RSS before the first, after every 100, and the process's peak
 *                               (target < 150 MB, flat after the first 100); for scale, the idle RSS
 *                               of a process with the whole application loaded
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { buildDocumentView } from '../src/modules/documents/pdf/document-view.ts';
import { sampleIssuedDocument } from '../src/modules/documents/pdf/pdf-sample.ts';
import { subsetCacheStats } from '../src/modules/documents/pdf/pdf-writer.ts';
import { renderDocumentPdf } from '../src/modules/documents/pdf/render-document-pdf.ts';
import { facturxXmlOf } from './einvoice-sample.ts';
import { benchPdfSigner, creationDate, verification } from './pdf-signing.ts';
import { serverNodeOptions } from './server-node-options.ts';
import { generateSelfSigned } from '../src/modules/verification/pki.ts';
import type { SigningIdentity } from '../src/modules/verification/signing-identity.service.ts';

const TARGET_SIGNED = 300;
const TARGET_EINVOICE_RATIO = 1.25;
const TARGET_RSS_MB = 150;
const BLOCK = 50;
const cpu = (prev?: NodeJS.CpuUsage): NodeJS.CpuUsage => process.threadCpuUsage(prev);
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

const material = await generateSelfSigned({
  orgName: 'Bench Invoicing GmbH',
  emails: ['billing@bench.example'],
  now: new Date(),
  validYears: 5,
});
const identity: SigningIdentity = { ...material, fingerprintSha256: 'bench', keyId: 'x509-bench' };
const pdfSigner = benchPdfSigner(identity);

// Letters outside the sample's usual repertoire (Latin extended, Greek, Cyrillic).
const RARE = Array.from('ĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽΓΔΘΛΞΠΣΦΨΩБГДЖЗИЙЛПФЦЧШЩЪЫЬЭЮЯ');
function issued(seed: number, cold: boolean) {
  const d = sampleIssuedDocument(seed);
  if (cold) {
    const pick = (k: number): string => RARE[(seed * 7 + k * 13 + Math.floor(seed / RARE.length) * k) % RARE.length]!;
    d.snapshot.client = {
      ...d.snapshot.client,
      name: `Client ${pick(1)}${pick(2)}${pick(3)} ${seed}`,
      addressLines: [`${pick(4)}${pick(5)}${pick(6)} Street 1`],
    };
  }
  return d;
}
async function render(seed: number, signed: boolean, cold = false, einvoice = false): Promise<Buffer> {
  const { doc, snapshot } = issued(seed, cold);
  const attachment = einvoice ? { name: 'factur-x.xml' as const, xml: facturxXmlOf(doc, snapshot) } : null;
  const signer = signed ? await pdfSigner() : null;
  return renderDocumentPdf(buildDocumentView(doc, snapshot, { verification: verification(seed) }), {
    creationDate,
    signer,
    attachment,
  });
}

const count = Math.max(BLOCK, Number(process.argv[2] ?? 1000));
const gc = (globalThis as { gc?: () => void }).gc;

// Warm-up (fonts, JIT, the identity's key and CMS template) with documents not measured.
for (let i = 0; i < 50; i++) {
  await render(1_000_000 + i, false);
  await render(2_000_000 + i, true);
  await render(2_500_000 + i, true, false, true);
}
const sample = await render(0, true);
if (!/\/ByteRange \[0 \d+ \d+ \d+\]/.test(sample.toString('latin1')))
  throw new Error('bench: the signed PDF has no filled /ByteRange');

interface Acc {
  n: number;
  cpuUs: number;
  wallNs: bigint;
  bytes: number;
  /** CPU µs of each block, in order (block r of one pass runs next to block r of the others). */
  blocks: number[];
}
const acc = (): Acc => ({ n: 0, cpuUs: 0, wallNs: 0n, bytes: 0, blocks: [] });
async function block(a: Acc, from: number, signed: boolean, cold: boolean, einvoice = false): Promise<void> {
  const t0 = process.hrtime.bigint();
  const c0 = cpu();
  for (let i = 0; i < BLOCK; i++) {
    a.bytes += (await render(from + i, signed, cold, einvoice)).length;
    // Let the event loop turn, as a server's does between requests: Node runs process.nextTick
    // callbacks (each zlib stream's close event, which holds the stream) only then.
    await new Promise(setImmediate);
  }
  const c = cpu(c0);
  a.wallNs += process.hrtime.bigint() - t0;
  a.cpuUs += c.user + c.system;
  a.blocks.push(c.user + c.system);
  a.n += BLOCK;
}
const perSec = (a: Acc) => a.n / (a.cpuUs / 1e6);
const line = (name: string, a: Acc, target?: string) =>
  `${name}: ${perSec(a).toFixed(1)} docs/s on one core (main-thread CPU, ${(a.cpuUs / 1000 / a.n).toFixed(3)} ms/doc)` +
  `, ${(a.n / (Number(a.wallNs) / 1e9)).toFixed(1)} docs/s wall, ${(a.bytes / a.n / 1024).toFixed(1)} KiB/doc${target ? ` — ${target}` : ''}`;

console.log(
  `node ${process.version} ${process.execArgv.join(' ')}` +
    (serverNodeOptions.every((o) => process.execArgv.includes(o))
      ? " (npm start's options: as the server runs)"
      : ` (without npm start's ${serverNodeOptions.join(' ')}: run it through npm run bench -- pdf)`),
);
console.log(`--- pdf.signed vs pdf.unsigned vs pdf.signed.facturx (${count} each, interleaved in blocks of ${BLOCK})`);
gc?.();
const signed = acc();
const unsigned = acc();
const facturx = acc();
const passes: Array<() => Promise<void>> = [];
for (let r = 0; r * BLOCK < count; r++) {
  const order = [
    () => block(unsigned, r * BLOCK, false, false),
    () => block(signed, r * BLOCK, true, false),
    () => block(facturx, r * BLOCK, true, false, true),
  ];
  // Rotate which goes first, so none always runs right after a GC-heavy block.
  for (let k = 0; k < order.length; k++) passes.push(order[(k + r) % order.length]!);
}
for (const pass of passes) await pass();
const ok = perSec(signed) >= TARGET_SIGNED;
console.log(
  line(
    'pdf.signed',
    signed,
    `target ≥ ${TARGET_SIGNED}/s: ${ok ? 'met' : 'NOT met'} (ratio to target ${(perSec(signed) / TARGET_SIGNED).toFixed(2)})`,
  ),
);
console.log(line('pdf.unsigned', unsigned));
console.log(
  `pdf.signed/unsigned same-run ratio: ${(perSec(signed) / perSec(unsigned)).toFixed(2)} (signing adds ${((signed.cpuUs / signed.n - unsigned.cpuUs / unsigned.n) / 1000).toFixed(3)} ms/doc)`,
);
console.log(line('pdf.signed.facturx', facturx, 'PDF/A-3 hybrid + map, check and write the CII XML'));
// Two estimates of the same ratio: the totals' (every document counts the same), and the median of
// the ratios of blocks run next to each other (within seconds), with its spread. On a shared
// machine a burst of load from another process lands on whichever blocks run then and moves the
// totals' ratio either way; the paired median is the steadier figure, so the target is judged on
// it. Both are printed, always.
const einvoiceRatio = facturx.cpuUs / facturx.n / (signed.cpuUs / signed.n);
const paired = facturx.blocks.map((b, r) => b / signed.blocks[r]!).sort((a, b) => a - b);
const pct = (p: number) => paired[Math.round(p * (paired.length - 1))]!;
console.log(
  `pdf.facturx/signed same-run cost ratio: ${pct(0.5).toFixed(2)}× median of ${paired.length} paired blocks` +
    ` (p10–p90 ${pct(0.1).toFixed(2)}–${pct(0.9).toFixed(2)}; totals ${einvoiceRatio.toFixed(2)}×, the e-invoice adds ` +
    `${((facturx.cpuUs / facturx.n - signed.cpuUs / signed.n) / 1000).toFixed(3)} ms/doc)` +
    ` — target ≤ ${TARGET_EINVOICE_RATIO}×: ${pct(0.5) <= TARGET_EINVOICE_RATIO ? 'met' : 'NOT met'}`,
);

console.log(`--- pdf.signed.cold (${count / 2} documents with rare letters)`);
const subsetBefore = subsetCacheStats();
const cold = acc();
for (let r = 0; r * BLOCK < count / 2; r++) await block(cold, 3_000_000 + r * BLOCK, true, true);
const subsetAfter = subsetCacheStats();
console.log(
  line(
    'pdf.signed.cold',
    cold,
    `font subset cache ${subsetAfter.hits - subsetBefore.hits} hits / ${subsetAfter.misses - subsetBefore.misses} misses`,
  ),
);
console.log(
  `load average: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${availableParallelism()} cpus`,
);

// The memory figure is taken with npm start's Node options (server-node-options.ts), as that is the
// process that renders and signs; V8's defaults are shown beside it.
interface MemoryRun {
  samples: Array<{
    doc: number;
    rss: number;
    heapUsed: number;
    heapTotal: number;
    external: number;
    arrayBuffers: number;
  }>;
  peak: number;
}
function memoryRun(nodeOptions: readonly string[]): MemoryRun {
  // The child loads only the render and signing path (pdf-memory.child.ts) and gets the identity on stdin.
  const child = spawnSync(
    process.execPath,
    [...nodeOptions, new URL('./pdf-memory.child.ts', import.meta.url).pathname, '1000'],
    { encoding: 'utf8', input: JSON.stringify(identity) },
  );
  if (child.status !== 0) throw new Error(`memory child failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as MemoryRun;
}
function memorySummary(m: MemoryRun): { line: string; met: boolean } {
  const at = (doc: number) => m.samples.find((s) => s.doc === doc)!.rss;
  const growthFrom = (doc: number) => Math.max(...m.samples.filter((s) => s.doc >= doc).map((s) => s.rss)) - at(doc);
  const at100 = at(100);
  const growth = growthFrom(100);
  const flat = growth < 0.05 * at100;
  const met = m.peak < TARGET_RSS_MB * 1024 * 1024 && flat;
  return {
    met,
    line:
      `rss before the first document ${mb(m.samples[0]!.rss)}, after 100 ${mb(at100)}, growth after the first 100 ${mb(growth)}` +
      ` (${flat ? 'flat' : 'growing'}; after the first 500: ${mb(growthFrom(500))}), peak ${mb(m.peak)}`,
  };
}

console.log(
  `--- pdf.memory (fresh process, 1,000 signed invoices, no forced GC, sampled after every 100; node ${serverNodeOptions.join(' ') || '(no options)'} as npm start)`,
);
const m = memoryRun(serverNodeOptions);
for (const s of m.samples)
  console.log(
    `  after ${String(s.doc).padStart(4)}: rss ${mb(s.rss)} (V8 heap ${mb(s.heapTotal)}, used ${mb(s.heapUsed)};` +
      ` external ${mb(s.external)}, of it array buffers ${mb(s.arrayBuffers)})`,
  );
const withServerOptions = memorySummary(m);
console.log(
  `pdf.memory: ${withServerOptions.line} — target < ${TARGET_RSS_MB} MB and flat: ${withServerOptions.met ? 'met' : 'NOT met'}`,
);
// V8's own young-generation sizing follows the machine's memory, not the program: it keeps doubling
// the semi-spaces (16, 32, 64 MiB) as survivors accumulate, which is what the server option bounds.
if (serverNodeOptions.length > 0) {
  const d = memorySummary(memoryRun([]));
  console.log(
    `pdf.memory at V8 defaults (for comparison): ${d.line} — ${d.met ? 'would meet' : 'would not meet'} the target`,
  );
}
// For scale (not the target): a process with every module loaded, as the server and worker are, before any work.
const whole = spawnSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(new URL('../src/main/container.ts', import.meta.url).href)});` +
      `await import(${JSON.stringify(new URL('../src/main/app.ts', import.meta.url).href)});` +
      'process.stdout.write(String(process.memoryUsage().rss));',
  ],
  { encoding: 'utf8' },
);
if (whole.status === 0)
  console.log(
    `pdf.memory context: rss of a process that has loaded the whole application (container + app), idle: ${mb(Number(whole.stdout))}`,
  );
