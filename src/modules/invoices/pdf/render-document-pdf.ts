/**
 * Invoice / quote / credit-note PDF renderer.
 *
 * Everything is laid out as a flow of atomic "rows" (a row never straddles a
 * page break); blocks that must stay together (totals, payment details,
 * verification) move to the next page as a whole when they do not fit, and
 * table rows taller than a page are pre-split. The table header is repeated on
 * every page the table continues on, and "Page i / n" footers are added once
 * the page count is known (pages are kept in memory until the end, like
 * pdfkit's bufferPages).
 *
 * Output is byte-for-byte deterministic for a given view + creationDate (see
 * pdf-writer.ts). Fonts: DejaVu Sans / Sans Bold, subset-embedded (Latin,
 * Greek, Cyrillic and more); see pdf-fonts.ts for the per-process caches that
 * make rendering fast.
 */
import { PdfWriter } from './pdf-writer.ts';
import { COLOR_MUTED, COLOR_TEXT, LEADING, Painter, cleanText, type TextStyle } from './pdf-layout.ts';

export type PaperSize = 'A4' | 'LETTER';
export interface PdfParty {
  name: string;
  addressLines: string[];
  taxId?: string | null;
  email?: string | null;
}
/** Amounts are pre-formatted (localized) by the caller. */
export interface PdfLine {
  description: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  discount: string | null;
  taxLabel: string;
  amount: string;
}
export type PdfLabelKey =
  | 'billTo'
  | 'from'
  | 'issueDate'
  | 'dueDate'
  | 'description'
  | 'quantity'
  | 'unitPrice'
  | 'tax'
  | 'amount'
  | 'notes'
  | 'terms'
  | 'payment'
  | 'verify'
  | 'page';
/**
 * Optional extra labels (not required by callers; English fallbacks are used
 * when absent).
 */
export type PdfOptionalLabelKey = 'draft' | 'relatedTo' | 'taxable' | 'fingerprint' | 'unchangedSince';
export interface PdfDocumentView {
  kind: 'invoice' | 'quote' | 'credit_note';
  /** e.g. "Invoice", "Quote", "Credit note" (localized by caller) */
  title: string;
  /** null for drafts → "DRAFT" watermark/label */
  number: string | null;
  issueDate: string | null;
  dueDate: string | null;
  /** credit note: the invoice it credits */
  relatedNumber?: string | null;
  paper: PaperSize;
  org: PdfParty;
  client: PdfParty;
  lines: PdfLine[];
  taxes: Array<{ label: string; taxable: string; tax: string }>;
  totals: Array<{ label: string; value: string; strong?: boolean }>;
  notes?: string | null;
  terms?: string | null;
  payment?: { lines: Array<{ label: string; value: string }> } | null;
  verification?: { url: string; fingerprint: string; unchangedSince?: string | null } | null;
  labels: Record<PdfLabelKey, string> & Partial<Record<PdfOptionalLabelKey, string>>;
}

const DEFAULT_LABELS: Record<PdfOptionalLabelKey, string> = {
  draft: 'DRAFT',
  relatedTo: 'Credits',
  taxable: '',
  fingerprint: 'Fingerprint',
  unchangedSince: 'Unchanged since',
};

// Territories whose default paper size is US Letter (CLDR supplemental data).
const LETTER_REGIONS = new Set(['US', 'CA', 'MX', 'PH', 'CL', 'CO', 'VE', 'CR', 'GT', 'NI', 'PA', 'PR', 'SV', 'BZ', 'DO']);

/** LETTER for locales in the Americas / Philippines that use it, else A4. */
export function paperForLocale(locale: string): PaperSize {
  let region: string | undefined;
  try {
    const loc = new Intl.Locale(locale.replace(/_/g, '-'));
    region = loc.region ?? loc.maximize().region;
  } catch {
    return 'A4';
  }
  return region !== undefined && LETTER_REGIONS.has(region.toUpperCase()) ? 'LETTER' : 'A4';
}

// ---------------------------------------------------------------- layout ---

const PAPER_PT: Record<PaperSize, [number, number]> = {
  A4: [595.28, 841.89],
  LETTER: [612, 792],
};
const MARGIN_X = 48;
const MARGIN_TOP = 48;
const FOOTER_ZONE = 44; // bottom margin holding the page footer

