/**
 * Flate compression for the PDF writer, shaped so that a process writing thousands of documents
 * keeps its memory flat (issue #14 item 3).
 *
 * Why not `deflateSync(buffer)` as it comes: each call builds a zlib stream object (a
 * `zlib.Deflate` around a native handle). Node closes the native zlib state when the call returns,
 * but the JavaScript object lives on until a full (mark-compact) collection: its native handle
 * survives scavenges and keeps the stream reachable, so everything the stream references is
 * promoted to the old generation with it. Two of those references are Buffers cut from Node's
 * shared allocation pool (`Buffer.poolSize`, 64 KiB in Node 24): the stream's output chunk
 * (`_outBuffer`) and, through the 'error' listener the synchronous path registers, the output
 * chunks of the call. A pool slice keeps its whole 64 KiB slab alive. Rendering allocates little
 * JavaScript memory per document, so full collections are rare, and one pinned slab per document
 * made the array-buffer memory (and RSS) of a process rendering 1,000 invoices climb by ~80 KiB
 * per document between full collections (bench/pdf.bench.ts, pdf.memory).
 *
 * Here the call asks for its engine (`info: true`, documented) and lets go of what the engine
 * holds once the bytes are out: the listeners (public `removeAllListeners`) and the output chunk
 * (`_outBuffer`, the one field Node's synchronous path leaves behind; pdf-deflate.test.ts fails if
 * an engine still holds a buffer after a call, so a Node upgrade that moves it is noticed).
 * What survives until the next full collection is the small stream object itself.
 * The input is copied into one scratch buffer reused for every call, so strings need no
 * per-call conversion buffer.
 * The compressed bytes are exactly deflateSync's: zlib's output does not depend on how its output
 * buffer is cut (pdf-deflate.test.ts compares them), so PDFs, hashes and signatures are unchanged.
 */
import { deflateSync, type Deflate } from 'node:zlib';

/** Output chunk: a page's content stream deflates to ~2–4 KiB, so most calls fill one chunk (no concatenation). */
const CHUNK = 4096;
/** The scratch grows to fit the largest input up to this; larger inputs are compressed where they are. */
const SCRATCH_MAX = 1 << 20;
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

function staged(byteLength: number): Buffer | null {
  if (byteLength > SCRATCH_MAX) return null;
  if (byteLength > scratch.length) {
    let size = scratch.length;
    while (size < byteLength) size *= 2;
    scratch = Buffer.allocUnsafeSlow(size);
  }
  return scratch;
}

/** Drops what a finished synchronous engine still references, so it pins no buffer until a full collection. */
export function releaseEngine(engine: Deflate): void {
  engine.removeAllListeners();
  (engine as unknown as { _outBuffer?: Buffer | null })._outBuffer = null;
}

/** `deflateSync(data, { level })`, same bytes; strings are Latin-1 (PDF operators and CMaps are). */
export function deflate(data: Uint8Array | string, level: number): Buffer {
  const length = typeof data === 'string' ? data.length : data.byteLength;
  const s = staged(length);
  let input: Uint8Array;
  if (s === null) input = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  else {
    if (typeof data === 'string') s.write(data, 0, length, 'latin1');
    else s.set(data, 0);
    input = s.subarray(0, length);
  }
  // `info: true` returns { buffer, engine }; the typings only know the plain form.
  const out = deflateSync(input, { level, chunkSize: CHUNK, info: true }) as unknown as {
    buffer: Buffer;
    engine: Deflate;
  };
  releaseEngine(out.engine);
  return out.buffer;
}
