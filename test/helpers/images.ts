// Tiny images made in the test, so no binary fixture hides what is being tested.
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

export interface PngOptions {
  width: number;
  height: number;
  /** 0 gray, 2 RGB, 3 palette (4 colours), 4 gray+alpha, 6 RGBA; 8-bit samples */
  colorType?: 0 | 2 | 3 | 4 | 6;
  interlaced?: boolean;
  /** extra chunks before IEND (e.g. a tRNS) */
  extra?: Buffer[];
}

/** The samples of pixel (x, y): a diagonal stripe pattern, half transparent where there is alpha. */
function pixel(colorType: number, x: number, y: number): number[] {
  const on = (x + y) % 4 < 2;
  const a = x < 2 ? 0 : 200;
  switch (colorType) {
    case 0:
      return [on ? 20 : 230];
    case 2:
      return on ? [200, 30, 30] : [30, 30, 200];
    case 3:
      return [(x + y) % 4];
    case 4:
      return [on ? 20 : 230, a];
    default:
      return on ? [200, 30, 30, a] : [30, 30, 200, a];
  }
}

/** A valid PNG (filter type 0 on every row). */
export function makePng(o: PngOptions): Buffer {
  const ct = o.colorType ?? 2;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(o.width, 0);
  ihdr.writeUInt32BE(o.height, 4);
  ihdr[8] = 8;
  ihdr[9] = ct;
  ihdr[12] = o.interlaced ? 1 : 0;
  const rows: number[] = [];
  const passes = o.interlaced ? ADAM7 : ([[0, 0, 1, 1]] as const);
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((o.width - x0) / dx);
    if (pw <= 0) continue;
    for (let y = y0; y < o.height; y += dy) {
      rows.push(0);
      for (let x = x0; x < o.width; x += dx) rows.push(...pixel(ct, x, y));
    }
  }
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (ct === 3) parts.push(chunk('PLTE', Buffer.from([200, 30, 30, 30, 30, 200, 30, 160, 30, 250, 250, 250])));
  parts.push(...(o.extra ?? []), chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

export const pngChunk = chunk;

/**
 * A valid baseline JPEG of uniform mid-gray: every 8×8 block has DC difference 0 and ends at once
 * (EOB), with one-code Huffman tables, so the entropy-coded data is two 0 bits per block and
 * component. Enough for a decoder (pdfimages, pdftoppm) to read and for the frame header to carry
 * the dimensions and component count under test.
 */
export function makeJpeg(width: number, height: number, components: 1 | 3 | 4 = 3): Buffer {
  const seg = (marker: number, body: number[]) => [
    0xff,
    marker,
    ((body.length + 2) >> 8) & 0xff,
    (body.length + 2) & 0xff,
    ...body,
  ];
  const dqt = seg(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
  const comps: number[] = [];
  for (let c = 1; c <= components; c++) comps.push(c, 0x11, 0);
  const sof = seg(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, components, ...comps]);
  const bits = [1, ...new Array<number>(15).fill(0)];
  const dht = seg(0xc4, [0x00, ...bits, 0x00, 0x10, ...bits, 0x00]);
  const scomps: number[] = [];
  for (let c = 1; c <= components; c++) scomps.push(c, 0x00);
  const sos = seg(0xda, [components, ...scomps, 0, 63, 0]);
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8) * components;
  const nbits = blocks * 2;
  const data = new Array<number>(Math.ceil(nbits / 8)).fill(0);
  if (nbits % 8) data[data.length - 1] = (1 << (8 - (nbits % 8))) - 1; // pad with 1 bits
  return Buffer.from([0xff, 0xd8, ...dqt, ...sof, ...dht, ...sos, ...data, 0xff, 0xd9]);
}
