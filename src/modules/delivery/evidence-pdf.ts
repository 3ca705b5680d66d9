// The delivery certificate as a PDF for people: what was sent, to whom, and each signed event, with
// the machine-verifiable certificate JSON embedded as an attachment (PDF/A-3 style), so the PDF
// carries its own proof: extract `delivery-certificate.json` and run `sealbill evidence-verify`
// with the organization's published key. When a PDF signer (PAdES) is supplied, it signs the whole.
import PDFDocument from 'pdfkit';
import type { EvidenceCertificate } from './evidence.chain.ts';

export type PdfSigner = (pdf: Buffer) => Promise<Buffer>;

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
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Delivery certificate ${cert.delivery.id}`, Producer: 'Sealbill', CreationDate: new Date(cert.issuedAt) } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  const json = Buffer.from(JSON.stringify(cert, null, 2), 'utf8');
  doc.file(json, { name: 'delivery-certificate.json', type: 'application/json', description: 'Signed delivery evidence (machine-verifiable)' });

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
    doc.moveDown(0.4).fontSize(11).fillColor('#000').text(`${c.seq}. ${LABEL[c.type] ?? c.type} — ${c.at}`);
    doc.fontSize(8).fillColor('#333');
    for (const [k, v] of Object.entries(c.data)) doc.text(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`, { indent: 14 });
    doc.text(`hash ${e.hash}${e.timestampToken ? ' · RFC 3161 timestamped' : ''}`, { indent: 14 });
  }
  doc.moveDown().fontSize(9).fillColor('#000');
  doc.text(
    'Each event is signed with the organization\'s Ed25519 evidence key and names the hash of the event before it. ' +
      'The attached delivery-certificate.json holds the signed events; verify it offline with the key the organization publishes ' +
      `(chain head ${cert.head}).`,
  );
  doc.end();
  const pdf = await done;
  return signer ? signer(pdf) : pdf;
}
