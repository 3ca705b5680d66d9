// The delivery certificate as a PDF for people: what was sent, to whom, and each signed event, with
// the machine-verifiable certificate JSON embedded as an attachment (PDF/A-3 style), so the PDF
// carries its own proof: extract `delivery-certificate.json` and run `sealbill evidence-verify`
// with the organization's published key. When a PDF signer (PAdES) is supplied, pdfkit writes its
// signature field into the document and the signer fills it: one revision, the whole file signed.
// pdfkit (invoices use our own writer) is imported on first use, when a certificate is rendered.
import {
  BYTE_RANGE_PLACEHOLDER_VALUES,
  locateSignaturePlaceholder,
  SIG_FLAGS,
  SIGNATURE_FIELD_NAME,
  SIGNATURE_WIDGET_FLAGS,
  type PdfSigner,
  type SignatureField,
} from '../documents/pdf/pdf-signature.ts';
import type { EvidenceCertificate } from './evidence.chain.ts';

export type { PdfSigner };

/**
 * Adds an invisible signature field to the current page (the same dictionary our own writer
 * reserves, as pdfkit data: strings become names, `String` objects literal strings, Buffers hex).
 * pdfkit writes the objects; locateSignaturePlaceholder finds the placeholders in its output.
 */
function reserveSignature(doc: PDFKit.PDFDocument, field: SignatureField): void {
  const text = (s: string) => new String(s); // a String object is pdfkit's marker for a literal string
  const sig = doc.ref({
    Type: 'Sig',
    Filter: 'Adobe.PPKLite',
    SubFilter: 'ETSI.CAdES.detached',
    ByteRange: [...BYTE_RANGE_PLACEHOLDER_VALUES],
    Contents: Buffer.alloc(field.contentsBytes),
    M: field.signingTime,
    Name: text(field.signerName),
    Reason: text(field.reason),
    ...(field.location ? { Location: text(field.location) } : {}),
    Prop_Build: { App: { Name: 'Sealbill' } },
  });
  const page = doc.page;
  const widget = doc.ref({
    Type: 'Annot',
    Subtype: 'Widget',
    FT: 'Sig',
    T: text(SIGNATURE_FIELD_NAME),
    V: sig,
    Rect: [0, 0, 0, 0],
    F: SIGNATURE_WIDGET_FLAGS,
    P: page.dictionary,
  });
  (page.annotations as PDFKit.PDFKitReference[]).push(widget);
  const form = doc.ref({ Fields: [widget], SigFlags: SIG_FLAGS });
  for (const ref of [sig, widget, form]) ref.end(undefined); // writes the object (no stream data)
  // pdfkit has no public API for a catalog entry; its own form support (initForm) sets the same
  // property and finishes that form in end(). Ours is complete and written, so that step is skipped.
  const internals = doc as unknown as { _root: { data: Record<string, unknown> }; endAcroForm(): unknown };
  internals._root.data.AcroForm = form;
  internals.endAcroForm = () => doc;
}

const LABEL: Record<string, string> = {
  submitted: 'Submitted',
  relayed: 'Relayed (accepted by the mail server)',
  saved_to_outbox: 'Saved to the outbox, not sent (no SMTP relay configured)',
  failed: 'Failed',
  bounced: 'Bounced',
  accessed: 'Accessed / downloaded',
  acknowledged: 'Acknowledged by the recipient',
  revoked: 'Link revoked',
};

export async function renderEvidencePdf(cert: EvidenceCertificate, signer?: PdfSigner | null): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: {
      Title: `Delivery certificate ${cert.delivery.id}`,
      Producer: 'Sealbill',
      CreationDate: new Date(cert.issuedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  const json = Buffer.from(JSON.stringify(cert, null, 2), 'utf8');
  doc.file(json, {
    name: 'delivery-certificate.json',
    type: 'application/json',
    description: 'Signed delivery evidence (machine-verifiable)',
  });

  doc.fontSize(18).text('Certificate of delivery', { align: 'left' });
  doc.moveDown(0.5).fontSize(10).fillColor('#444');
  doc.text(`Issued by ${cert.issuer.name} on ${cert.issuedAt}`);
  doc.text(`Delivery ${cert.delivery.id} · mode ${cert.delivery.mode}`);
  doc.text(`Document: ${cert.delivery.documentKind} ${cert.delivery.documentNumber ?? ''}`.trim());
  doc.text(`Document SHA-256: ${cert.delivery.documentSha256}`);
  doc.text(`Evidence key (Ed25519) id: ${cert.key.keyId}`);
  doc.moveDown().fillColor('#000').fontSize(13).text('Events');
  for (const e of cert.events) {
    const c = e.content;
    doc
      .moveDown(0.4)
      .fontSize(11)
      .fillColor('#000')
      .text(`${c.seq}. ${LABEL[c.type] ?? c.type} — ${c.at}`);
    doc.fontSize(8).fillColor('#333');
    for (const [k, v] of Object.entries(c.data))
      doc.text(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`, { indent: 14 });
    doc.text(`hash ${e.hash}${e.timestampToken ? ' · RFC 3161 timestamped' : ''}`, { indent: 14 });
  }
  doc.moveDown().fontSize(9).fillColor('#000');
  doc.text(
    "Each event is signed with the organization's Ed25519 evidence key and names the hash of the event before it. " +
      'The attached delivery-certificate.json holds the signed events; verify it offline with the key the organization publishes ' +
      `(chain head ${cert.head}).`,
  );
  if (signer) reserveSignature(doc, signer.field);
  doc.end();
  const pdf = await done;
  return signer ? (await signer.sign(locateSignaturePlaceholder(pdf))).pdf : pdf;
}
