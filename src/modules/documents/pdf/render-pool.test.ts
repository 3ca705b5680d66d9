// Render threads: the same bytes as rendering in the calling thread (plain, signed, Factur-X),
// the renderer's errors come back as the caller would see them in-thread, a thread that cannot
// start costs nothing but the thread, and close() ends the threads without losing a job. Jobs
// handed over together (renderMany) come back in order, each with its own answer.
import { afterEach, describe, expect, it } from 'vitest';
import { fillContents, type SignatureField } from './pdf-signature.ts';
import { sampleDocumentView } from './pdf-sample.ts';
import { createRenderPool, type RenderPool } from './render-pool.ts';
import { renderForSigning, type RenderedPdf, type RenderJob } from './render-document-pdf.ts';

const field: SignatureField = {
  signerName: 'Zürich Signer AG',
  reason: 'Issued with Sealbill',
  signingTime: new Date('2026-01-02T03:04:05Z'),
  contentsBytes: 200,
};
const xml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><rsm:CrossIndustryInvoice/>', 'utf8');

function job(seed: number, kind: 'plain' | 'signed' | 'facturx'): RenderJob {
  return {
    view: sampleDocumentView({ seed, lines: 3 + (seed % 40) }),
    creationDate: new Date('2026-01-02T00:00:00Z'),
    field: kind === 'plain' ? null : field,
    attachment: kind === 'facturx' ? { name: 'factur-x.xml', xml } : null,
  };
}
const bytesOf = (r: RenderedPdf): Buffer => r.pdf ?? r.prepared.pdf;

const pools: RenderPool[] = [];
function pool(opts: Parameters<typeof createRenderPool>[0]): RenderPool {
  const p = createRenderPool(opts);
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('render pool', () => {
  it('renders on two threads byte-for-byte what the calling thread renders', async () => {
    const p = pool({ threads: 2 });
    const jobs = Array.from({ length: 24 }, (_, i) => job(i, (['plain', 'signed', 'facturx'] as const)[i % 3]!));
    const results = await Promise.all(jobs.map((j) => p.render(j)));
    expect(p.stats()).toMatchObject({ threads: 2, running: 2, fallbacks: 0 });
    results.forEach((r, i) => {
      const here = renderForSigning(jobs[i]!);
      expect(bytesOf(r).equals(bytesOf(here))).toBe(true);
      expect(r.prepared?.byteRange ?? null).toEqual(here.prepared?.byteRange ?? null);
    });
    // The reserved field is filled on this thread, as the signer does.
    const signed = results[1]!;
    expect(signed.prepared).not.toBeNull();
    const pdf = fillContents(signed.prepared!, Buffer.from('3003020101', 'hex'));
    expect(pdf.toString('latin1')).toMatch(/\/Contents <3003020101(0+)>/);
  });

  it('renders jobs handed over together in order, each answered on its own (a bad one fails alone)', async () => {
    const p = pool({ threads: 1 });
    const jobs = [job(3, 'signed'), { ...job(4, 'plain'), creationDate: new Date(Number.NaN) }, job(5, 'facturx')];
    const [first, bad, last] = p.renderMany(jobs);
    await expect(bad).rejects.toThrow(RangeError);
    for (const [r, j] of [
      [first!, jobs[0]!],
      [last!, jobs[2]!],
    ] as const)
      expect(bytesOf(await r).equals(bytesOf(renderForSigning(j)))).toBe(true);
    expect(p.stats()).toMatchObject({ running: 1, fallbacks: 0 });
  });

  it('rethrows the renderer’s error with its name and message, and keeps serving', async () => {
    const p = pool({ threads: 1 });
    const bad = { ...job(1, 'signed'), creationDate: new Date(Number.NaN) };
    const expected = (() => {
      try {
        renderForSigning(bad);
      } catch (err) {
        return err as Error;
      }
      throw new Error('expected the in-thread render to fail');
    })();
    const err = (await p.render(bad).then(
      () => null,
      (e: unknown) => e as Error,
    ))!;
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toBe(expected.message);
    const draftWithXml = { ...job(2, 'facturx'), view: { ...job(2, 'facturx').view, number: null } };
    await expect(p.render(draftWithXml)).rejects.toThrow('a draft cannot carry an e-invoice');
    expect(bytesOf(await p.render(job(3, 'plain'))).equals(bytesOf(renderForSigning(job(3, 'plain'))))).toBe(true);
    expect(p.stats().fallbacks).toBe(0);
  });

  it('renders in the calling thread with threads: 0, or when a thread cannot start', async () => {
    const none = pool({ threads: 0 });
    expect(bytesOf(await none.render(job(4, 'signed'))).equals(bytesOf(renderForSigning(job(4, 'signed'))))).toBe(true);
    expect(none.stats()).toMatchObject({ threads: 0, running: 0 });

    const broken = pool({ threads: 1, workerUrl: new URL('./no-such-render-worker.ts', import.meta.url) });
    const results = await Promise.all([5, 6, 7].map((s) => broken.render(job(s, 'signed'))));
    results.forEach((r, i) => expect(bytesOf(r).equals(bytesOf(renderForSigning(job(5 + i, 'signed'))))).toBe(true));
    expect(broken.stats().running).toBe(0);
    expect(broken.stats().fallbacks).toBeGreaterThanOrEqual(3);
  });

  it('close() ends the threads; jobs in flight or later still get their bytes', async () => {
    const p = pool({ threads: 1 });
    await p.render(job(8, 'plain')); // threads started
    const inFlight = p.render(job(9, 'signed'));
    await p.close();
    expect(p.stats().running).toBe(0);
    expect(bytesOf(await inFlight).equals(bytesOf(renderForSigning(job(9, 'signed'))))).toBe(true);
    expect(bytesOf(await p.render(job(10, 'plain'))).equals(bytesOf(renderForSigning(job(10, 'plain'))))).toBe(true);
    await p.close(); // idempotent
  });
});
