// Builds what the PDF shows from an issued document's frozen snapshot, in the document's language
// (snapshot.language, the client's at issue; English for documents issued before languages) from
// the message catalogue (src/shared/i18n). Amounts are formatted with Intl from exact decimal
// strings (never floats), in the document's locale (snapshot.formatLocale, before that the org's).
import { formatAmount } from '../../../shared/money/money.ts';
import { messagesFor, type MessageKey, type Messages } from '../../../shared/i18n/messages.ts';
import type { DocumentBody, DocumentDto } from '../document.schemas.ts';
import { lineCategory } from '../line-category.ts';
import type { PaymentMeansCode, VatCategory } from '../../einvoice/einvoice.model.ts';
import { paperForLocale, type PdfDocumentView } from './render-document-pdf.ts';
import { sha256Hex } from '../../../platform/crypto/hash.ts';

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

/** The renderer's labels in a language (the catalogue's `pdf.*` keys). */
function labelsFor(m: Messages): PdfDocumentView['labels'] {
  return {
    billTo: m['pdf.billTo'],
    from: m['pdf.from'],
    issueDate: m['pdf.issueDate'],
    dueDate: m['pdf.dueDate'],
    description: m['pdf.description'],
    quantity: m['pdf.quantity'],
    unitPrice: m['pdf.unitPrice'],
    tax: m['pdf.tax'],
    amount: m['pdf.amount'],
    notes: m['pdf.notes'],
    terms: m['pdf.terms'],
    payment: m['pdf.payment'],
    verify: m['pdf.verify'],
    page: m['pdf.page'],
    draft: m['pdf.draft'],
    relatedTo: m['pdf.relatedTo'],
    taxable: m['pdf.taxable'],
    fingerprint: m['pdf.fingerprint'],
    unchangedSince: m['pdf.unchangedSince'],
    category: m['pdf.vatCategory'],
    rate: m['pdf.rate'],
    taxableAmount: m['pdf.taxableAmount'],
    vatNotes: m['pdf.vatNotes'],
  };
}

// The legal wording an EU VAT invoice needs for what is not charged (Directive 2006/112/EC,
// Art. 226 (11) and (11a)), in the catalogue as `vat.note.<category>`; a rate's own exemption
// reason is printed after it.
const VAT_WORDING: Partial<Record<VatCategory, MessageKey>> = {
  AE: 'vat.note.AE',
  K: 'vat.note.K',
  G: 'vat.note.G',
  E: 'vat.note.E',
  O: 'vat.note.O',
};

const PAYMENT_MEANS: Record<PaymentMeansCode, MessageKey> = {
  '58': 'paymentMeans.58',
  '30': 'paymentMeans.30',
  '48': 'paymentMeans.48',
  '54': 'paymentMeans.54',
  '59': 'paymentMeans.59',
};

/**
 * Quantities ('1.5', decimal strings) in the locale's digits and decimal sign, exactly, without
 * grouping: English writes them as stored, German "1,5".
 */
function quantityFormatter(locale: string): (quantity: string) => string {
  return (q) => {
    const m = /^-?\d+(?:\.(\d+))?$/.exec(q);
    const digits = m?.[1]?.length ?? 0;
    if (!m || digits > 20) return q;
    const nf = cached(
      `qty|${locale}|${digits}`,
      () =>
        new Intl.NumberFormat(locale, {
          useGrouping: false,
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        }),
    );
    return nf.format(q as unknown as number);
  };
}

type Party = NonNullable<DocumentBody['snapshot']>['org'];
const normalized = (v: string | null | undefined) => (v ?? '').replace(/[\s.-]+/g, '').toUpperCase();

