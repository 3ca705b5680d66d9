/**
 * Flate compression for the PDF writer, shaped so that a process writing thousands of documents
 * keeps its memory flat (issue #14 item 3).
 *
 * Why not `deflateSync(buffer)` as it comes: each call builds a zlib stream object that V8 lets
 * go only at a full (mark-compact) collection, and until then it keeps the input Buffer and its
 * 16 KiB output chunk alive. Rendering allocates little JavaScript memory per document, so full
 * collections are rare and these pile up (measured: ~30 KiB per document of 64 KiB retained).
 * Here:
 *   - the input is copied into one scratch buffer reused for every call, so the stream object pins
 *     none of the caller's memory (copying a page's operators costs what Buffer.from did);
 *   - the output comes in small chunks taken from Buffer's shared 8 KiB pool, so what the stream
 *     object pins is at most a slice of a pool slab; zlib concatenates the chunks into an
 *     exact-size result when there is more than one.
 * Measured with 1,000 signed invoices in one process: array buffers retained between full
 * collections fall from ~64 to ~42 KiB per document. (The rest is the documents' own short-lived
 * buffers, which the zlib objects' presence also keeps until a full collection; see issue #14.)
 * The compressed bytes are exactly deflateSync's: zlib's output does not depend on how its output
 * buffer is cut (pdf-deflate.test.ts compares them).
 */
import { deflateSync } from 'node:zlib';

/** Below Buffer.poolSize / 2, so chunks come from the pool; a one-page content stream deflates to ~3–4 KiB. */
const CHUNK = 1024;
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

/** `deflateSync(data, { level })`, same bytes; strings are Latin-1 (PDF operators and CMaps are). */
export function deflate(data: Uint8Array | string, level: number): Buffer {
  const length = typeof data === 'string' ? data.length : data.byteLength;
  const s = staged(length);
  if (s === null) return deflateSync(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, { level });
  if (typeof data === 'string') s.write(data, 0, length, 'latin1');
  else s.set(data, 0);
  return deflateSync(s.subarray(0, length), { level, chunkSize: CHUNK });
}
