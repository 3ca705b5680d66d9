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
 * Output is byte-for-byte deterministic for a given view + creationDate, also
 * across processes. Fonts: DejaVu Sans / Sans Bold, subset-embedded (Latin,
 * Greek, Cyrillic and more; no fallback for CJK/Arabic/Hebrew, no bidi).
 *
 * Files:
 *   render-document-pdf.ts  public API (types, renderDocumentPdf, paperForLocale)
 *   pdf-sections.ts         header, line table, totals, notes/terms, payment,
 *                           verification (QR), page footers
 *   pdf-flow.ts             page geometry, styles, row/cell flow engine
 *   pdf-layout.ts           painter (text, rules, QR, watermark), word wrap
 *   pdf-writer.ts           deterministic PDF serialisation, per-document fonts
 *   pdf-signature.ts        the signature field the writer reserves, filled by a signer
 *   pdf-fonts.ts            process-wide font parsing and shaping caches
 *   pdf-ttf-subset.ts       TrueType subsetter
 *   pdf-sample.ts           sample views (tests, bench, previews)
 */
import { PdfWriter, type PdfInfo } from './pdf-writer.ts';
import type { PdfSigner, SignedPdf } from './pdf-signature.ts';
import { cleanText } from './pdf-layout.ts';
import { Layout } from './pdf-flow.ts';
import { footers, header, payment, table, textBlock, totals, verification } from './pdf-sections.ts';

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

// Territories whose default paper size is US Letter (CLDR supplemental data).
const LETTER_REGIONS = new Set(['US', 'CA', 'MX', 'PH', 'CL', 'CO', 'VE', 'CR', 'GT', 'NI', 'PA', 'PR', 'SV', 'BZ', 'DO']);

const paperCache = new Map<string, PaperSize>();

/** LETTER for locales in the Americas / Philippines that use it, else A4 (cached per locale: Intl.Locale is slow to build). */
export function paperForLocale(locale: string): PaperSize {
  let paper = paperCache.get(locale);
  if (paper !== undefined) return paper;
  let region: string | undefined;
  try {
    const loc = new Intl.Locale(locale.replace(/_/g, '-'));
    region = loc.region ?? loc.maximize().region;
  } catch {
    region = undefined;
  }
  paper = region !== undefined && LETTER_REGIONS.has(region.toUpperCase()) ? 'LETTER' : 'A4';
  if (paperCache.size >= 256) paperCache.clear();
  paperCache.set(locale, paper);
  return paper;
}

function layout(view: PdfDocumentView, creationDate: Date): { writer: PdfWriter; info: PdfInfo } {
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
  const info: PdfInfo = {
    title: cleanText(`${view.title} ${view.number ?? L.label('draft')}`),
    author: cleanText(view.org.name),
    subject: view.kind,
    creator: 'Sealbill',
    producer: 'Sealbill',
    creationDate,
  };
  return { writer, info };
}

/**
 * Renders a document view to PDF bytes (~1.5 ms of CPU for a one-page invoice). With a `signer`,
 * the writer reserves an invisible signature field while it writes the file and the signer fills
 * it (PAdES over the whole file but the signature itself; see pdf-signature.ts).
 */
export async function renderDocumentPdf(view: PdfDocumentView, opts?: { creationDate?: Date; signer?: PdfSigner | null }): Promise<Buffer> {
  return (await signPdf(view, { creationDate: opts?.creationDate, signer: opts?.signer ?? null })).pdf;
}

/** Renders and, with a `signer`, signs: the file with the time-stamp token its signature carries (null unsigned or without one). */
export async function signPdf(view: PdfDocumentView, opts: { creationDate?: Date | undefined; signer: PdfSigner | null }): Promise<SignedPdf> {
  const { writer, info } = layout(view, opts.creationDate ?? new Date());
  if (!opts.signer) return { pdf: writer.finish(info), timestampToken: null };
  return opts.signer.sign(writer.finishForSigning(info, opts.signer.field));
}

