/**
 * A printable table (the reports: VAT, revenue, aging, payments) through the documents' own PDF
 * writer and painter: a title and a few facts, then one table whose header repeats on every page,
 * bold total rows, "Page i / n" footers. Landscape A4/Letter, so eight money columns fit. Like the
 * document renderer, deterministic for a given table and creation date; no signature (a report is
 * a working paper, not a document given to anyone).
 */
import { PdfWriter } from './pdf-writer.ts';
import { cleanText, COLOR_MUTED, COLOR_TEXT, LEADING, Painter, type TextStyle } from './pdf-layout.ts';
import type { PaperSize } from './pdf-view.ts';

export interface PdfTable {
  title: string;
  /** Lines under the title: organization, period, basis, currency… */
  facts: Array<{ label: string; value: string }>;
  columns: Array<{ label: string; align?: 'left' | 'right'; /** relative width, default 1 */ width?: number }>;
  rows: Array<{ cells: string[]; strong?: boolean }>;
  /** Printed under the table (e.g. what "Other items" means, how voided invoices count). */
  notes?: string[];
  /** Shown where the table would be when it has no row. */
  empty: string;
  pageLabel: string;
  paper: PaperSize;
  author: string;
}

const PAPER_LANDSCAPE: Record<PaperSize, [number, number]> = { A4: [841.89, 595.28], LETTER: [792, 612] };
const MARGIN = 40;
const FOOTER = 36;
const S_TITLE: TextStyle = { size: 16, weight: 'bold' };
const S_FACT: TextStyle = { size: 9, color: COLOR_MUTED };
const S_HEAD: TextStyle = { size: 8, weight: 'bold', color: COLOR_MUTED };
const S_CELL: TextStyle = { size: 8.5 };
const S_STRONG: TextStyle = { size: 8.5, weight: 'bold' };
const S_NOTE: TextStyle = { size: 8, color: COLOR_MUTED };
const lh = (s: TextStyle) => s.size * LEADING;

export function renderTablePdf(table: PdfTable, creationDate: Date): Buffer {
  if (Number.isNaN(creationDate.getTime())) throw new RangeError('renderTablePdf: invalid creationDate');
  const writer = new PdfWriter();
  const p = new Painter(writer);
  const [width, height] = PAPER_LANDSCAPE[table.paper];
  const left = MARGIN;
  const contentW = width - 2 * MARGIN;
  const bottom = height - FOOTER;
  const weights = table.columns.map((c) => c.width ?? 1);
  const unit = contentW / weights.reduce((a, b) => a + b, 0);
  const xs = weights.map((_, i) => left + weights.slice(0, i).reduce((a, b) => a + b, 0) * unit);
  const pad = 8;
  let y = MARGIN;

  const last = table.columns.length - 1;
  // A cell's box: its column less a gap before the next column; a left-aligned text runs on over
  // the empty cells that follow it (a total's label across the columns it leaves blank).
  const box = (cells: string[], i: number) => {
    let end = i;
    if ((table.columns[i]?.align ?? 'left') === 'left') while (end < last && cells[end + 1] === '') end++;
    const right = end === last ? left + contentW : xs[end + 1]! - pad;
    return right - xs[i]!;
  };
  const row = (cells: string[], style: TextStyle) => {
    cells.forEach((c, i) => {
      p.fitText(cleanText(c), xs[i]!, y, style, table.columns[i]?.align ?? 'left', box(cells, i));
    });
    y += lh(style) + 3;
  };
  // Header labels wrap at spaces (up to three lines); a word wider than its column shrinks instead.
  const words = (text: string, width: number): string[] => {
    const lines: string[] = [];
    for (const word of text.split(' ').filter(Boolean)) {
      const joined = lines.length > 0 ? `${lines.at(-1)} ${word}` : word;
      if (lines.length > 0 && p.width(joined, S_HEAD) <= width) lines[lines.length - 1] = joined;
      else lines.push(word);
    }
    return lines.length > 3 ? [...lines.slice(0, 2), lines.slice(2).join(' ')] : lines;
  };
  const header = () => {
    const labels = table.columns.map((c) => cleanText(c.label));
    const wrapped = labels.map((l, i) => words(l, box(labels, i)));
    const n = Math.max(...wrapped.map((w) => w.length));
    wrapped.forEach((lines, i) => {
      const align = table.columns[i]?.align ?? 'left';
      lines.forEach((line, k) => {
        p.fitText(line, xs[i]!, y + (n - lines.length + k) * lh(S_HEAD), S_HEAD, align, box(labels, i));
      });
    });
    y += n * lh(S_HEAD) + 3;
    p.hline(left, left + contentW, y - 2, COLOR_TEXT, 0.6);
    y += 2;
  };
  const page = (withHeader: boolean) => {
    p.setPage(writer.addPage(width, height));
    y = MARGIN;
    if (withHeader) header();
  };

  page(false);
  p.text(cleanText(table.title), left, y, S_TITLE);
  y += lh(S_TITLE) + 4;
  for (const f of table.facts) {
    p.text(cleanText(`${f.label}: ${f.value}`), left, y, S_FACT);
    y += lh(S_FACT);
  }
  y += 10;
  header();
  if (table.rows.length === 0) {
    p.text(cleanText(table.empty), left, y, S_NOTE);
    y += lh(S_NOTE);
  }
  for (const r of table.rows) {
    const style = r.strong ? S_STRONG : S_CELL;
    if (y + lh(style) + 3 > bottom) page(true);
    if (r.strong) p.hline(left, left + contentW, y - 1.5);
    row(r.cells, style);
  }
  y += 8;
  for (const note of table.notes ?? []) {
    for (const line of p.wrap(note, contentW, S_NOTE)) {
      if (y + lh(S_NOTE) > bottom) page(false);
      p.text(line, left, y, S_NOTE);
      y += lh(S_NOTE);
    }
  }

  const total = writer.pages.length;
  writer.pages.forEach((pg, i) => {
    p.setPage(pg);
    const fy = height - FOOTER + 12;
    p.hline(left, left + contentW, fy - 5);
    p.fitText(cleanText(table.title), left, fy, S_NOTE, 'left', contentW * 0.6);
    p.text(cleanText(`${table.pageLabel} ${i + 1} / ${total}`), left, fy, S_NOTE, 'right', contentW);
  });
  return writer.finish({
    title: cleanText(table.title),
    author: cleanText(table.author),
    subject: 'report',
    creator: 'Sealbill',
    producer: 'Sealbill',
    creationDate,
  });
}
