// The writer's deflate gives exactly zlib's bytes (the PDFs, their hashes and signatures must not
// change) from engines it reuses, and it keeps no per-document memory: after rendering and signing 300 invoices in one
// process, what survives a full collection does not grow between document 100 and document 300.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { deflateSync, inflateSync, type Deflate } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflate, deflateOnce, releaseEngine, reusesEngines } from './pdf-deflate.ts';
import { buildDocumentView } from './document-view.ts';
import { sampleIssuedDocument } from './pdf-sample.ts';
import { renderDocumentPdf } from './render-document-pdf.ts';
import { createPadesSigning } from '../../verification/pades.ts';
import { generateSelfSigned } from '../../verification/pki.ts';

describe('deflate', () => {
  it('gives deflateSync’s bytes for strings and buffers, small and larger than its scratch', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `1 0 0 1 ${i * 7.31} ${i % 800} Tm <00${i % 97}>Tj`).join('\n');
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 2654435761) >>> 24));
    for (const level of [1, 3, 6]) {
      for (const input of ['', 'x', text.slice(0, 100), text, text.repeat(30)]) {
        expect(deflate(input, level).equals(deflateSync(Buffer.from(input, 'latin1'), { level }))).toBe(true);
      }
      for (const input of [bytes.subarray(0, 10), bytes, Buffer.concat(Array(8).fill(bytes))]) {
        expect(deflate(input, level).equals(deflateSync(input, { level }))).toBe(true);
        expect(deflateOnce(input, level).equals(deflateSync(input, { level }))).toBe(true); // the fallback
      }
    }
    expect(inflateSync(deflate(text, 1)).toString('latin1')).toBe(text);
  });

  it('reuses one engine per level on this Node, and hands out bytes no later call overwrites', () => {
    // When a Node upgrade removes what the reuse needs, deflate still works (one engine per call, as
    // deflateSync) but is slower and promotes an engine per call: this fails so that it is noticed.
    expect(reusesEngines()).toBe(true);
    const first = deflate('BT /F1 12 Tf (first) Tj ET', 6);
    const copy = Buffer.from(first);
    deflate('BT /F1 12 Tf (second, longer than the first) Tj ET', 6);
    expect(first.equals(copy)).toBe(true);
    expect(inflateSync(first).toString('latin1')).toBe('BT /F1 12 Tf (first) Tj ET');
  });
});

/** The ArrayBuffer views reachable from `root` through own data properties (closures are not walked). */
function buffersHeldBy(root: object, depth = 5): ArrayBufferView[] {
  const seen = new Set<unknown>();
  const found: ArrayBufferView[] = [];
  const visit = (v: unknown, d: number): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (ArrayBuffer.isView(v)) return void found.push(v);
    if (d === 0) return;
    for (const k of Reflect.ownKeys(v)) {
      const p = Object.getOwnPropertyDescriptor(v, k);
      if (p && 'value' in p) visit(p.value, d - 1);
    }
  };
  visit(root, depth);
  return found;
}

describe('the zlib engine of a call', () => {
  // A finished engine lives until a full collection (its native handle outlives scavenges). If it
  // still holds a slice of Buffer's shared pool, the whole slab (Buffer.poolSize, 64 KiB in Node 24)
  // is kept with it: ~80 KiB per document of RSS between full collections (bench pdf.memory).
  // This fails when a Node upgrade moves what a synchronous engine keeps, so releaseEngine can follow.
  it('holds no pooled buffer and no listener once released', () => {
    const input = Buffer.from('1 0 0 1 72 700 Tm <0041>Tj\n'.repeat(500), 'latin1');
    const { engine } = deflateSync(input, { level: 1, info: true }) as unknown as { engine: Deflate };
    const large = (e: object) => buffersHeldBy(e).filter((b) => b.buffer.byteLength > 1024);
    expect(large(engine).length).toBeGreaterThan(0); // the check can see what Node leaves behind
    expect(engine.listenerCount('error')).toBeGreaterThan(0); // its closure holds the call's output chunks
    releaseEngine(engine);
    expect(large(engine)).toEqual([]);
    expect(engine.listenerCount('error')).toBe(0);
  });
});

describe('memory per document', () => {
  it('rendering and signing 300 invoices retains no memory per document', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const material = await generateSelfSigned({ orgName: 'Memory GmbH', emails: [], now: new Date(), validYears: 1 });
    const pades = createPadesSigning();
    const retained = async (): Promise<number> => {
      // Two collections and an event-loop turn: finalizers and array-buffer frees that wait for one run.
      gc();
      await new Promise((r) => setImmediate(r));
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const render = async (i: number) => {
      const { doc, snapshot } = sampleIssuedDocument(i);
      const view = buildDocumentView(doc, snapshot, {
        verification: { url: `https://bills.example/verify/${i}`, fingerprint: 'ABCD-EFGH', unchangedSince: null },
      });
      const signer = pades.signer({ ...material }, { signingTime: new Date() });
      return renderDocumentPdf(view, { creationDate: new Date('2025-03-01T10:00:00Z'), signer });
    };
    for (let i = 0; i < 100; i++) await render(i);
    const at100 = await retained();
    for (let i = 100; i < 300; i++) await render(i);
    const at300 = await retained();
    // The font and subset caches are bounded and warm after 100 documents; 200 more may add a few
    // subsets (each a few KiB) and shaped words, nothing per document (a leak of one 20 KiB PDF each would be 4 MB).
    expect((at300 - at100) / 1024 / 1024).toBeLessThan(2);
  }, 60_000);
});
