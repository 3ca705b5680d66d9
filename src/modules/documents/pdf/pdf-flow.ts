/**
 * Page flow for the invoice renderer: page geometry, text styles, and a tiny
 * layout engine. Content is a sequence of atomic rows (a row never straddles a
 * page break); rows are built by zipping per-column cells.
 */
import { PdfWriter } from './pdf-writer.ts';
import { COLOR_MUTED, LEADING, Painter, cleanText, type TextStyle } from './pdf-layout.ts';
import type { PaperSize, PdfDocumentView, PdfOptionalLabelKey, PdfParty } from './pdf-view.ts';

export const DEFAULT_LABELS: Record<PdfOptionalLabelKey, string> = {
  draft: 'DRAFT',
  relatedTo: 'Relates to',
  taxable: '',
  fingerprint: 'Fingerprint',
  unchangedSince: 'Unchanged since',
  category: 'VAT category',
  rate: 'Rate',
  taxableAmount: 'Taxable amount',
  vatNotes: 'VAT',
};

const PAPER_PT: Record<PaperSize, [number, number]> = {
  A4: [595.28, 841.89],
  LETTER: [612, 792],
};
export const MARGIN_X = 48;
export const MARGIN_TOP = 48;
export const FOOTER_ZONE = 44; // bottom margin holding the page footer

export const S_BODY: TextStyle = { size: 9 };
export const S_SMALL: TextStyle = { size: 8, color: COLOR_MUTED };
export const S_LABEL: TextStyle = { size: 8, weight: 'bold', color: COLOR_MUTED };
export const S_NAME: TextStyle = { size: 11, weight: 'bold' };
export const S_TITLE: TextStyle = { size: 20, weight: 'bold' };
export const S_NUMBER: TextStyle = { size: 11 };
export const S_DRAFT: TextStyle = { size: 11, weight: 'bold', color: '#b3261e' };
export const S_TOTAL: TextStyle = { size: 9 };
export const S_TOTAL_STRONG: TextStyle = { size: 11, weight: 'bold' };

export const lh = (s: TextStyle): number => s.size * LEADING;

/** An atomic horizontal band of content. */
export interface Row {
  h: number;
  draw(y: number): void;
}
/** A piece of a column: rows are built by zipping cells of several columns. */
export interface Cell {
  h: number;
  draw(x: number, y: number, w: number): void;
}

export class Layout {
  readonly writer: PdfWriter;
  readonly p: Painter;
  readonly view: PdfDocumentView;
  readonly width: number;
  readonly height: number;
  readonly left = MARGIN_X;
  readonly right: number;
  readonly contentW: number;
  readonly top = MARGIN_TOP;
  readonly bottom: number;
  y = MARGIN_TOP;
  /** Called after a page break inside the current flow (e.g. table header). */
  onPageBreak: (() => void) | null = null;

  constructor(writer: PdfWriter, view: PdfDocumentView) {
    this.writer = writer;
    this.p = new Painter(writer);
    this.view = view;
    const [w, h] = PAPER_PT[view.paper] ?? PAPER_PT.A4;
    this.width = w;
    this.height = h;
    this.right = w - MARGIN_X;
    this.contentW = this.right - this.left;
    this.bottom = h - FOOTER_ZONE;
  }

  label(k: PdfOptionalLabelKey): string {
    return this.view.labels[k] ?? DEFAULT_LABELS[k];
  }

  get usable(): number {
    return this.bottom - this.top;
  }

  newPage(): void {
    this.p.setPage(this.writer.addPage(this.width, this.height));
    this.y = this.top;
    if (this.view.number === null) this.p.watermark(cleanText(this.label('draft')));
    if (this.onPageBreak) this.onPageBreak();
  }

  /** Moves down by `gap` unless already at the top of a page. */
  gap(gap: number): void {
    if (this.y > this.top) this.y = Math.min(this.y + gap, this.bottom);
  }

  /**
   * Flows rows onto pages. With keepTogether, the whole block moves to a new
   * page when it does not fit (and fits on an empty one); otherwise at least
   * the first `keepFirst` rows stay together (e.g. a heading and its first
   * line).
   */
  flow(rows: Row[], opts: { keepTogether?: boolean; keepFirst?: number } = {}): void {
    if (rows.length === 0) return;
    const total = rows.reduce((a, r) => a + r.h, 0);
    const headH = rows.slice(0, opts.keepFirst ?? 1).reduce((a, r) => a + r.h, 0);
    const need = opts.keepTogether && total <= this.usable ? total : Math.min(headH, this.usable);
    if (this.y + need > this.bottom && this.y > this.top) this.newPage();
    for (const row of rows) {
      if (this.y + row.h > this.bottom && this.y > this.top) this.newPage();
      row.draw(this.y);
      this.y += row.h;
    }
  }

  /** Zips column cells into rows; columns are [x, width, cells]. */
  zip(columns: Array<[number, number, Cell[]]>): Row[] {
    const n = Math.max(0, ...columns.map((c) => c[2].length));
    const rows: Row[] = [];
    for (let i = 0; i < n; i++) {
      const parts = columns.map(([x, w, cells]) => [x, w, cells[i]] as const);
      const h = Math.max(...parts.map((p) => p[2]?.h ?? 0));
      rows.push({
        h,
        draw: (y) => {
          for (const [x, w, cell] of parts) cell?.draw(x, y, w);
        },
      });
    }
    return rows;
  }

  // ----------------------------------------------------------- cells ---

  textCells(
    text: string | null | undefined,
    style: TextStyle,
    width: number,
    align: 'left' | 'right' = 'left',
  ): Cell[] {
    const t = cleanText(text);
    if (t.trim() === '') return [];
    return this.p.wrap(t, width, style).map((line) => ({
      h: lh(style),
      draw: (x: number, y: number, w: number) => this.p.text(line, x, y, style, align, w),
    }));
  }

  spacer(h: number): Cell {
    return { h, draw: () => {} };
  }

  /** label ....... value (value right-aligned; long values wrap). */
  kvCells(label: string, value: string, width: number, ls: TextStyle, vs: TextStyle): Cell[] {
    const labelW = Math.min(this.p.width(cleanText(label), ls), width * 0.55);
    const valueW = width - labelW - 8;
    const labelLines = this.p.wrap(label, width * 0.55, ls);
    const valueLines = this.p.wrap(value, Math.max(valueW, width * 0.4), vs);
    const n = Math.max(labelLines.length, valueLines.length);
    const h = Math.max(lh(ls), lh(vs));
    const cells: Cell[] = [];
    for (let i = 0; i < n; i++) {
      const l = labelLines[i] ?? '';
      const v = valueLines[i] ?? '';
      cells.push({
        h,
        draw: (x, y, w) => {
          this.p.text(l, x, y + (h - lh(ls)) / 2, ls);
          this.p.text(v, x, y + (h - lh(vs)) / 2, vs, 'right', w);
        },
      });
    }
    return cells;
  }

  partyCells(heading: string, party: PdfParty, width: number): Cell[] {
    const cells: Cell[] = [
      ...this.textCells(heading, S_LABEL, width),
      this.spacer(2),
      ...this.textCells(party.name, S_NAME, width),
    ];
    for (const line of party.addressLines) cells.push(...this.textCells(line, S_BODY, width));
    cells.push(...this.textCells(party.taxId, S_BODY, width));
    for (const id of party.ids ?? []) cells.push(...this.textCells(`${id.label}: ${id.value}`, S_BODY, width));
    cells.push(...this.textCells(party.email, S_SMALL, width));
    return cells;
  }
}
