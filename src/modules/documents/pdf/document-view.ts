// Builds what the PDF shows from an issued document's frozen snapshot. Amounts are formatted with
// Intl from exact decimal strings (never floats), in the org's locale.
import { formatAmount } from '../../../shared/money/money.ts';
import type { DocumentBody, DocumentDto } from '../document.schemas.ts';
import { KIND_LABEL } from '../document.service.ts';
import { lineCategory } from '../document-einvoice.ts';
import type { VatCategory } from '../../einvoice/einvoice.model.ts';
import { paperForLocale, type PdfDocumentView } from './render-document-pdf.ts';

/**
 * Intl formatters per locale (and currency), built once: constructing one costs more than
 * formatting a whole invoice with it. Bounded, since locales come from user settings.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, build: () => T): T {
  let f = formatters.get(key) as T | undefined;
  if (f === undefined) {
    f = build(); // throws RangeError for an invalid locale or currency: nothing is cached then
    if (formatters.size >= 256) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

export function moneyFormatter(locale: string, currency: string): (minor: number) => string {
  const nf = cached(
    `money|${locale}|${currency}`,
    () => new Intl.NumberFormat(locale, { style: 'currency', currency }),
  );
  // Intl formats a decimal string exactly (ECMA-402 "Intl.NumberFormat v3" string input).
  return (minor) => nf.format(formatAmount(minor, currency) as unknown as number);
}

/** Calendar dates ('YYYY-MM-DD') in the locale's medium style; they are dates, not instants, so UTC. */
export function dateFormatter(locale: string): (date: string) => string {
  const df = cached(`date|${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }));
  return (date) => df.format(new Date(`${date}T00:00:00Z`));
}

function percentFormatter(locale: string): (basisPoints: number) => string {
  const nf = cached(`pct|${locale}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }));
  return (bp) => `${nf.format(bp / 100)} %`;
}

const LABELS: PdfDocumentView['labels'] = {
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
};

// The legal wording an EU VAT invoice needs for what is not charged (Directive 2006/112/EC,
// Art. 226 (11) and (11a)); a rate's own exemption reason is printed after it.
const VAT_WORDING: Partial<Record<VatCategory, string>> = {
  AE: 'Reverse charge: the recipient is liable for the VAT (Art. 196 Directive 2006/112/EC).',
  K: 'Intra-community supply of goods, exempt from VAT (Art. 138 Directive 2006/112/EC).',
  G: 'Export of goods outside the EU, exempt from VAT (Art. 146 Directive 2006/112/EC).',
  E: 'Exempt from VAT.',
  O: 'Not subject to VAT.',
};

const PAYMENT_MEANS: Record<string, string> = {
  '58': 'SEPA credit transfer',
  '30': 'Credit transfer',
  '48': 'Card payment',
  '54': 'Credit card',
  '59': 'SEPA direct debit',
};

type Party = NonNullable<DocumentBody['snapshot']>['org'];
const normalized = (v: string | null | undefined) => (v ?? '').replace(/[\s.-]+/g, '').toUpperCase();

/** Postal code and city on one line, then the country (EN 16931 keeps them apart; paper joins them). */
function partyView(p: Party) {
  const place = [p.postalCode, p.city].filter((x) => x && x.trim() !== '').join(' ');
  const ids = [
    ...(p.vatId ? [{ label: 'VAT ID', value: p.vatId }] : []),
    ...(p.taxRegistration ? [{ label: 'Tax no.', value: p.taxRegistration }] : []),
    ...(p.legalRegistrationId ? [{ label: 'Reg. no.', value: p.legalRegistrationId }] : []),
  ];
  return {
    name: p.name,
    addressLines: [...p.addressLines, ...(place ? [place] : []), ...(p.country ? [p.country] : [])],
    // The free tax id prints as before, unless it is the VAT id printed labeled below.
    taxId: p.taxId && normalized(p.taxId) !== normalized(p.vatId) ? p.taxId : null,
    ...(ids.length > 0 && { ids }),
    email: p.email,
  };
}

export interface ViewExtras {
  relatedNumber?: string | null;
  verification?: PdfDocumentView['verification'];
  reference?: string | null;
}

