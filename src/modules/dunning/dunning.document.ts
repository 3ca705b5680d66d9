// The reminder document (issue #15, item 1): when a reminder adds late-payment charges they are
// shown on a document of their own — numbered in the 'reminder' series, itemised (the invoice's
// outstanding amount for reference, the interest per rate period, the compensation), PAdES-signed
// with the organization's signing identity like receipts — never by editing the issued invoice.
// In the client's language (the catalogue's reminder.* and pdf.* keys).
import { messagesFor, t } from '../../shared/i18n/messages.ts';
import type { Client } from '../clients/client.schemas.ts';
import { documentLanguage } from '../documents/document-language.ts';
import { dateFormatter, moneyFormatter } from '../documents/pdf/document-view.ts';
import { paperForLocale, partiesOf, type PdfDocumentView, type PdfLine } from '../documents/pdf/render-document-pdf.ts';
import type { InterestPeriod } from './dunning.charges.ts';

/** The series and pattern of reminder numbers: REM-2026-00001. */
export const REMINDER_SERIES = 'reminder';
export const REMINDER_PATTERN = 'REM-{YYYY}-{SEQ:5}';

export interface ReminderDocumentFacts {
  number: string;
  date: string;
  currency: string;
  invoice: { number: string; issueDate: string; dueDate: string; outstanding: number };
  interest: { principal: number; marginPercent: string; periods: Array<InterestPeriod & { amount: number }> } | null;
  compensation: number | null;
}

type Org = Parameters<typeof partiesOf>[0] & { locale: string };

export function reminderDocumentView(f: ReminderDocumentFacts, org: Org, client: Client): PdfDocumentView {
  const lang = documentLanguage(client.language, org.locale);
  const m = messagesFor(lang.language);
  const money = moneyFormatter(lang.formatLocale, f.currency);
  const day = dateFormatter(lang.formatLocale);
  const pf = new Intl.NumberFormat(lang.formatLocale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percent = (p: string) => pf.format(Number(p));
  const line = (description: string, amount: number): PdfLine => ({
    description,
    quantity: '',
    unit: '',
    unitPrice: '',
    discount: null,
    taxLabel: '',
    amount: money(amount),
  });
  const charges = (f.interest?.periods.reduce((sum, p) => sum + p.amount, 0) ?? 0) + (f.compensation ?? 0);
  const lines: PdfLine[] = [
    line(
      t(lang.language, 'reminder.invoiceLine', {
        number: f.invoice.number,
        issueDate: day(f.invoice.issueDate),
        dueDate: day(f.invoice.dueDate),
      }),
      f.invoice.outstanding,
    ),
    ...(f.interest?.periods ?? []).map((p) =>
      line(
        t(lang.language, 'reminder.interestLine', {
          rate: percent(p.annualPercent),
          from: day(p.from),
          to: day(p.to),
          days: String(p.days),
          principal: money(f.interest!.principal),
        }),
        p.amount,
      ),
    ),
    ...(f.compensation ? [line(m['reminder.compensationLine'], f.compensation)] : []),
  ];
  return {
    kind: 'invoice',
    title: m['reminder.title'],
    number: f.number,
    issueDate: day(f.date),
    dueDate: null,
    paper: paperForLocale(org.locale),
    ...partiesOf(org, client),
    lines,
    taxes: [],
    totals: [
      { label: m['reminder.charges'], value: money(charges) },
      { label: m['reminder.totalDue'], value: money(f.invoice.outstanding + charges), strong: true },
    ],
    notes: f.interest
      ? t(lang.language, 'reminder.note', { margin: percent(f.interest.marginPercent), number: f.invoice.number })
      : null,
    payment: null,
    verification: null,
    labels: {
      billTo: m['pdf.billTo'],
      from: m['pdf.from'],
      issueDate: m['pdf.issueDate'],
      dueDate: m['pdf.dueDate'],
      description: m['pdf.description'],
      quantity: '',
      unitPrice: '',
      tax: '',
      amount: m['pdf.amount'],
      notes: m['pdf.notes'],
      terms: m['pdf.terms'],
      payment: m['pdf.payment'],
      verify: m['receipt.verify'],
      page: m['pdf.page'],
    },
  };
}
