/**
 * QR code matrix for the verification URL — the `qrcode` package's output,
 * with a faster mask selection.
 *
 * `QRCode.create()` picks the data mask by building all eight candidates and
 * scoring them through BitMatrix accessor calls; that alone costs ~0.5 ms per
 * symbol, a fifth of an invoice's render time. Here the symbol is built once
 * with mask 0, unmasked, and the eight candidates are scored with the very
 * same penalty rules (N1–N4, same tie-breaking) on flat arrays. The result is
 * identical to `QRCode.create(data, { errorCorrectionLevel: 'M' })` — the
 * test suite checks that on many inputs — and falls back to it if the
 * library's internals ever change shape.
 */
import QRCode from 'qrcode';

export interface QrMatrix {
  size: number;
  /** row-major, 1 = dark */
  data: Uint8Array;
}

const utf8 = new TextEncoder();

// qrcode's PenaltyScores
const N1 = 3;
const N2 = 3;
const N3 = 40;
const N4 = 10;

function maskAt(p: number, i: number, j: number): boolean {
  switch (p) {
    case 0:
      return (i + j) % 2 === 0;
    case 1:
      return i % 2 === 0;
    case 2:
      return j % 3 === 0;
    case 3:
      return (i + j) % 3 === 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    default:
      return (((i * j) % 3) + ((i + j) % 2)) % 2 === 0;
  }
}

function bchDigit(d: number): number {
  let n = 0;
  while (d !== 0) {
    n++;
    d >>>= 1;
  }
  return n;
}

/** 15-bit format information (ISO 18004 §7.9), as qrcode's FormatInfo. */
function formatBits(eclBit: number, mask: number): number {
  const G15 = (1 << 10) | (1 << 8) | (1 << 5) | (1 << 4) | (1 << 2) | (1 << 1) | (1 << 0);
  const G15_MASK = (1 << 14) | (1 << 12) | (1 << 10) | (1 << 4) | (1 << 1);
  const G15_BCH = bchDigit(G15);
  const data = (eclBit << 3) | mask;
  let d = data << 10;
  while (bchDigit(d) - G15_BCH >= 0) d ^= G15 << (bchDigit(d) - G15_BCH);
  return ((data << 10) | d) ^ G15_MASK;
}

/** Writes the format information for `mask` (same positions as qrcode). */
function setFormat(m: Uint8Array, n: number, eclBit: number, mask: number): void {
  const bits = formatBits(eclBit, mask);
  for (let i = 0; i < 15; i++) {
    const v = (bits >> i) & 1;
    if (i < 6) m[i * n + 8] = v;
    else if (i < 8) m[(i + 1) * n + 8] = v;
    else m[(n - 15 + i) * n + 8] = v;
    if (i < 8) m[8 * n + (n - i - 1)] = v;
    else if (i < 9) m[8 * n + (15 - i - 1 + 1)] = v;
    else m[8 * n + (15 - i - 1)] = v;
  }
  m[(n - 8) * n + 8] = 1;
}

/**
 * qrcode's getPenaltyN1 + N2 + N3 + N4 (same rules and weights), computed in
 * one row pass and one column pass over a flat array.
 */
function penalty(d: Uint8Array, n: number): number {
  let runs = 0; // N1 points before weighting extras
  let blocks = 0; // N2
  let finders = 0; // N3
  let dark = 0; // N4
  for (let r = 0; r < n; r++) {
    const o = r * n;
    let last = -1;
    let same = 0;
    let bits = 0;
    for (let c = 0; c < n; c++) {
      const v = d[o + c]!;
      dark += v;
      if (v === last) {
        same++;
      } else {
        if (same >= 5) runs += N1 + same - 5;
        last = v;
        same = 1;
      }
      bits = ((bits << 1) & 0x7ff) | v;
      if (c >= 10 && (bits === 0x5d0 || bits === 0x05d)) finders++;
      if (r < n - 1 && c < n - 1) {
        const s = v + d[o + c + 1]! + d[o + n + c]! + d[o + n + c + 1]!;
        if (s === 0 || s === 4) blocks++;
      }
    }
    if (same >= 5) runs += N1 + same - 5;
  }
  for (let c = 0; c < n; c++) {
    let last = -1;
    let same = 0;
    let bits = 0;
    for (let r = 0, i = c; r < n; r++, i += n) {
      const v = d[i]!;
      if (v === last) {
        same++;
      } else {
        if (same >= 5) runs += N1 + same - 5;
        last = v;
        same = 1;
      }
      bits = ((bits << 1) & 0x7ff) | v;
      if (r >= 10 && (bits === 0x5d0 || bits === 0x05d)) finders++;
    }
    if (same >= 5) runs += N1 + same - 5;
  }
  return runs + blocks * N2 + finders * N3 + Math.abs(Math.ceil((dark * 100) / d.length / 5) - 10) * N4;
}

const maskCache = new Map<number, Uint8Array[]>();

/** The eight mask patterns for an n×n symbol (at most 40 sizes are ever cached). */
function maskTables(n: number): Uint8Array[] {
  let t = maskCache.get(n);
  if (t === undefined) {
    t = [];
    for (let p = 0; p < 8; p++) {
      const m = new Uint8Array(n * n);
      for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) m[r * n + c] = maskAt(p, r, c) ? 1 : 0;
      t.push(m);
    }
    maskCache.set(n, t);
  }
  return t;
}

interface RawMatrix {
  size: number;
  data: Uint8Array;
  reservedBit?: Uint8Array;
}

/** QR symbol (byte mode, error correction M, best mask) for `text`. */
export function qrMatrix(text: string): QrMatrix {
  const segments = [{ data: utf8.encode(text), mode: 'byte' as const }];
  const qr = QRCode.create(segments, { errorCorrectionLevel: 'M', maskPattern: 0 });
  const raw = qr.modules as unknown as RawMatrix;
  const eclBit = (qr.errorCorrectionLevel as unknown as { bit?: unknown }).bit;
  const n = raw.size;
  const reserved = raw.reservedBit;
  if (
    !(reserved instanceof Uint8Array) ||
    reserved.length !== n * n ||
    typeof eclBit !== 'number' ||
    qr.maskPattern !== 0
  ) {
    const auto = QRCode.create(segments, { errorCorrectionLevel: 'M' });
    return { size: auto.modules.size, data: Uint8Array.from(auto.modules.data) };
  }
  const masks = maskTables(n);
  // undo mask 0 on the data modules
  const base = Uint8Array.from(raw.data);
  const m0 = masks[0]!;
  for (let i = 0; i < base.length; i++) if (!reserved[i]) base[i]! ^= m0[i]!;

  let best: Uint8Array | null = null;
  let bestPenalty = Infinity;
  const cand = new Uint8Array(n * n);
  for (let p = 0; p < 8; p++) {
    const mp = masks[p]!;
    for (let i = 0; i < cand.length; i++) cand[i] = reserved[i] ? base[i]! : base[i]! ^ mp[i]!;
    setFormat(cand, n, eclBit, p);
    const score = penalty(cand, n);
    if (score < bestPenalty) {
      bestPenalty = score;
      best = cand.slice();
    }
  }
  return { size: n, data: best! };
}
