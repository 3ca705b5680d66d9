/**
 * Flate compression for the PDF writer, shaped so that a process writing thousands of documents
 * keeps its memory flat (issue #14 item 3) and pays for no zlib setup per stream.
 *
 * Why not `deflateSync(buffer)` as it comes: each call builds a zlib stream object (a
 * `zlib.Deflate`, a Transform around a native handle) and a fresh zlib state. Node closes the
 * native state when the call returns, but the JavaScript object lives on until a full
 * (mark-compact) collection: its native handle survives scavenges and keeps the stream reachable,
 * so the stream and what it references are promoted to the old generation. Rendering allocates
 * little JavaScript memory per document, so full collections are rare, and the old generation (and
 * RSS) of a process rendering invoices climbed by a few KiB per document between them (pdf.memory
 * in bench/pdf.bench.ts); before the output chunk was let go, by a whole 64 KiB pool slab each.
 *
 * So each thread keeps one engine per compression level for its lifetime and drives it as
 * `deflateSync` itself does (Node's lib/zlib.js, processChunkSync): the native handle's synchronous
 * `writeSync` with Z_FINISH, whose progress Node reports in the stream's `_writeState`; then the
 * documented `reset()` makes it start afresh. The compressed bytes are exactly deflateSync's
 * (pdf-deflate.test.ts compares them), so PDFs, hashes and signatures are unchanged.
 * `writeSync` and `_writeState` are Node internals: where they are missing (a Node upgrade) the
 * engine is made per call as deflateSync does and released (`releaseEngine`), and
 * pdf-deflate.test.ts fails, so the upgrade is noticed.
 * The input is copied into one scratch buffer reused for every call, so strings need no per-call
 * conversion buffer; the output is written into another and copied out at its exact size.
 */
import { constants, createDeflate, deflateSync, type Deflate } from 'node:zlib';

/** The scratch buffers grow to fit the largest stream up to this; larger ones are not kept. */
const SCRATCH_MAX = 1 << 20;
const SCRATCH_MIN = 64 * 1024;
let input: Buffer = Buffer.allocUnsafeSlow(SCRATCH_MIN);
let output: Buffer = Buffer.allocUnsafeSlow(SCRATCH_MIN);

/** The part of Node's native zlib handle the synchronous path uses. */
interface NativeDeflate {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  reset(): void;
}
interface Engine {
  stream: Deflate;
  handle: NativeDeflate;
  /** [output bytes left, input bytes left] after each writeSync. */
  state: Uint32Array;
}
/** Per level: the thread's engine; null where Node has no handle to reuse (then one per call). */
const engines = new Map<number, Engine | null>();

function engineFor(level: number): Engine | null {
  let e = engines.get(level);
  if (e === undefined) {
    const stream = createDeflate({ level });
    const inner = stream as unknown as { _handle?: Partial<NativeDeflate>; _writeState?: unknown };
    if (typeof inner._handle?.writeSync === 'function' && inner._writeState instanceof Uint32Array) {
      e = { stream, handle: inner._handle as NativeDeflate, state: inner._writeState };
      // A zlib failure destroys the stream at once and emits 'error' a tick later (Node's
      // zlibOnError); `deflate` throws it from `errored`, so the late event needs no more than this.
      stream.on('error', () => {});
    } else {
      stream.destroy();
      e = null;
    }
    engines.set(level, e);
  }
  return e;
}

/** Whether this Node lets `deflate` reuse its engines (pdf-deflate.test.ts insists that it does). */
export const reusesEngines = (): boolean => engineFor(6) !== null;

/** A scratch buffer of at least `size` bytes: `current` when it is large enough, else a larger one. */
function atLeast(current: Buffer, size: number): Buffer {
  if (size <= current.length) return current;
  let n = current.length;
  while (n < size) n *= 2;
  return Buffer.allocUnsafeSlow(n);
}

/** Drops what a finished synchronous engine still references, so it pins no buffer until a full collection. */
export function releaseEngine(engine: Deflate): void {
  engine.removeAllListeners();
  (engine as unknown as { _outBuffer?: Buffer | null })._outBuffer = null;
}

/** What `deflate` does where no engine can be reused: deflateSync, its engine released. */
export function deflateOnce(bytes: Uint8Array, level: number): Buffer {
  // `info: true` returns { buffer, engine }; the typings only know the plain form.
  const once = deflateSync(bytes, { level, chunkSize: 4096, info: true }) as unknown as {
    buffer: Buffer;
    engine: Deflate;
  };
  releaseEngine(once.engine);
  return once.buffer;
}

/** `deflateSync(data, { level })`, same bytes; strings are Latin-1 (PDF operators and CMaps are). */
export function deflate(data: Uint8Array | string, level: number): Buffer {
  const length = typeof data === 'string' ? data.length : data.byteLength;
  let bytes: Uint8Array;
  if (length > SCRATCH_MAX) bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  else {
    input = atLeast(input, length);
    if (typeof data === 'string') input.write(data, 0, length, 'latin1');
    else input.set(data, 0);
    bytes = input.subarray(0, length);
  }
  const engine = engineFor(level);
  if (engine === null) return deflateOnce(bytes, level);
  // zlib's worst case is a little over the input (stored blocks); most streams need far less.
  let out = atLeast(output, Math.min(length + (length >>> 10) + 64, SCRATCH_MAX));
  let written = 0;
  let inOff = 0;
  let inLeft = length;
  for (;;) {
    engine.handle.writeSync(constants.Z_FINISH, bytes, inOff, inLeft, out, written, out.length - written);
    if (engine.stream.destroyed) {
      engines.delete(level); // a failed engine is not reused
      throw engine.stream.errored ?? new Error('deflate: the zlib engine failed');
    }
    const outLeft = engine.state[0]!;
    inOff += inLeft - engine.state[1]!;
    inLeft = engine.state[1]!;
    written = out.length - outLeft;
    if (outLeft !== 0) break;
    const larger = Buffer.allocUnsafeSlow(out.length * 2);
    out.copy(larger, 0, 0, written);
    out = larger;
  }
  engine.handle.reset();
  if (out.length <= SCRATCH_MAX) output = out;
  return Buffer.from(out.subarray(0, written));
}
