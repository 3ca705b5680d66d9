/**
 * Benchmarks only: the Factur-X XML of an issued document (DocumentDto + frozen snapshot), i.e. the
 * work issuing adds for an e-invoice: map to the EN 16931 model, run the pre-issue checks, write
 * the CII XML. The fields Sealbill's snapshot does not hold yet (city, postal code, contact, …) are
 * fixed stand-ins here; the documents step maps the real ones (docs/einvoice.md).
 */
import type { DocumentBody, DocumentDto } from '../src/modules/documents/document.schemas.ts';
import { generateEinvoiceUtf8 } from '../src/modules/einvoice/einvoice.generate.ts';
import { toEinvoice, type SealbillParty } from '../src/modules/einvoice/einvoice.mapping.ts';
import { checkEinvoice } from '../src/modules/einvoice/einvoice.rules.ts';

type Snapshot = NonNullable<DocumentBody['snapshot']>;

function party(p: Snapshot['org'], vatId: string | undefined): SealbillParty {
  return {
    name: p.name,
    addressLines: p.addressLines.slice(0, 1),
    city: 'Berlin',
    postalCode: '10115',
    country: p.country ?? 'DE',
    ...(vatId ? { vatId } : {}),
    electronicAddress: { id: p.email ?? 'billing@example.test', scheme: 'EM' },
    contact: { name: 'Accounts', phone: '+49 30 1234567', email: p.email ?? 'billing@example.test' },
  };
}

/** The Factur-X XML (UTF-8 bytes) of an issued invoice or credit note; throws if the checks find an issue. */
export function facturxXmlOf(doc: DocumentDto, snapshot: Snapshot): Buffer {
  const model = toEinvoice({
    kind: doc.kind === 'credit_note' ? 'credit_note' : 'invoice',
    number: doc.number!,
    issueDate: doc.issueDate!,
    dueDate: doc.dueDate,
    currency: doc.currency,
    lines: doc.lines.map((l) => ({ ...l, tax: { category: l.taxRateBp > 0 ? 'S' : 'Z' } })),
    discount: doc.discount,
    notes: doc.notes,
    terms: doc.terms,
    org: party(snapshot.org, snapshot.org.taxId ?? 'DE123456789'),
    client: party(snapshot.client, snapshot.client.taxId ?? undefined),
    payout: snapshot.payout
      ? {
          accountHolder: snapshot.payout.accountHolder,
          iban: snapshot.payout.iban,
          bic: snapshot.payout.bic,
          accountNumber: snapshot.payout.accountNumber,
        }
      : null,
    einvoice: { buyerReference: doc.number!, supplyDate: doc.issueDate! },
  });
  const issues = checkEinvoice(model, 'factur-x');
  if (issues.length > 0)
    throw new Error(`bench: the sample is not a complete Factur-X invoice: ${issues.map((i) => i.ruleId).join(', ')}`);
  return generateEinvoiceUtf8(model, 'factur-x');
}
