// The document view in the document's language (issue #15 item 4), without a PDF tool: the view is
// every string the renderer prints. A snapshot from before languages (no `language`) gives exactly
// the English view it always gave, so the same bytes; German and French views take their words
// from the catalogue and their dates, amounts and quantities from the locale.
import { describe, expect, it } from 'vitest';
import { NO_DOCUMENT_EINVOICE, type DocumentDto } from '../document.schemas.ts';
import type { DocumentSnapshot } from '../document-snapshot.ts';
import { documentLanguage, einvoiceTexts } from '../document-language.ts';
import { einvoiceXml } from '../document-einvoice.ts';
import { buildDocumentView } from './document-view.ts';
import { SAMPLE_NO_EINVOICE } from './pdf-sample.ts';
import { renderDocumentPdf } from './render-document-pdf.ts';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

const party = (name: string, country: string, vatId: string) => ({
  name,
  addressLines: ['1 Example Street'],
  country,
  taxId: null,
  email: null,
  city: 'Exampletown',
  postalCode: '12345',
  vatId,
});

const doc: DocumentDto = {
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'invoice',
  status: 'issued',
  number: 'INV-2026-00001',
  clientId: '00000000-0000-4000-8000-000000000002',
  clientName: 'Client',
  currency: 'EUR',
  exchangeRate: '1',
  exchangeRateSource: null,
  exchangeRateDate: null,
  issueDate: '2026-12-05',
  dueDate: '2027-01-04',
  overdue: false,
  lines: [
    {
      itemId: null,
      description: 'Consulting',
      quantity: '1.5',
      unit: 'h',
      unitPrice: 82_304,
      discount: null,
      taxRateId: null,
      taxName: 'RC',
      taxRateBp: 0,
      taxInclusive: false,
      taxCategory: 'AE',
      taxExemptionReason: null,
      taxExemptionCode: 'VATEX-EU-AE',
      amount: 123_456,
      lineDiscount: 0,
    },
  ],
  discount: null,
  taxes: [{ rateBp: 0, inclusive: false, taxable: 123_456, tax: 0 }],
  subtotal: 123_456,
  discountTotal: 0,
  taxTotal: 0,
  total: 123_456,
  amountPaid: 0,
  amountCredited: 0,
  amountDue: 123_456,
  notes: null,
  terms: null,
  relatedDocumentId: null,
  recurringScheduleId: null,
  einvoice: {
    buyerReference: null,
    purchaseOrderReference: null,
    contractReference: null,
    supplyDate: '2026-12-01',
    periodStart: null,
    periodEnd: null,
    paymentMeans: null,
  },
  hasPdf: true,
  payoutPrinted: true,
  issuedAt: '2026-12-05T09:00:00.000Z',
  sentAt: null,
  voidedAt: null,
  createdAt: '2026-12-05T09:00:00.000Z',
  updatedAt: '2026-12-05T09:00:00.000Z',
  importedAt: null,
};

/** A snapshot as documents issued before languages hold it: no language, no formatLocale, no texts. */
const legacy: DocumentSnapshot = {
  org: party('Muster Software GmbH', 'DE', 'DE123456789'),
  client: party('Client SARL', 'FR', 'FR40303265045'),
  payout: {
    accountHolder: 'Muster Software GmbH',
    bankName: null,
    iban: 'DE89370400440532013000',
    bic: null,
    accountNumber: null,
    routingNumber: null,
  },
  payoutUnchangedSince: null,
  locale: 'de-DE',
  einvoice: {
    orgCurrency: 'EUR',
    format: 'none',
    fields: doc.einvoice,
    payee: null,
    precedingInvoice: null,
  },
};

function inLanguage(clientLanguage: string): DocumentSnapshot {
  const lang = documentLanguage(clientLanguage, legacy.locale);
  return {
    ...legacy,
    ...lang,
    einvoice: { ...legacy.einvoice!, texts: einvoiceTexts(lang, doc.lines, doc.dueDate) },
  };
}

const verification = {
  url: 'https://sealbill.test/verify/abc',
  fingerprint: 'ABCD-EFGH',
  unchangedSince: '2026-11-30',
};

