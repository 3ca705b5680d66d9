/**
 * Low-level drawing helpers for the invoice PDF renderer: a small stateful
 * painter over a pdfkit document (avoids redundant font/colour operators),
 * greedy word wrapping, and vector QR codes.
 */
import QRCode from 'qrcode';
import { FONT_BOLD, FONT_REGULAR } from './pdf-fonts.ts';

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

// Characters that would only ever render as .notdef boxes (C0/C1 controls,
// bidi overrides) — stripped from user-provided text.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function cleanText(s: string | null | undefined): string {
  if (s == null) return '';
  return String(s).replace(/\r\n?/g, '\n').replace(/\t/g, ' ').replace(CONTROL_CHARS, '');
}

export class Painter {
  readonly doc: PDFKit.PDFDocument;
  private weight: FontWeight | null = null;
  private size = -1;
  private color: string | null = null;

  constructor(doc: PDFKit.PDFDocument) {
    this.doc = doc;
  }

  /** Forget cached graphics state (call after doc.restore() or a page switch). */
  reset(): void {
    this.weight = null;
    this.size = -1;
    this.color = null;
  }

  use(style: TextStyle): void {
    const weight = style.weight ?? 'regular';
    if (weight !== this.weight) {
      this.doc.font(weight === 'bold' ? FONT_BOLD : FONT_REGULAR);
      this.weight = weight;
    }
    if (style.size !== this.size) {
      this.doc.fontSize(style.size);
      this.size = style.size;
    }
    const color = style.color ?? COLOR_TEXT;
    if (color !== this.color) {
      this.doc.fillColor(color);
      this.color = color;
    }
  }

  width(text: string, style: TextStyle): number {
    this.use(style);
    return this.doc.widthOfString(text);
  }

  lineHeight(style: TextStyle): number {
    return style.size * LEADING;
  }

  /** Draws a single line of text with its top at `y`. */
  text(text: string, x: number, y: number, style: TextStyle, align: 'left' | 'right' | 'center' = 'left', boxWidth = 0): void {
    if (text === '') return;
    this.use(style);
    let dx = 0;
    if (align !== 'left') {
      const w = this.doc.widthOfString(text);
      dx = align === 'right' ? boxWidth - w : (boxWidth - w) / 2;
    }
    this.doc.text(text, x + dx, y, { lineBreak: false });
  }

  /**
   * Draws one line that must fit in `boxWidth`: shrinks the font size (down to
   * 60%) and, as a last resort, lets it overflow to the left for right-aligned
   * text (numbers should never be cut).
   */
  fitText(text: string, x: number, y: number, style: TextStyle, align: 'left' | 'right', boxWidth: number): void {
    if (text === '') return;
    let size = style.size;
    const min = style.size * 0.6;
    let w = this.width(text, style);
    while (w > boxWidth && size > min) {
      size = Math.max(min, size - 0.5);
      w = this.width(text, { ...style, size });
    }
    this.text(text, x, y + (style.size - size) / 2, { ...style, size }, align, boxWidth);
  }

  hline(x1: number, x2: number, y: number, color = COLOR_RULE, width = 0.5): void {
    this.doc.save();
    this.doc.moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(color).stroke();
    this.doc.restore();
    this.reset();
  }

  /** Greedy word wrap to `width` points. Honours explicit newlines. */
  wrap(text: string, width: number, style: TextStyle): string[] {
    this.use(style);
    const doc = this.doc;
    const measure = (s: string): number => doc.widthOfString(s);
    const space = measure(' ');
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
        const ww = measure(word);
        if (line === '') {
          if (ww <= width) {
            line = word;
            lineW = ww;
          } else {
            const pieces = breakWord(word, width, measure);
            out.push(...pieces.slice(0, -1));
            line = pieces[pieces.length - 1] ?? '';
            lineW = measure(line);
          }
        } else if (lineW + space + ww <= width) {
          line += ' ' + word;
          lineW += space + ww;
        } else {
          out.push(line);
          if (ww <= width) {
            line = word;
            lineW = ww;
          } else {
            const pieces = breakWord(word, width, measure);
            out.push(...pieces.slice(0, -1));
            line = pieces[pieces.length - 1] ?? '';
            lineW = measure(line);
          }
        }
      }
      out.push(line);
    }
    // drop trailing blank lines
    while (out.length > 1 && out[out.length - 1] === '') out.pop();
    return out;
  }
}

/** Splits a single over-long word (URL, IBAN, …) by code points. */
function breakWord(word: string, width: number, measure: (s: string) => number): string[] {
  const chars = Array.from(word);
  const pieces: string[] = [];
  let cur = '';
  for (const ch of chars) {
    if (cur !== '' && measure(cur + ch) > width) {
      pieces.push(cur);
      cur = ch;
    } else {
      cur += ch;
    }
  }
  if (cur !== '') pieces.push(cur);
  return pieces;
}

/**
 * Draws `data` as a QR code made of filled rectangles (horizontal runs of dark
 * modules merged into one rectangle) — no raster image, one fill operation.
 * Returns the module count so callers can size things.
 */
export function drawQr(doc: PDFKit.PDFDocument, data: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(data, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const bits = qr.modules.data;
  const m = size / n;
  doc.save();
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (bits[r * n + c]) {
        const start = c;
        while (c < n && bits[r * n + c]) c++;
        doc.rect(x + start * m, y + r * m, (c - start) * m, m);
      } else {
        c++;
      }
    }
  }
  doc.fillColor('#000000').fill();
  doc.restore();
}
