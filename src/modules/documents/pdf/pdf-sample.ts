/**
 * Sample document views for tests, benchmarks and template previews.
 */
import type { DocumentBody, DocumentDto, DocumentEinvoice } from '../document.schemas.ts';

/**
 * NO_DOCUMENT_EINVOICE (the schema's defaults) written out: a value import of document.schemas.ts
 * would load zod into the benchmark's render-only process (bench pdf.memory). document-view.test.ts
 * checks the two agree.
 */
export const SAMPLE_NO_EINVOICE: DocumentEinvoice = {
  supplyDate: null,
  periodStart: null,
  periodEnd: null,
  buyerReference: null,
  purchaseOrderReference: null,
  contractReference: null,
  paymentMeans: null,
};
import type { PdfDocumentView, PdfLine, PaperSize } from './render-document-pdf.ts';

export const SAMPLE_LABELS: PdfDocumentView['labels'] = {
  billTo: 'Bill to',
  from: 'From',
  issueDate: 'Issue date',
  dueDate: 'Due date',
  description: 'Description',
  quantity: 'Qty',
  unitPrice: 'Unit price',
  tax: 'Tax',
  amount: 'Amount',
  notes: 'Notes',
  terms: 'Terms',
  payment: 'Payment details',
  verify: 'Verify this document at',
  page: 'Page',
};

const DESCRIPTIONS = [
  'Consulting — architecture review',
  'Hosting (monthly), EU region',
  'Support retainer, priority tier with 4h response time and named engineer',
  'Security audit of the payment flow including threat model, penetration test and written report',
  'Travel expenses',
];

export function sampleLines(count: number, seed = 0): PdfLine[] {
  const lines: PdfLine[] = [];
  for (let i = 0; i < count; i++) {
    const k = (i + seed) % DESCRIPTIONS.length;
    const qty = (i % 7) + 1;
    const price = 40 + ((i * 37 + seed) % 900);
    lines.push({
      description: `${DESCRIPTIONS[k]}${i % 11 === 10 ? ' — ' + 'extended scope, see attached statement of work. '.repeat(3) : ''}`,
      quantity: String(qty),
      unit: k === 0 ? 'h' : 'pc',
      unitPrice: `€${price.toFixed(2)}`,
      discount: i % 4 === 3 ? '−10%' : null,
      taxLabel: 'VAT 20%',
      amount: `€${(qty * price * (i % 4 === 3 ? 0.9 : 1)).toFixed(2)}`,
    });
  }
  return lines;
}

export function sampleDocumentView(
  opts: { lines?: number; paper?: PaperSize; number?: string | null; seed?: number; verification?: boolean } = {},
): PdfDocumentView {
  const seed = opts.seed ?? 0;
  return {
    kind: 'invoice',
    title: 'Invoice',
    number: opts.number === undefined ? `INV-2025-${String(1000 + seed).padStart(5, '0')}` : opts.number,
    issueDate: '2025-03-01',
    dueDate: '2025-03-31',
    paper: opts.paper ?? 'A4',
    org: {
      name: 'Sealbill Demo GmbH',
      addressLines: ['Bahnhofstraße 12', '8001 Zürich', 'Switzerland'],
      taxId: 'CHE-123.456.789 MWST',
      email: 'billing@example.com',
    },
    client: {
      name: `Client ${seed} Ltd`,
      addressLines: ['1 High Street', 'London EC1A 1AA', 'United Kingdom'],
      taxId: 'GB123456789',
      email: 'ap@client.example',
    },
    lines: sampleLines(opts.lines ?? 5, seed),
    taxes: [{ label: 'VAT 20%', taxable: '€4,210.00', tax: '€842.00' }],
    totals: [
      { label: 'Subtotal', value: '€4,210.00' },
      { label: 'VAT', value: '€842.00' },
      { label: 'Total', value: '€5,052.00', strong: true },
      { label: 'Paid', value: '€0.00' },
      { label: 'Amount due', value: '€5,052.00', strong: true },
    ],
    notes: 'Thank you for your business.',
    terms: 'Payment within 30 days. Late payments incur interest of 5% p.a.',
    payment: {
      lines: [
        { label: 'IBAN', value: 'CH93 0076 2011 6238 5295 7' },
        { label: 'BIC', value: 'POFICHBEXXX' },
        { label: 'Reference', value: `INV-2025-${String(1000 + seed).padStart(5, '0')}` },
      ],
    },
    verification:
      opts.verification === false
        ? null
        : {
            url: `https://bills.example.com/v/${((seed * 2654435761) >>> 0).toString(36)}abc`,
            fingerprint: 'a3f1c2d4e5b6978812345678abcdef0123456789abcdef0123456789abcdef01',
            unchangedSince: '2025-03-01 10:42 UTC',
          },
    labels: SAMPLE_LABELS,
  };
}

