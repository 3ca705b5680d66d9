// A statement as the project's own PDF writer lays it out: the document renderer's table, with the
// columns Date · Charges · Credits · Balance instead of Qty · Price · Tax · Amount, the totals
// block for the period, and the overdue invoices where an invoice prints its payment details.
import { dateFormatter, moneyFormatter } from '../documents/pdf/document-view.ts';
import { paperForLocale, partiesOf, type PdfDocumentView, type PdfLine } from '../documents/pdf/render-document-pdf.ts';
import type { Client } from '../clients/client.schemas.ts';
import type { Org } from '../orgs/org.schemas.ts';
import type { Statement, StatementLine } from './statement.schemas.ts';

const LABELS: PdfDocumentView['labels'] = {
  billTo: 'Client',
  from: 'From',
  issueDate: 'Date',
  dueDate: 'Due',
  description: 'Description',
  quantity: 'Date',
  unitPrice: 'Charges',
  tax: 'Credits',
  amount: 'Balance',
  notes: 'Notes',
  terms: 'Terms',
  payment: 'Overdue invoices',
  verify: 'Verify',
  page: 'Page',
};

const METHOD_LABEL: Record<string, string> = {
  stripe: 'card (Stripe)',
  paypal: 'PayPal',
  bank_transfer: 'bank transfer',
  cash: 'cash',
  cheque: 'cheque',
  card: 'card',
  other: 'other',
};

// Only the less usual ways money moved are named; a bank transfer is the default reading.
const method = (l: StatementLine) =>
  l.method && l.method !== 'bank_transfer' ? ` (${METHOD_LABEL[l.method] ?? l.method})` : '';

function describe(l: StatementLine): string {
  const no = l.number ?? '';
  switch (l.kind) {
    case 'invoice':
      return `Invoice ${no}`;
    case 'credit_note':
      return `Credit note ${no}`;
    case 'payment':
      return `Payment for ${no}${method(l)}`;
    case 'refund':
      return `Refund for ${no}${method(l)}`;
  }
}

/** The statement's number: what it covers, so two statements of one client never read alike. */
export const statementNumber = (s: Pick<Statement, 'from' | 'to' | 'currency'>): string =>
  `${s.from} – ${s.to} · ${s.currency}`;

export function statementView(s: Statement, org: Org, client: Client): PdfDocumentView {
  const money = moneyFormatter(org.locale, s.currency);
  const less = (n: number) => (n === 0 ? money(0) : `−${money(n)}`);
  const day = dateFormatter(org.locale);
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
    row('Balance brought forward', day(s.from), null, s.openingBalance),
    ...s.lines.map((l) => row(describe(l), day(l.date), l.amount, l.balance)),
  ];
  const overdue = s.overdue.invoices.map((i) => ({
    label: `${i.number ?? ''}, due ${day(i.dueDate)}`,
    value: `${money(i.outstanding)} (${i.daysOverdue} ${i.daysOverdue === 1 ? 'day' : 'days'} overdue)`,
  }));
  return {
    kind: 'invoice',
    title: 'Statement of account',
    number: statementNumber(s),
    issueDate: day(s.today),
    dueDate: null,
    meta: [
      { label: 'Period', value: `${day(s.from)} – ${day(s.to)}` },
      { label: 'Currency', value: s.currency },
    ],
    paper: paperForLocale(org.locale),
    ...partiesOf(org, client),
    lines,
    taxes: [],
    totals: [
      { label: 'Opening balance', value: money(s.openingBalance) },
      { label: 'Invoiced', value: money(s.totals.invoiced) },
      { label: 'Credit notes', value: less(s.totals.credited) },
      { label: 'Payments received', value: less(s.totals.paid) },
      { label: 'Refunds', value: money(s.totals.refunded) },
      { label: 'Closing balance', value: money(s.closingBalance), strong: true },
      { label: `Overdue on ${day(s.overdue.asOf)}`, value: money(s.overdue.total) },
    ],
    notes:
      s.closingBalance < 0
        ? `The balance is in your favour: ${money(-s.closingBalance)} is held as credit on your account.`
        : null,
    payment: overdue.length > 0 ? { lines: overdue } : null,
    verification: null,
    labels: LABELS,
  };
}
