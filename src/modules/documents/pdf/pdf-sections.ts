/**
 * The sections of an invoice / quote / credit note, in page order.
 */
import { pdfImage } from './pdf-image.ts';
import { COLOR_MUTED, COLOR_TEXT, cleanText, type TextStyle } from './pdf-layout.ts';
import {
  FOOTER_ZONE,
  Layout,
  S_BODY,
  S_DRAFT,
  S_LABEL,
  S_NUMBER,
  S_SMALL,
  S_TITLE,
  S_TOTAL,
  S_TOTAL_STRONG,
  lh,
  type Cell,
  type Row,
} from './pdf-flow.ts';

/** The logo's box: at most 40 mm wide and 20 mm high, aspect ratio kept. */
const LOGO_MAX_W = (40 / 25.4) * 72;
const LOGO_MAX_H = (20 / 25.4) * 72;

function logo(L: Layout, bytes: Buffer): void {
  const image = pdfImage(bytes);
  const scale = Math.min(LOGO_MAX_W / image.width, LOGO_MAX_H / image.height);
  const w = image.width * scale;
  const h = image.height * scale;
  L.p.image(image, L.left, L.y, w, h);
  L.y += h + 14;
}

export function header(L: Layout): void {
  const v = L.view;
  if (v.logo) logo(L, v.logo);
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
  for (const m of v.meta ?? []) right.push(...L.kvCells(m.label, m.value, metaW, S_SMALL, S_BODY));

  L.flow(
    L.zip([
      [L.left, leftW, left],
      [metaX, metaW, right],
    ]),
  );

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

export function table(L: Layout): void {
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
                c.key === 'quantity'
                  ? qty
                  : c.key === 'unitPrice'
                    ? line.unitPrice
                    : c.key === 'tax'
                      ? line.taxLabel
                      : line.amount;
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

export function totals(L: Layout): void {
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
  if (v.taxes.some((t) => t.category !== undefined)) {
    // The EU VAT invoice breakdown (issue #12): category, rate, taxable amount, tax per row.
    const w = [taxW * 0.22, taxW * 0.2, taxW * 0.32, taxW * 0.26];
    const quad = (cells: string[], style: TextStyle): Cell => ({
      h: lh(style) + 2,
      draw: (x, y) => {
        let cx = x;
        cells.forEach((c, i) => {
          L.p.fitText(cleanText(c), cx, y, style, i === 0 ? 'left' : 'right', w[i]! - (i === 0 ? 6 : 0));
          cx += w[i]!;
        });
      },
    });
    left.push(quad([L.label('category'), L.label('rate'), L.label('taxableAmount'), v.labels.tax], S_TH));
    left.push({ h: 3, draw: (x, y, cw) => L.p.hline(x, x + cw, y + 1) });
    for (const t of v.taxes) left.push(quad([t.category ?? '', t.label, t.taxable, t.tax], S_SMALL));
  } else if (v.taxes.length > 0) {
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

export function textBlock(L: Layout, heading: string, text: string | null | undefined): void {
  if (!text || cleanText(text).trim() === '') return;
  const cells = [...L.textCells(heading, S_LABEL, L.contentW), L.spacer(2), ...L.textCells(text, S_BODY, L.contentW)];
  L.gap(16);
  L.flow(L.zip([[L.left, L.contentW, cells]]), { keepFirst: 4, keepTogether: cells.length <= 8 });
}

export function payment(L: Layout): void {
  const v = L.view;
  const lines = v.payment?.lines ?? [];
  if (lines.length === 0) return;
  const labelW = Math.min(150, L.contentW * 0.3);
  const valueW = L.contentW - labelW - 10;
  const rows: Row[] = L.zip([
    [L.left, L.contentW, [...L.textCells(v.labels.payment, S_LABEL, L.contentW), L.spacer(2)]],
  ]);
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

export function verification(L: Layout): void {
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
  if (ver.unchangedSince)
    cells.push(...L.textCells(`${L.label('unchangedSince')} ${ver.unchangedSince}`, S_SMALL, textW));
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

export function footers(L: Layout): void {
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