describe('document view languages', () => {
  it('a snapshot from before languages gives the English view it always gave (same PDF bytes)', async () => {
    const view = buildDocumentView(doc, legacy, { verification });
    expect(view.title).toBe('Invoice');
    // The labels the renderer used to hard-code, word for word.
    expect(view.labels).toMatchObject({
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
      verify: 'Verify this document',
      page: 'Page',
      draft: 'DRAFT',
      fingerprint: 'Fingerprint',
      unchangedSince: 'Unchanged since',
      taxable: '',
    });
    expect(view.totals.map((t) => t.label)).toEqual(['Subtotal', 'Tax', 'Total', 'Amount due']);
    expect(view.vatNotes).toEqual([
      'Reverse charge: the recipient is liable for the VAT (Art. 196 Directive 2006/112/EC).',
    ]);
    expect(view.meta).toEqual([{ label: 'Supply date', value: '01.12.2026' }]);
    expect(view.client.ids).toEqual([{ label: 'VAT ID', value: 'FR40303265045' }]);
    // Formatted in the org's locale as before; the payout date kept as given.
    expect(view.issueDate).toBe('05.12.2026');
    expect(view.lines[0]!.quantity).toBe('1.5');
    expect(view.verification?.unchangedSince).toBe('2026-11-30');
    // An English client of an en-GB org today gets the same view, so the same bytes, as before.
    const before = { ...legacy, locale: 'en-GB' };
    const today = { ...inLanguage('en-GB'), locale: 'en-GB' };
    expect(buildDocumentView(doc, today)).toEqual(buildDocumentView(doc, before));
    const creationDate = new Date('2026-12-05T09:00:00Z');
    const a = await renderDocumentPdf(buildDocumentView(doc, before), { creationDate });
    const b = await renderDocumentPdf(buildDocumentView(doc, today), { creationDate });
    expect(a.equals(b)).toBe(true);
  });

  it('German: "Rechnung", German labels, dates, amounts, quantities and the reverse-charge wording', () => {
    const view = buildDocumentView(doc, inLanguage('de-DE'), { verification });
    expect(view.title).toBe('Rechnung');
    expect(view.labels).toMatchObject({ issueDate: 'Datum', dueDate: 'Fällig am', page: 'Seite', draft: 'ENTWURF' });
    expect(view.issueDate).toBe('05.12.2026');
    expect(view.dueDate).toBe('04.01.2027');
    expect(view.lines[0]).toMatchObject({ quantity: '1,5', unitPrice: `823,04${NBSP}€`, amount: `1.234,56${NBSP}€` });
    expect(view.totals.map((t) => [t.label, t.value])).toEqual([
      ['Zwischensumme', `1.234,56${NBSP}€`],
      ['Umsatzsteuer', `0,00${NBSP}€`],
      ['Gesamtbetrag', `1.234,56${NBSP}€`],
      ['Offener Betrag', `1.234,56${NBSP}€`],
    ]);
    expect(view.vatNotes![0]).toMatch(/^Steuerschuldnerschaft des Leistungsempfängers/);
    expect(view.client.ids).toEqual([{ label: 'USt-IdNr.', value: 'FR40303265045' }]);
    expect(view.payment!.lines.at(-1)).toEqual({ label: 'Zahlungsart', value: 'SEPA-Überweisung (58)' });
    expect(view.verification?.unchangedSince).toBe('30.11.2026');
  });

  it('French: "Facture", "Autoliquidation", French formats', () => {
    const view = buildDocumentView(doc, inLanguage('fr-FR'), { verification });
    expect(view.title).toBe('Facture');
    expect(view.issueDate).toBe('5 déc. 2026');
    expect(view.lines[0]).toMatchObject({ quantity: '1,5', amount: `1${NNBSP}234,56${NBSP}€` });
    expect(view.totals.at(-1)).toEqual({ label: 'Montant dû', value: `1${NNBSP}234,56${NBSP}€`, strong: true });
    expect(view.vatNotes![0]).toMatch(/^Autoliquidation : la TVA est due par le preneur/);
  });

  it('a regional variant keeps its own formats; an unshipped language is English', () => {
    expect(documentLanguage('de-CH', 'de-DE')).toEqual({ language: 'de', formatLocale: 'de-CH' });
    expect(buildDocumentView(doc, inLanguage('de-CH')).totals.at(-1)!.value).toMatch(/1['’]234\.56/);
    expect(documentLanguage('es-ES', 'de-DE')).toEqual({ language: 'en', formatLocale: 'en-GB' });
    expect(documentLanguage('es-ES', 'en-US')).toEqual({ language: 'en', formatLocale: 'en-US' });
    expect(documentLanguage('EN-us', 'de-DE')).toEqual({ language: 'en', formatLocale: 'en-US' });
    expect(documentLanguage(null, 'fr-FR')).toEqual({ language: 'en', formatLocale: 'en-GB' });
    expect(buildDocumentView(doc, inLanguage('es-ES')).title).toBe('Invoice');
  });

  it('e-invoice free texts: in the language when frozen, the English defaults without (as before)', () => {
    const src = (snapshot: DocumentSnapshot) => ({
      kind: 'invoice' as const,
      number: doc.number!,
      issueDate: doc.issueDate!,
      dueDate: doc.dueDate,
      currency: 'EUR',
      exchangeRate: '1',
      body: { lines: doc.lines, discount: null, notes: null, terms: null },
      snapshot,
      orgCurrency: 'EUR',
    });
    // Before: a rate with only a VATEX code stated no reason text, and no payment terms.
    const old = einvoiceXml(src(legacy), 'factur-x').toString('utf8');
    expect(old).toContain('<ram:ExemptionReasonCode>VATEX-EU-AE</ram:ExemptionReasonCode>');
    expect(old).not.toContain('<ram:ExemptionReason>');
    expect(old).not.toContain('<ram:Description>');
    const de = einvoiceXml(src(inLanguage('de-DE')), 'factur-x').toString('utf8');
    expect(de).toContain('<ram:ExemptionReason>Steuerschuldnerschaft des Leistungsempfängers</ram:ExemptionReason>');
    expect(de).toContain('<ram:ExemptionReasonCode>VATEX-EU-AE</ram:ExemptionReasonCode>');
    expect(de).toContain('<ram:Description>Zahlbar bis zum 04.01.2027.</ram:Description>');
    // The user's own terms and exemption reason win over the defaults.
    const own = einvoiceXml(
      {
        ...src(inLanguage('de-DE')),
        body: {
          lines: [{ ...doc.lines[0]!, taxExemptionReason: 'Eigener Grund' }],
          discount: null,
          notes: null,
          terms: '30 Tage netto',
        },
      },
      'factur-x',
    ).toString('utf8');
    expect(own).toContain('<ram:ExemptionReason>Eigener Grund</ram:ExemptionReason>');
    expect(own).toContain('<ram:Description>30 Tage netto</ram:Description>');
    expect(own).not.toContain('Zahlbar bis');
  });
});

describe('the benchmark sample', () => {
  it('writes out the schema’s empty e-invoice fields exactly', () => {
    expect(SAMPLE_NO_EINVOICE).toEqual(NO_DOCUMENT_EINVOICE);
  });
});