/**
 * An issued invoice as the issuing path sees it (document + frozen snapshot, amounts in minor
 * units, German locale), for benchmarks that include building the view (Intl formatting). The
 * parties carry what an EN 16931 seller fills in (city, postal code, VAT id, contact, electronic
 * address) and the document a supply date and buyer reference: a complete Factur-X invoice whose
 * client takes no e-invoice (pdf.bench embeds the XML in one of its passes; the PDF is the same).
 */
export function sampleIssuedDocument(seed = 0): { doc: DocumentDto; snapshot: NonNullable<DocumentBody['snapshot']> } {
  const lines = Array.from({ length: 5 }, (_, i) => {
    const quantity = (i % 7) + 1;
    const unitPrice = 4_000 + ((i * 3_700 + seed * 31) % 90_000);
    return {
      itemId: null,
      description: DESCRIPTIONS[(i + seed) % DESCRIPTIONS.length]!,
      quantity: String(quantity),
      unit: i === 0 ? 'h' : 'pc',
      unitPrice,
      discount: null,
      taxRateId: null,
      taxName: 'USt',
      taxRateBp: 1_900,
      taxInclusive: false,
      amount: quantity * unitPrice,
      lineDiscount: 0,
    };
  });
  const subtotal = lines.reduce((n, l) => n + l.amount, 0);
  const tax = Math.round((subtotal * 19) / 100);
  const number = `RE-2025-${String(1000 + seed).padStart(5, '0')}`;
  const doc: DocumentDto = {
    id: `00000000-0000-4000-8000-${String(seed).padStart(12, '0')}`,
    kind: 'invoice',
    status: 'issued',
    einvoice: SAMPLE_NO_EINVOICE,
    number,
    clientId: '00000000-0000-4000-8000-000000000001',
    clientName: `Kunde ${seed}`,
    currency: 'EUR',
    exchangeRate: '1',
    exchangeRateSource: null,
    exchangeRateDate: null,
    issueDate: '2025-03-01',
    dueDate: '2025-03-31',
    payoutPrinted: true,
    overdue: false,
    lines,
    discount: null,
    taxes: [{ rateBp: 1_900, inclusive: false, taxable: subtotal, tax }],
    subtotal,
    discountTotal: 0,
    taxTotal: tax,
    total: subtotal + tax,
    amountPaid: 0,
    amountCredited: 0,
    amountDue: subtotal + tax,
    notes: 'Vielen Dank für Ihren Auftrag.',
    terms: 'Zahlbar innerhalb von 30 Tagen ohne Abzug.',
    relatedDocumentId: null,
    recurringScheduleId: null,
    hasPdf: false,
    issuedAt: '2025-03-01T10:00:00.000Z',
    sentAt: null,
    voidedAt: null,
    createdAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-01T10:00:00.000Z',
    importedAt: null,
  };
  const snapshot: NonNullable<DocumentBody['snapshot']> = {
    org: {
      name: 'Bench Invoicing GmbH',
      addressLines: ['Hauptstraße 1'],
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
      taxId: 'DE123456789',
      vatId: 'DE123456789',
      email: 'billing@bench.example',
      electronicAddress: 'billing@bench.example',
      electronicAddressScheme: 'EM',
      contactName: 'Accounts',
      contactPhone: '+49 30 1234567',
      contactEmail: 'billing@bench.example',
    },
    client: {
      name: `Kunde ${seed} Ωμέγα Straße`,
      addressLines: [`Hauptstraße ${seed}`],
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
      taxId: null,
      email: `kunde${seed}@example.test`,
      electronicAddress: `kunde${seed}@example.test`,
      electronicAddressScheme: 'EM',
    },
    payout: {
      accountHolder: 'Bench Invoicing GmbH',
      bankName: null,
      iban: 'DE89370400440532013000',
      bic: 'COBADEFFXXX',
      accountNumber: null,
      routingNumber: null,
    },
    payoutUnchangedSince: '2025-01-01T00:00:00.000Z',
    locale: 'de-DE',
    einvoice: {
      orgCurrency: 'EUR',
      format: 'none',
      fields: { ...SAMPLE_NO_EINVOICE, supplyDate: '2025-03-01', buyerReference: number },
      precedingInvoice: null,
    },
  };
  return { doc, snapshot };
}
