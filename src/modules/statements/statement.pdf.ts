// A statement as the project's own PDF writer lays it out: the document renderer's table, with the
// columns Date · Charges · Credits · Balance instead of Qty · Price · Tax · Amount, the totals
// block for the period, and the overdue invoices where an invoice prints its payment details.
import { messagesFor, plural, t, type MessageKey, type Messages } from '../../shared/i18n/messages.ts';
import { documentLanguage } from '../documents/document-language.ts';
import { dateFormatter, moneyFormatter } from '../documents/pdf/document-view.ts';
import { paperForLocale, partiesOf, type PdfDocumentView, type PdfLine } from '../documents/pdf/render-document-pdf.ts';
import type { Client } from '../clients/client.schemas.ts';
import type { Org } from '../orgs/org.schemas.ts';
import type { Statement, StatementLine } from './statement.schemas.ts';

/** The table's labels in a language (the catalogue's `statement.*` and shared `pdf.*` keys). */
const labelsOf = (m: Messages): PdfDocumentView['labels'] => ({
  billTo: m['statement.client'],
  from: m['pdf.from'],
  issueDate: m['statement.date'],
  dueDate: m['pdf.dueDate'],
  description: m['pdf.description'],
  quantity: m['statement.date'],
  unitPrice: m['statement.charges'],
  tax: m['statement.credits'],
  amount: m['statement.balance'],
  notes: m['pdf.notes'],
  terms: m['pdf.terms'],
  payment: m['statement.overdueInvoices'],
  verify: m['receipt.verify'],
  page: m['pdf.page'],
});

const METHOD_LABEL: Record<string, MessageKey> = {
  stripe: 'paymentMethod.stripe',
  paypal: 'paymentMethod.paypal',
  bank_transfer: 'paymentMethod.bank_transfer',
  cash: 'paymentMethod.cash',
  cheque: 'paymentMethod.cheque',
  card: 'paymentMethod.card',
  client_credit: 'paymentMethod.client_credit',
  other: 'paymentMethod.other',
};

function describe(language: string, m: Messages, l: StatementLine): string {
  const number = l.number ?? '';
  if (l.kind === 'invoice' || l.kind === 'credit_note') return t(language, `statement.line.${l.kind}`, { number });
  // Only the less usual ways money moved are named; a bank transfer is the default reading.
  if (!l.method || l.method === 'bank_transfer') return t(language, `statement.line.${l.kind}`, { number });
  const key = METHOD_LABEL[l.method];
  return t(language, `statement.line.${l.kind}By`, { number, method: key ? m[key] : l.method });
}

/** The statement's number: what it covers, so two statements of one client never read alike. */
export const statementNumber = (s: Pick<Statement, 'from' | 'to' | 'currency'>): string =>
  `${s.from} – ${s.to} · ${s.currency}`;

/**
 * The statement in its client's language (issue #15 item 4), words and formats agreeing as on the
 * client's invoices (documentLanguage); the paper follows the organization's country.
 */
export function statementView(s: Statement, org: Org, client: Client): PdfDocumentView {
  const { language, formatLocale } = documentLanguage(client.language, org.locale);
  const m = messagesFor(language);
  const money = moneyFormatter(formatLocale, s.currency);
  const less = (n: number) => (n === 0 ? money(0) : `−${money(n)}`);
  const day = dateFormatter(formatLocale);
  const row = (description: string, date: string, amount: number | null, balance: number): PdfLine => ({
    description,
    quantity: date,
    unit: '',
    unitPrice: amount !== null && amount > 0 ? money(amount) : '',
    discount: null,
    taxLabel: amount !== null && amount < 0 ? money(-amount) : '',
    amount: money(balance),
  });
  const lines: PdfLine[] = [
    row(m['statement.broughtForward'], day(s.from), null, s.openingBalance),
    ...s.lines.map((l) => row(describe(language, m, l), day(l.date), l.amount, l.balance)),
  ];
  const overdue = s.overdue.invoices.map((i) => ({
    label: t(language, 'statement.overdueInvoice', { number: i.number ?? '', date: day(i.dueDate) }),
    value: plural(language, 'statement.daysOverdue', i.daysOverdue, { amount: money(i.outstanding) }),
  }));
  return {
    kind: 'invoice',
    title: m['statement.title'],
    number: statementNumber(s),
    issueDate: day(s.today),
    dueDate: null,
    meta: [
      { label: m['statement.period'], value: `${day(s.from)} – ${day(s.to)}` },
      { label: m['statement.currency'], value: s.currency },
    ],
    paper: paperForLocale(org.locale),
    ...partiesOf(org, client),
    lines,
    taxes: [],
    totals: [
      { label: m['statement.openingBalance'], value: money(s.openingBalance) },
      { label: m['statement.invoiced'], value: money(s.totals.invoiced) },
      { label: m['statement.creditNotes'], value: less(s.totals.credited) },
      { label: m['statement.paymentsReceived'], value: less(s.totals.paid) },
      { label: m['statement.refunds'], value: money(s.totals.refunded) },
      { label: m['statement.closingBalance'], value: money(s.closingBalance), strong: true },
      { label: t(language, 'statement.overdueOn', { date: day(s.overdue.asOf) }), value: money(s.overdue.total) },
    ],
    notes: s.closingBalance < 0 ? t(language, 'statement.inFavour', { amount: money(-s.closingBalance) }) : null,
    payment: overdue.length > 0 ? { lines: overdue } : null,
    verification: null,
    labels: labelsOf(m),
  };
}
