/**
 * Drawing helpers for the invoice PDF renderer: a painter in top-left,
 * y-down page coordinates over pdf-writer pages (avoids redundant colour
 * operators), greedy word wrapping, and vector QR codes.
 */
import { getFonts, type FontSource } from './pdf-fonts.ts';
import type { PdfImage } from './pdf-image.ts';
import { qrMatrix } from './pdf-qr.ts';
import { measure, num, type DocFont, type PdfPage, type PdfWriter } from './pdf-writer.ts';

export type FontWeight = 'regular' | 'bold';

export interface TextStyle {
  weight?: FontWeight;
  size: number;
  color?: string;
}

export const COLOR_TEXT = '#1a1a1a';
export const COLOR_MUTED = '#6b6b6b';
export const COLOR_RULE = '#d0d0d0';

/** Line height factor applied to the font size. */
export const LEADING = 1.25;

// C0/C1 controls and bidi embedding/override/isolate controls: never useful in
// an invoice and a classic way to make displayed text differ from its content.
const CONTROL_CHARS = /[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Normalises user text: NFC, \r\n → \n, tabs → space, strips control characters. */
const PLAIN = /^[\x20-\x7e]*$/;

export function cleanText(s: string | null | undefined): string {
  if (s == null) return '';
  if (PLAIN.test(s)) return s;
  return String(s).normalize('NFC').replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(CONTROL_CHARS, '');
}

const rgbCache = new Map<string, string>();
function rgb(hex: string): string {
  let v = rgbCache.get(hex);
  if (v === undefined) {
    const n = Number.parseInt(hex.slice(1), 16);
    v = `${num(((n >> 16) & 255) / 255)} ${num(((n >> 8) & 255) / 255)} ${num((n & 255) / 255)}`;
    rgbCache.set(hex, v);
  }
  return v;
}

export class Painter {
  readonly writer: PdfWriter;
  private readonly regular: DocFont;
  private readonly bold: DocFont;
  private readonly srcRegular: FontSource;
  private readonly srcBold: FontSource;
  page: PdfPage | null = null;
  private fill: string | null = null;

  constructor(writer: PdfWriter) {
    this.writer = writer;
    const fonts = getFonts();
    this.srcRegular = fonts.regular;
    this.srcBold = fonts.bold;
    this.regular = writer.addFont(fonts.regular);
    this.bold = writer.addFont(fonts.bold);
  }

  private get p(): PdfPage {
    if (this.page === null) throw new Error('Painter: no page');
    return this.page;
  }

  setPage(page: PdfPage): void {
    this.page = page;
    this.fill = null;
  }

  private src(style: TextStyle): FontSource {
    return style.weight === 'bold' ? this.srcBold : this.srcRegular;
  }

  private setFill(color: string): void {
    if (color !== this.fill) {
      this.p.ops.push(`${rgb(color)} rg`);
      this.fill = color;
    }
  }

  width(text: string, style: TextStyle): number {
    return measure(this.src(style), text, style.size);
  }

  /** Draws a single line of text with its top at `y`. */
  text(
    text: string,
    x: number,
    y: number,
    style: TextStyle,
    align: 'left' | 'right' | 'center' = 'left',
    boxWidth = 0,
  ): void {
    if (text === '') return;
    let dx = 0;
    if (align !== 'left') {
      const w = this.width(text, style);
      dx = align === 'right' ? boxWidth - w : (boxWidth - w) / 2;
    }
    this.setFill(style.color ?? COLOR_TEXT);
    this.p.ops.push(this.textOps(text, x + dx, y, style));
  }

  /** BT…ET block; `y` is the top of the line box (y-down page coordinates). */
  textOps(text: string, x: number, y: number, style: TextStyle): string {
    const font = style.weight === 'bold' ? this.bold : this.regular;
    const baseline = this.p.height - y - (font.src.ascent / 1000) * style.size;
    const tj = font.tj(text);
    if (tj !== null) {
      return `BT /${font.resName} ${num(style.size)} Tf 1 0 0 1 ${num(x)} ${num(baseline)} Tm [${tj}] TJ ET`;
    }
    return `BT /${font.resName} ${num(style.size)} Tf\n${font.glyphOps(text, x, baseline, style.size)}ET`;
  }

  /**
   * One line that must fit in `boxWidth`: shrinks the font size (down to 60%);
   * as a last resort right-aligned text overflows to the left (amounts are
   * never cut).
   */
  fitText(text: string, x: number, y: number, style: TextStyle, align: 'left' | 'right', boxWidth: number): void {
    if (text === '') return;
    const w = this.width(text, style);
    if (w <= boxWidth) {
      this.text(text, x, y, style, align, boxWidth);
      return;
    }
    const size = Math.max(style.size * 0.6, Math.floor(((style.size * boxWidth) / w) * 10) / 10);
    this.text(text, x, y + (style.size - size) / 2, { ...style, size }, align, boxWidth);
  }

  hline(x1: number, x2: number, y: number, color = COLOR_RULE, width = 0.5): void {
    const py = this.p.height - y;
    this.p.ops.push(`${num(width)} w ${rgb(color)} RG ${num(x1)} ${num(py)} m ${num(x2)} ${num(py)} l S`);
  }

  /** Draws an image XObject into the box whose top-left corner is (x, y), `w` × `h` points. */
  image(image: PdfImage, x: number, y: number, w: number, h: number): void {
    const name = this.writer.image(image);
    this.p.ops.push(`q ${num(w)} 0 0 ${num(h)} ${num(x)} ${num(this.p.height - y - h)} cm /${name} Do Q`);
  }

  link(x: number, y: number, w: number, h: number, uri: string): void {
    this.p.links.push({ x, y, w, h, uri });
  }

  /** Big rotated translucent label across the page (e.g. DRAFT). */
  watermark(text: string): void {
    const page = this.p;
    const style: TextStyle = { size: 110, weight: 'bold' };
    let w = this.width(text, style);
    const maxW = page.height * 0.9;
    if (w > maxW) {
      style.size = (style.size * maxW) / w;
      w = maxW;
    }
    const a = (35 * Math.PI) / 180;
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    const cx = page.width / 2;
    const cy = page.height / 2;
    const font = this.bold;
    const tj = font.tj(text) ?? '';
    // rotate about the page centre, then draw centred on the origin
    const capH = (font.src.ascent / 1000) * style.size * 0.75;
    page.ops.push(
      `q /${this.writer.alpha(0.07)} gs 0 0 0 rg ${num(cos)} ${num(sin)} ${num(-sin)} ${num(cos)} ${num(cx)} ${num(cy)} cm ` +
        `BT /${font.resName} ${num(style.size)} Tf 1 0 0 1 ${num(-w / 2)} ${num(-capH / 2)} Tm [${tj}] TJ ET Q`,
    );
  }

  /**
   * Draws `data` as a QR code of filled rectangles (horizontal runs of dark
   * modules merged), no raster image; (x, y) is the top-left corner.
   */
  qr(data: string, x: number, y: number, size: number): void {
    const qr = qrMatrix(data);
    const n = qr.size;
    const bits = qr.data;
    const m = size / n;
    // module coordinate system: origin at the top-left corner, y down, 1 unit
    // per module — keeps the operators short (integers only)
    const parts: string[] = [`q 0 0 0 rg ${num(m)} 0 0 ${num(-m)} ${num(x)} ${num(this.p.height - y)} cm`];
    for (let r = 0; r < n; r++) {
      let c = 0;
      while (c < n) {
        if (bits[r * n + c]) {
          const start = c;
          while (c < n && bits[r * n + c]) c++;
          parts.push(`${start} ${r} ${c - start} 1 re`);
        } else {
          c++;
        }
      }
    }
    parts.push('f Q');
    this.p.ops.push(parts.join('\n'));
  }

  /** Greedy word wrap to `width` points. Honours explicit newlines. */
  wrap(text: string, width: number, style: TextStyle): string[] {
    const src = this.src(style);
    const size = style.size;
    const measureW = (s: string): number => measure(src, s, size);
    const space = measureW(' ');
    const out: string[] = [];
    for (const para of cleanText(text).split('\n')) {
      const words = para.split(' ').filter((w) => w !== '');
      if (words.length === 0) {
        out.push('');
        continue;
      }
      let line = '';
      let lineW = 0;
      for (const word of words) {
        const ww = measureW(word);
        if (line !== '' && lineW + space + ww <= width) {
          line += ' ' + word;
          lineW += space + ww;
          continue;
        }
        if (line !== '') out.push(line);
        if (ww <= width) {
          line = word;
          lineW = ww;
        } else {
          const pieces = breakWord(word, width, measureW);
          out.push(...pieces.slice(0, -1));
          line = pieces[pieces.length - 1] ?? '';
          lineW = measureW(line);
        }
      }
      out.push(line);
    }
    while (out.length > 1 && out[out.length - 1] === '') out.pop();
    return out;
  }
}

/** Splits a single over-long word (URL, IBAN, …) by code points. */
function breakWord(word: string, width: number, measureW: (s: string) => number): string[] {
  // per-character widths (ignores kerning across the break — harmless, and it
  // keeps every prefix of a long token out of the shaping memo)
  const pieces: string[] = [];
  let cur = '';
  let curW = 0;
  for (const ch of word) {
    const cw = measureW(ch);
    if (cur !== '' && curW + cw > width) {
      pieces.push(cur);
      cur = ch;
      curW = cw;
    } else {
      cur += ch;
      curW += cw;
    }
  }
  if (cur !== '') pieces.push(cur);
  return pieces;
}
