/**
 * pdf.memory's child (spawned by pdf.bench.ts, not a benchmark of its own): a fresh process that
 * loads only the render and signing path, as a process that renders and signs invoices needs it,
 * then renders and signs N invoices without forced GC (the parent runs it without --expose-gc).
 * The signing identity comes from the parent on stdin, as issuing reads it from the database
 * (generating one, with pkijs, is a once-per-organisation step, not part of rendering).
 * Between documents the child lets the event loop turn, as a server does between requests: Node
 * runs process.nextTick callbacks (among them each zlib stream's close event, which holds the
 * stream) only then, so a loop that never yields keeps every document's streams until it ends.
 * Prints JSON: process.memoryUsage() before the first document and after every 100, and the peak
 * RSS of the process (getrusage maxrss), so any peak between samples counts too.
 *
 *   node bench/pdf-memory.child.ts [count] < identity.json
 */
import { readFileSync } from 'node:fs';
import { buildDocumentView } from '../src/modules/documents/pdf/document-view.ts';
import { sampleIssuedDocument } from '../src/modules/documents/pdf/pdf-sample.ts';
import { renderDocumentPdf } from '../src/modules/documents/pdf/render-document-pdf.ts';
import type { SigningIdentity } from '../src/modules/verification/signing-identity.service.ts';
import { benchPdfSigner, creationDate, verification } from './pdf-signing.ts';

const n = Number(process.argv[2] ?? 1000);
const identity = JSON.parse(readFileSync(0, 'utf8')) as SigningIdentity;
const signer = benchPdfSigner(identity);

const sample = (doc: number) => ({ doc, ...process.memoryUsage() });
const samples = [sample(0)];
for (let i = 0; i < n; i++) {
  const { doc, snapshot } = sampleIssuedDocument(i);
  await renderDocumentPdf(buildDocumentView(doc, snapshot, { verification: verification(i) }), {
    creationDate,
    signer: await signer(),
  });
  await new Promise(setImmediate);
  if ((i + 1) % 100 === 0) samples.push(sample(i + 1));
}
console.log(JSON.stringify({ samples, peak: process.resourceUsage().maxRSS * 1024 }));