const S_BODY: TextStyle = { size: 9 };
const S_SMALL: TextStyle = { size: 8, color: COLOR_MUTED };
const S_LABEL: TextStyle = { size: 8, weight: 'bold', color: COLOR_MUTED };
const S_NAME: TextStyle = { size: 11, weight: 'bold' };
const S_TITLE: TextStyle = { size: 20, weight: 'bold' };
const S_NUMBER: TextStyle = { size: 11 };
const S_DRAFT: TextStyle = { size: 11, weight: 'bold', color: '#b3261e' };
const S_TOTAL: TextStyle = { size: 9 };
const S_TOTAL_STRONG: TextStyle = { size: 11, weight: 'bold' };

const lh = (s: TextStyle): number => s.size * LEADING;

/** An atomic horizontal band of content. */
interface Row {
  h: number;
  draw(y: number): void;
}
/** A piece of a column: rows are built by zipping cells of several columns. */
interface Cell {
  h: number;
  draw(x: number, y: number, w: number): void;
}

class Layout {
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
    const [w, h] = PAPER_PT[view.paper];
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

  textCells(text: string | null | undefined, style: TextStyle, width: number, align: 'left' | 'right' = 'left'): Cell[] {
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
    cells.push(...this.textCells(party.email, S_SMALL, width));
    return cells;
  }
}

// -------------------------------------------------------------- sections ---

function header(L: Layout): void {
  const v = L.view;
  const metaW = Math.min(230, L.contentW * 0.45);
  const leftW = L.contentW - metaW - 16;
  const metaX = L.right - metaW;

  const left: Cell[] = [...L.textCells(v.title, S_TITLE, leftW)];
  if (v.number !== null) left.push(...L.textCells(v.number, S_NUMBER, leftW));
  else left.push(...L.textCells(L.label('draft'), S_DRAFT, leftW));
  if (v.relatedNumber) left.push(...L.textCells(`${L.label('relatedTo')} ${v.relatedNumber}`, S_SMALL, leftW));

  const right: Cell[] = [L.spacer(6)];
  if (v.issueDate) right.push(...L.kvCells(v.labels.issueDate, v.issueDate, metaW, S_SMALL, S_BODY));
  if (v.dueDate) right.push(...L.kvCells(v.labels.dueDate, v.dueDate, metaW, S_SMALL, { ...S_BODY, weight: 'bold' }));

  L.flow(L.zip([
    [L.left, leftW, left],
    [metaX, metaW, right],
  ]));

  L.gap(22);
  const colW = (L.contentW - 24) / 2;
  L.flow(
    L.zip([
      [L.left, colW, L.partyCells(v.labels.from, v.org, colW)],
      [L.left + colW + 24, colW, L.partyCells(v.labels.billTo, v.client, colW)],
    ]),
    { keepFirst: 3 },
  );
}

interface Column {
  key: 'description' | 'quantity' | 'unitPrice' | 'tax' | 'amount';
  x: number;
  w: number;
  align: 'left' | 'right';
}

function tableColumns(L: Layout): Column[] {
  const gutter = 10;
  const W = L.contentW;
  const spec: Array<[Column['key'], number, 'left' | 'right']> = [
    ['description', 0, 'left'],
    ['quantity', 0.12, 'right'],
    ['unitPrice', 0.16, 'right'],
    ['tax', 0.12, 'right'],
    ['amount', 0.17, 'right'],
  ];
  const fixed = spec.reduce((a, s) => a + s[1] * W, 0);
  const descW = W - fixed - gutter * (spec.length - 1);
  const cols: Column[] = [];
  let x = L.left;
  for (const [key, frac, align] of spec) {
    const w = key === 'description' ? descW : frac * W;
    cols.push({ key, x, w, align });
    x += w + gutter;
  }
  return cols;
}

const PAD_Y = 4;
const S_TH: TextStyle = { size: 8, weight: 'bold', color: COLOR_MUTED };
const S_DISCOUNT: TextStyle = { size: 7.5, color: COLOR_MUTED };

