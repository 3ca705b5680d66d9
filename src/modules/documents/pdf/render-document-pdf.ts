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
 *   render-document-pdf.ts  public API (renderDocumentPdf, paperForLocale; re-exports the view types)
 *   pdf-view.ts             the view types: what a caller passes in
 *   pdf-sections.ts         header, line table, totals, notes/terms, payment,
 *                           verification (QR), page footers
 *   pdf-flow.ts             page geometry, styles, row/cell flow engine
 *   pdf-layout.ts           painter (text, rules, QR, watermark), word wrap
 *   pdf-writer.ts           deterministic PDF serialisation, per-document fonts
 *   pdf-signature.ts        the signature field the writer reserves, filled by a signer
 *   pdf-pdfa.ts             PDF/A-3b + Factur-X: XMP, sRGB OutputIntent, embedded XML
 *   pdf-fonts.ts            process-wide font parsing and shaping caches
 *   pdf-ttf-subset.ts       TrueType subsetter
 *   pdf-sample.ts           sample views (tests, bench, previews)
 */
import { PdfWriter, type PdfInfo } from './pdf-writer.ts';
import type { PdfAttachment } from './pdf-pdfa.ts';
import type { PdfSigner, PreparedSignature, SignatureField, SignedPdf } from './pdf-signature.ts';
import { cleanText } from './pdf-layout.ts';
import { Layout } from './pdf-flow.ts';
import { footers, header, payment, table, textBlock, totals, verification } from './pdf-sections.ts';

// The view types live in pdf-view.ts so the layout files can use them without importing this file
// (which imports them: a cycle). Re-exported here, the public API of the renderer.
export type { PaperSize, PdfDocumentView, PdfLabelKey, PdfLine, PdfOptionalLabelKey, PdfParty } from './pdf-view.ts';
import type { PdfParty } from './pdf-view.ts';
import type { PaperSize, PdfDocumentView } from './pdf-view.ts';

// Territories whose default paper size is US Letter (CLDR supplemental data).
const LETTER_REGIONS = new Set([
  'US',
  'CA',
  'MX',
  'PH',
  'CL',
  'CO',
  'VE',
  'CR',
  'GT',
  'NI',
  'PA',
  'PR',
  'SV',
  'BZ',
  'DO',
]);

const paperCache = new Map<string, PaperSize>();

/** LETTER for locales in the Americas / Philippines that use it, else A4 (cached per locale: Intl.Locale is slow to build). */
/** The header parties of a document that is not an issued invoice (receipts, statements, reminders). */
export function partiesOf(
  org: {
    name: string;
    profile: { addressLines: string[]; country: string | null; taxIds: Array<{ value: string }>; email: string | null };
  },
  client: { name: string; addressLines: string[]; country: string | null; taxId: string | null },
): { org: PdfParty; client: PdfParty } {
  return {
    org: {
      name: org.name,
      addressLines: [...org.profile.addressLines, ...(org.profile.country ? [org.profile.country] : [])],
      taxId: org.profile.taxIds[0]?.value ?? null,
      email: org.profile.email,
    },
    client: {
      name: client.name,
      addressLines: [...client.addressLines, ...(client.country ? [client.country] : [])],
      taxId: client.taxId,
      email: null,
    },
  };
}

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
  textBlock(L, L.label('vatNotes'), view.vatNotes?.join('\n'));
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

export type { PdfAttachment } from './pdf-pdfa.ts';

/**
 * Renders a document view to PDF bytes (~1.5 ms of CPU for a one-page invoice). With a `signer`,
 * the writer reserves an invisible signature field while it writes the file and the signer fills
 * it (PAdES over the whole file but the signature itself; see pdf-signature.ts). With an
 * `attachment` (the Factur-X CII XML of an issued invoice or credit note, `{ name: 'factur-x.xml',
 * xml }`), the file is a PDF/A-3b Factur-X / ZUGFeRD hybrid carrying that XML (pdf-pdfa.ts); the
 * signature still goes into the same single revision.
 */
export async function renderDocumentPdf(
  view: PdfDocumentView,
  opts?: { creationDate?: Date; signer?: PdfSigner | null; attachment?: PdfAttachment | null },
): Promise<Buffer> {
  return (
    await signPdf(view, {
      creationDate: opts?.creationDate,
      signer: opts?.signer ?? null,
      attachment: opts?.attachment ?? null,
    })
  ).pdf;
}

/** Renders and, with a `signer`, signs: the file with the time-stamp token its signature carries (null unsigned or without one). */
export async function signPdf(
  view: PdfDocumentView,
  opts: { creationDate?: Date | undefined; signer: PdfSigner | null; attachment?: PdfAttachment | null },
): Promise<SignedPdf> {
  const rendered = renderForSigning({
    view,
    creationDate: opts.creationDate ?? new Date(),
    field: opts.signer?.field ?? null,
    attachment: opts.attachment ?? null,
  });
  return finishSigning(rendered, opts.signer);
}

/**
 * What rendering needs, as plain data (no functions, no keys): the unit of work a render thread
 * takes (render-pool.ts). `field` is the signature dictionary the signer chose; null for an unsigned file.
 */
export interface RenderJob {
  view: PdfDocumentView;
  creationDate: Date;
  field: SignatureField | null;
  attachment: PdfAttachment | null;
}

/** A rendered file: finished (unsigned), or with its signature field reserved for the signer to fill. */
export type RenderedPdf = { pdf: Buffer; prepared: null } | { pdf: null; prepared: PreparedSignature };

/** The CPU-heavy half of signPdf (layout, fonts, compression): pure, so it may run on another thread. */
export function renderForSigning(job: RenderJob): RenderedPdf {
  const { writer, info } = layout(job.view, job.creationDate);
  if (job.attachment && job.view.number === null)
    throw new RangeError('renderDocumentPdf: a draft cannot carry an e-invoice');
  if (!job.field) return { pdf: writer.finish(info, job.attachment), prepared: null };
  return { pdf: null, prepared: writer.finishForSigning(info, job.field, job.attachment) };
}

/** The other half, where the key is: signs a file rendered with `signer.field` reserved. */
export async function finishSigning(rendered: RenderedPdf, signer: PdfSigner | null): Promise<SignedPdf> {
  if (rendered.pdf) {
    if (signer) throw new Error('finishSigning: the file was rendered without a signature field');
    return { pdf: rendered.pdf, timestampToken: null };
  }
  if (!signer) throw new Error('finishSigning: the file has a signature field but no signer');
  return signer.sign(rendered.prepared);
}