export function buildDocumentView(
  doc: DocumentDto,
  snapshot: NonNullable<DocumentBody['snapshot']>,
  extras: ViewExtras = {},
): PdfDocumentView {
  const locale = snapshot.locale;
  const money = moneyFormatter(locale, doc.currency);
  const formatDate = dateFormatter(locale);
  const date = (d: string | null) => (d ? formatDate(d) : null);
  const pct = percentFormatter(locale);
  const e = snapshot.einvoice?.fields ?? doc.einvoice;

  const totals: PdfDocumentView['totals'] = [{ label: 'Subtotal', value: money(doc.subtotal) }];
  if (doc.discountTotal !== 0) totals.push({ label: 'Discount', value: money(-doc.discountTotal) });
  totals.push({ label: 'Tax', value: money(doc.taxTotal) }, { label: 'Total', value: money(doc.total), strong: true });
  if (doc.kind === 'invoice') {
    if (doc.amountPaid) totals.push({ label: 'Paid', value: money(-doc.amountPaid) });
    if (doc.amountCredited) totals.push({ label: 'Credited', value: money(-doc.amountCredited) });
    totals.push({ label: 'Amount due', value: money(doc.amountDue), strong: true });
  }

  const p = snapshot.payout;
  const meansCode = e.paymentMeans ?? (snapshot.einvoice && p ? (p.iban ? '58' : p.accountNumber ? '30' : null) : null);
  const paymentMeans = meansCode ? `${PAYMENT_MEANS[meansCode]} (${meansCode})` : null;
  const payment =
    doc.kind === 'invoice' && p
      ? {
          lines: [
            { label: 'Account holder', value: p.accountHolder },
            ...(p.bankName ? [{ label: 'Bank', value: p.bankName }] : []),
            ...(p.iban ? [{ label: 'IBAN', value: p.iban.replace(/(.{4})/g, '$1 ').trim() }] : []),
            ...(p.bic ? [{ label: 'BIC', value: p.bic }] : []),
            ...(p.accountNumber ? [{ label: 'Account', value: p.accountNumber }] : []),
            ...(p.routingNumber ? [{ label: 'Routing', value: p.routingNumber }] : []),
            { label: 'Reference', value: extras.reference ?? doc.number ?? '' },
            ...(paymentMeans ? [{ label: 'Payment means', value: paymentMeans }] : []),
          ],
        }
      : null;

  // Which VAT category each tax row holds (its lines'), and the wording for what is not charged.
  const categoriesOf = new Map<string, VatCategory[]>();
  const notes: string[] = [];
  for (const l of doc.lines) {
    const key = `${l.taxRateBp}|${l.taxInclusive}`;
    const category = lineCategory(l);
    const list = categoriesOf.get(key) ?? [];
    if (!list.includes(category)) list.push(category);
    categoriesOf.set(key, list);
    const wording = VAT_WORDING[category];
    const text = wording && (l.taxExemptionReason ? `${wording} ${l.taxExemptionReason}` : wording);
    if (text && !notes.includes(text)) notes.push(text);
  }
  const meta: Array<{ label: string; value: string }> = [];
  if (e.supplyDate) meta.push({ label: 'Supply date', value: formatDate(e.supplyDate) });
  if (e.periodStart || e.periodEnd)
    meta.push({
      label: 'Period',
      value: `${e.periodStart ? formatDate(e.periodStart) : '…'} – ${e.periodEnd ? formatDate(e.periodEnd) : '…'}`,
    });
  if (e.buyerReference) meta.push({ label: 'Your reference', value: e.buyerReference });
  if (e.purchaseOrderReference) meta.push({ label: 'Order no.', value: e.purchaseOrderReference });
  if (e.contractReference) meta.push({ label: 'Contract', value: e.contractReference });

  return {
    kind: doc.kind,
    title: KIND_LABEL[doc.kind],
    number: doc.number,
    issueDate: date(doc.issueDate),
    dueDate: doc.kind === 'invoice' ? date(doc.dueDate) : null,
    relatedNumber: extras.relatedNumber ?? null,
    paper: paperForLocale(locale),
    org: partyView(snapshot.org),
    client: partyView(snapshot.client),
    ...(meta.length > 0 && { meta }),
    lines: doc.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      unitPrice: money(l.unitPrice),
      discount: l.lineDiscount
        ? `${money(-l.lineDiscount)}${l.discount?.type === 'percent' ? ` (−${pct(l.discount.basisPoints)})` : ''}`
        : null,
      taxLabel:
        l.taxRateBp || l.taxName
          ? `${l.taxName ? l.taxName + ' ' : ''}${pct(l.taxRateBp)}${l.taxInclusive ? ' incl.' : ''}`
          : '—',
      amount: money(l.amount),
    })),
    taxes: doc.taxes.map((t) => ({
      label: `${pct(t.rateBp)}${t.inclusive ? ' incl.' : ''}`,
      taxable: money(t.taxable),
      tax: money(t.tax),
      category: (categoriesOf.get(`${t.rateBp}|${t.inclusive}`) ?? [t.rateBp > 0 ? 'S' : 'Z']).join(' / '),
    })),
    ...(notes.length > 0 && { vatNotes: notes }),
    totals,
    notes: doc.notes,
    terms: doc.terms,
    payment,
    verification: extras.verification ?? null,
    labels: LABELS,
  };
}