function table(L: Layout): void {
  const v = L.view;
  const cols = tableColumns(L);
  const headerH = lh(S_TH) + PAD_Y * 2 + 2;
  const drawHeader = (): void => {
    const y = L.y;
    for (const c of cols) L.p.fitText(cleanText(v.labels[c.key]), c.x, y + PAD_Y, S_TH, c.align, c.w);
    L.p.hline(L.left, L.right, y + headerH - 1, COLOR_TEXT, 0.8);
    L.y += headerH;
  };
  const bodyLh = lh(S_BODY);
  // Longest row chunk that fits on a fresh page below the header.
  const maxLines = Math.max(1, Math.floor((L.usable - headerH - PAD_Y * 2) / bodyLh));

  const rows: Row[] = [];
  const descCol = cols[0]!;
  for (const line of v.lines) {
    const desc = L.p.wrap(line.description, descCol.w, S_BODY);
    const qty = cleanText(`${line.quantity} ${line.unit}`.trim());
    const minLines = line.discount ? 2 : 1;
    for (let start = 0; start === 0 || start < desc.length; start += maxLines) {
      const chunk = desc.slice(start, start + maxLines);
      const first = start === 0;
      const last = start + maxLines >= desc.length;
      const n = Math.max(chunk.length, first ? minLines : 1);
      const h = n * bodyLh + PAD_Y * 2;
      rows.push({
        h,
        draw: (y) => {
          const ty = y + PAD_Y;
          chunk.forEach((t, i) => L.p.text(t, descCol.x, ty + i * bodyLh, S_BODY));
          if (first) {
            for (const c of cols.slice(1)) {
              const text =
                c.key === 'quantity' ? qty : c.key === 'unitPrice' ? line.unitPrice : c.key === 'tax' ? line.taxLabel : line.amount;
              L.p.fitText(cleanText(text), c.x, ty, S_BODY, 'right', c.w);
            }
            if (line.discount) {
              const c = cols[2]!;
              L.p.fitText(cleanText(line.discount), c.x, ty + bodyLh, S_DISCOUNT, 'right', c.w);
            }
          }
          if (last) L.p.hline(L.left, L.right, y + h);
        },
      });
    }
  }

  L.gap(20);
  // keep the header with the first row
  if (L.y + headerH + (rows[0]?.h ?? 0) > L.bottom && L.y > L.top) L.newPage();
  drawHeader();
  L.onPageBreak = drawHeader;
  try {
    L.flow(rows);
  } finally {
    L.onPageBreak = null;
  }
}

function totals(L: Layout): void {
  const v = L.view;
  const totalsW = Math.min(250, L.contentW * 0.48);
  const totalsX = L.right - totalsW;
  const taxW = L.contentW - totalsW - 30;

  const right: Cell[] = [];
  v.totals.forEach((t, i) => {
    const style = t.strong ? S_TOTAL_STRONG : S_TOTAL;
    const cells = L.kvCells(t.label, t.value, totalsW, { ...style, color: t.strong ? COLOR_TEXT : COLOR_MUTED }, style);
    if (t.strong && i > 0) {
      right.push({
        h: 6,
        draw: (x, y, w) => L.p.hline(x, x + w, y + 3, COLOR_TEXT, 0.8),
      });
    }
    right.push(...cells);
    if (t.strong) right.push(L.spacer(2));
  });

  const left: Cell[] = [];
  if (v.taxes.length > 0) {
    const c1 = taxW * 0.4;
    const c2 = taxW * 0.3;
    const c3 = taxW - c1 - c2;
    const triple = (a: string, b: string, c: string, style: TextStyle): Cell => ({
      h: lh(style) + 2,
      draw: (x, y) => {
        L.p.fitText(cleanText(a), x, y, style, 'left', c1 - 6);
        L.p.fitText(cleanText(b), x + c1, y, style, 'right', c2);
        L.p.fitText(cleanText(c), x + c1 + c2, y, style, 'right', c3);
      },
    });
    left.push(triple(v.labels.tax, L.label('taxable'), v.labels.amount, S_TH));
    left.push({ h: 3, draw: (x, y, w) => L.p.hline(x, x + w, y + 1) });
    for (const t of v.taxes) left.push(triple(t.label, t.taxable, t.tax, S_SMALL));
  }

  L.gap(14);
  L.flow(
    L.zip([
      [L.left, taxW, left],
      [totalsX, totalsW, right],
    ]),
    { keepTogether: true },
  );
}

function textBlock(L: Layout, heading: string, text: string | null | undefined): void {
  if (!text || cleanText(text).trim() === '') return;
  const cells = [...L.textCells(heading, S_LABEL, L.contentW), L.spacer(2), ...L.textCells(text, S_BODY, L.contentW)];
  L.gap(16);
  L.flow(L.zip([[L.left, L.contentW, cells]]), { keepFirst: 4, keepTogether: cells.length <= 8 });
}

