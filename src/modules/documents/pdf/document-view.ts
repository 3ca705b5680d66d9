// Builds what the PDF shows from an issued document's frozen snapshot. Amounts are formatted with
// Intl from exact decimal strings (never floats), in the org's locale.
import { formatAmount } from '../../../shared/money/money.ts';
import type { DocumentBody, DocumentDto } from '../document.schemas.ts';
import { KIND_LABEL } from '../document.service.ts';
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
  const nf = cached(`money|${locale}|${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency }));
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

export interface ViewExtras {
  relatedNumber?: string | null;
  verification?: PdfDocumentView['verification'];
  reference?: string | null;
}

export function buildDocumentView(doc: DocumentDto, snapshot: NonNullable<DocumentBody['snapshot']>, extras: ViewExtras = {}): PdfDocumentView {
  const locale = snapshot.locale;
  const money = moneyFormatter(locale, doc.currency);
  const formatDate = dateFormatter(locale);
  const date = (d: string | null) => (d ? formatDate(d) : null);
  const pct = percentFormatter(locale);
  const party = (p: typeof snapshot.org) => ({ name: p.name, addressLines: [...p.addressLines, ...(p.country ? [p.country] : [])], taxId: p.taxId, email: p.email });

  const totals: PdfDocumentView['totals'] = [{ label: 'Subtotal', value: money(doc.subtotal) }];
  if (doc.discountTotal !== 0) totals.push({ label: 'Discount', value: money(-doc.discountTotal) });
  totals.push({ label: 'Tax', value: money(doc.taxTotal) }, { label: 'Total', value: money(doc.total), strong: true });
  if (doc.kind === 'invoice') {
    if (doc.amountPaid) totals.push({ label: 'Paid', value: money(-doc.amountPaid) });
    if (doc.amountCredited) totals.push({ label: 'Credited', value: money(-doc.amountCredited) });
    totals.push({ label: 'Amount due', value: money(doc.amountDue), strong: true });
  }

  const p = snapshot.payout;
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
          ],
        }
      : null;

  return {
    kind: doc.kind,
    title: KIND_LABEL[doc.kind],
    number: doc.number,
    issueDate: date(doc.issueDate),
    dueDate: doc.kind === 'invoice' ? date(doc.dueDate) : null,
    relatedNumber: extras.relatedNumber ?? null,
    paper: paperForLocale(locale),
    org: party(snapshot.org),
    client: party(snapshot.client),
    lines: doc.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      unitPrice: money(l.unitPrice),
      discount: l.lineDiscount ? money(-l.lineDiscount) : null,
      taxLabel: l.taxRateBp || l.taxName ? `${l.taxName ? l.taxName + ' ' : ''}${pct(l.taxRateBp)}${l.taxInclusive ? ' incl.' : ''}` : '—',
      amount: money(l.amount),
    })),
    taxes: doc.taxes.map((t) => ({ label: `${pct(t.rateBp)}${t.inclusive ? ' incl.' : ''}`, taxable: money(t.taxable), tax: money(t.tax) })),
    totals,
    notes: doc.notes,
    terms: doc.terms,
    payment,
    verification: extras.verification ?? null,
    labels: LABELS,
  };
}