/** Postal code and city on one line, then the country (EN 16931 keeps them apart; paper joins them). */
function partyView(p: Party, m: Messages) {
  const place = [p.postalCode, p.city].filter((x) => x && x.trim() !== '').join(' ');
  const ids = [
    ...(p.vatId ? [{ label: m['pdf.vatId'], value: p.vatId }] : []),
    ...(p.taxRegistration ? [{ label: m['pdf.taxNumber'], value: p.taxRegistration }] : []),
    ...(p.legalRegistrationId ? [{ label: m['pdf.registrationNumber'], value: p.legalRegistrationId }] : []),
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

/** The date the payout details last changed, written like the document's other dates (not before languages). */
function verificationView(
  v: PdfDocumentView['verification'],
  formatDate: ((d: string) => string) | null,
): PdfDocumentView['verification'] {
  if (!v || !formatDate || !v.unchangedSince || !/^\d{4}-\d{2}-\d{2}$/.test(v.unchangedSince)) return v;
  return { ...v, unchangedSince: formatDate(v.unchangedSince) };
}

export interface ViewExtras {
  relatedNumber?: string | null;
  verification?: PdfDocumentView['verification'];
  reference?: string | null;
  /** The logo's bytes; printed only when the snapshot froze a logo, and only the one it froze. */
  logo?: Buffer | null;
}

/** The logo a snapshot froze (by its SHA-256), from bytes the caller read in the same transaction. */
function frozenLogo(snapshot: NonNullable<DocumentBody['snapshot']>, bytes: Buffer | null | undefined): Buffer | null {
  if (!snapshot.logo) return null;
  if (!bytes || sha256Hex(bytes) !== snapshot.logo.sha256)
    throw new Error('buildDocumentView: the logo given is not the one the snapshot froze');
  return bytes;
}

export function buildDocumentView(
  doc: DocumentDto,
  snapshot: NonNullable<DocumentBody['snapshot']>,
  extras: ViewExtras = {},
): PdfDocumentView {
  const m = messagesFor(snapshot.language ?? 'en');
  const locale = snapshot.formatLocale ?? snapshot.locale;
  const money = moneyFormatter(locale, doc.currency);
  // Documents from before languages printed quantities as stored.
  const quantity = snapshot.language ? quantityFormatter(locale) : (q: string) => q;
  const formatDate = dateFormatter(locale);
  const date = (d: string | null) => (d ? formatDate(d) : null);
  const pct = percentFormatter(locale);
  const e = snapshot.einvoice?.fields ?? doc.einvoice;

  const totals: PdfDocumentView['totals'] = [{ label: m['pdf.subtotal'], value: money(doc.subtotal) }];
  if (doc.discountTotal !== 0) totals.push({ label: m['pdf.discount'], value: money(-doc.discountTotal) });
  totals.push(
    { label: m['pdf.taxTotal'], value: money(doc.taxTotal) },
    { label: m['pdf.total'], value: money(doc.total), strong: true },
  );
  if (doc.kind === 'invoice') {
    if (doc.amountPaid) totals.push({ label: m['pdf.paid'], value: money(-doc.amountPaid) });
    if (doc.amountCredited) totals.push({ label: m['pdf.credited'], value: money(-doc.amountCredited) });
    totals.push({ label: m['pdf.amountDue'], value: money(doc.amountDue), strong: true });
  }

  const p = snapshot.payout;
  const meansCode = e.paymentMeans ?? (snapshot.einvoice && p ? (p.iban ? '58' : p.accountNumber ? '30' : null) : null);
  const paymentMeans = meansCode ? `${m[PAYMENT_MEANS[meansCode]]} (${meansCode})` : null;
  const payment =
    doc.kind === 'invoice' && p
      ? {
          lines: [
            { label: m['pdf.accountHolder'], value: p.accountHolder },
            ...(p.bankName ? [{ label: m['pdf.bank'], value: p.bankName }] : []),
            ...(p.iban ? [{ label: m['pdf.iban'], value: p.iban.replace(/(.{4})/g, '$1 ').trim() }] : []),
            ...(p.bic ? [{ label: m['pdf.bic'], value: p.bic }] : []),
            ...(p.accountNumber ? [{ label: m['pdf.account'], value: p.accountNumber }] : []),
            ...(p.routingNumber ? [{ label: m['pdf.routing'], value: p.routingNumber }] : []),
            { label: m['pdf.reference'], value: extras.reference ?? doc.number ?? '' },
            ...(paymentMeans ? [{ label: m['pdf.paymentMeans'], value: paymentMeans }] : []),
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
    const wordingKey = VAT_WORDING[category];
    const wording = wordingKey && m[wordingKey];
    const text = wording && (l.taxExemptionReason ? `${wording} ${l.taxExemptionReason}` : wording);
    if (text && !notes.includes(text)) notes.push(text);
  }
  const meta: Array<{ label: string; value: string }> = [];
  if (e.supplyDate) meta.push({ label: m['pdf.supplyDate'], value: formatDate(e.supplyDate) });
  if (e.periodStart || e.periodEnd)
    meta.push({
      label: m['pdf.period'],
      value: `${e.periodStart ? formatDate(e.periodStart) : '…'} – ${e.periodEnd ? formatDate(e.periodEnd) : '…'}`,
    });
  if (e.buyerReference) meta.push({ label: m['pdf.buyerReference'], value: e.buyerReference });
  if (e.purchaseOrderReference) meta.push({ label: m['pdf.orderNumber'], value: e.purchaseOrderReference });
  if (e.contractReference) meta.push({ label: m['pdf.contract'], value: e.contractReference });

  return {
    kind: doc.kind,
    title: m[`document.${doc.kind}`],
    number: doc.number,
    issueDate: date(doc.issueDate),
    dueDate: doc.kind === 'invoice' ? date(doc.dueDate) : null,
    relatedNumber: extras.relatedNumber ?? null,
    paper: paperForLocale(locale),
    org: partyView(snapshot.org, m),
    client: partyView(snapshot.client, m),
    ...(meta.length > 0 && { meta }),
    lines: doc.lines.map((l) => ({
      description: l.description,
      quantity: quantity(l.quantity),
      unit: l.unit,
      unitPrice: money(l.unitPrice),
      discount: l.lineDiscount
        ? `${money(-l.lineDiscount)}${l.discount?.type === 'percent' ? ` (−${pct(l.discount.basisPoints)})` : ''}`
        : null,
      taxLabel:
        l.taxRateBp || l.taxName
          ? `${l.taxName ? l.taxName + ' ' : ''}${pct(l.taxRateBp)}${l.taxInclusive ? ` ${m['pdf.taxInclusive']}` : ''}`
          : '—',
      amount: money(l.amount),
    })),
    taxes: doc.taxes.map((t) => ({
      label: `${pct(t.rateBp)}${t.inclusive ? ` ${m['pdf.taxInclusive']}` : ''}`,
      taxable: money(t.taxable),
      tax: money(t.tax),
      category: (categoriesOf.get(`${t.rateBp}|${t.inclusive}`) ?? [t.rateBp > 0 ? 'S' : 'Z']).join(' / '),
    })),
    ...(notes.length > 0 && { vatNotes: notes }),
    totals,
    notes: doc.notes,
    terms: doc.terms,
    payment,
    verification: verificationView(extras.verification ?? null, snapshot.language ? formatDate : null),
    labels: labelsFor(m),
    ...(snapshot.logo && { logo: frozenLogo(snapshot, extras.logo) }),
  };
}