function payment(L: Layout): void {
  const v = L.view;
  const lines = v.payment?.lines ?? [];
  if (lines.length === 0) return;
  const labelW = Math.min(150, L.contentW * 0.3);
  const valueW = L.contentW - labelW - 10;
  const rows: Row[] = L.zip([[L.left, L.contentW, [...L.textCells(v.labels.payment, S_LABEL, L.contentW), L.spacer(2)]]]);
  for (const pl of lines) {
    rows.push(
      ...L.zip([
        [L.left, labelW, L.textCells(pl.label, S_SMALL, labelW)],
        [L.left + labelW + 10, valueW, L.textCells(pl.value, S_BODY, valueW)],
      ]),
    );
  }
  L.gap(16);
  L.flow(rows, { keepTogether: true, keepFirst: 3 });
}

/** "0123abcd…" → "0123 ABCD …" for long hex fingerprints; others unchanged. */
function formatFingerprint(fp: string): string {
  const t = cleanText(fp).trim();
  if (/^[0-9a-fA-F]{16,}$/.test(t)) return t.toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
  return t;
}

/** Percent-encodes anything outside printable ASCII (PDF URIs are 7-bit). */
function asciiUri(url: string): string {
  return url.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}

function verification(L: Layout): void {
  const ver = L.view.verification;
  if (!ver) return;
  const url = cleanText(ver.url).trim();
  if (url === '') return;
  const qrSize = 68;
  const textX = L.left + qrSize + 14;
  const textW = L.contentW - qrSize - 14;
  const cells: Cell[] = [
    ...L.textCells(L.view.labels.verify, S_LABEL, textW),
    ...L.textCells(url, S_BODY, textW),
    L.spacer(3),
    ...L.textCells(`${L.label('fingerprint')}: ${formatFingerprint(ver.fingerprint)}`, S_SMALL, textW),
  ];
  if (ver.unchangedSince) cells.push(...L.textCells(`${L.label('unchangedSince')} ${ver.unchangedSince}`, S_SMALL, textW));
  // never taller than a page
  cells.splice(Math.floor(L.usable / lh(S_BODY)) - 1);
  const textH = cells.reduce((a, c) => a + c.h, 0);
  const h = Math.min(Math.max(qrSize, textH), L.usable);
  L.gap(18);
  L.flow([
    {
      h,
      draw: (y) => {
        L.p.qr(url, L.left, y, qrSize);
        let ty = y + Math.max(0, (qrSize - textH) / 2);
        for (const c of cells) {
          c.draw(textX, ty, textW);
          ty += c.h;
        }
        // Only http(s) URLs become clickable links.
        if (/^https?:\/\//i.test(url)) L.p.link(L.left, y, L.contentW, Math.max(qrSize, textH), asciiUri(url));
      },
    },
  ]);
}

function footers(L: Layout): void {
  const v = L.view;
  const pages = L.writer.pages;
  const total = pages.length;
  const y = L.height - FOOTER_ZONE + 16;
  const ident = cleanText(`${v.title} ${v.number ?? L.label('draft')}`);
  pages.forEach((page, i) => {
    L.p.setPage(page);
    L.p.hline(L.left, L.right, y - 5);
    L.p.fitText(ident, L.left, y, S_SMALL, 'left', L.contentW * 0.6);
    L.p.text(cleanText(`${v.labels.page} ${i + 1} / ${total}`), L.left, y, S_SMALL, 'right', L.contentW);
  });
}

// ------------------------------------------------------------------ main ---

function render(view: PdfDocumentView, creationDate: Date): Buffer {
  if (Number.isNaN(creationDate.getTime())) throw new RangeError('renderDocumentPdf: invalid creationDate');
  const writer = new PdfWriter();
  const L = new Layout(writer, view);
  L.newPage();
  header(L);
  table(L);
  totals(L);
  textBlock(L, view.labels.notes, view.notes);
  textBlock(L, view.labels.terms, view.terms);
  payment(L);
  verification(L);
  footers(L);
  return writer.finish({
    title: cleanText(`${view.title} ${view.number ?? L.label('draft')}`),
    author: cleanText(view.org.name),
    subject: view.kind,
    creator: 'Sealbill',
    producer: 'Sealbill',
    creationDate,
  });
}

/**
 * Renders a document view to PDF bytes. Synchronous work (~2–3 ms for a
 * one-page invoice); returns a promise for API stability.
 */
export function renderDocumentPdf(view: PdfDocumentView, opts?: { creationDate?: Date }): Promise<Buffer> {
  try {
    return Promise.resolve(render(view, opts?.creationDate ?? new Date()));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
