// Invoices as CSV (RFC 4180) for spreadsheets. Every text cell is quoted, and every part of it
// that a spreadsheet could take for a cell of its own is neutralized ("CSV injection", OWASP):
// Excel in DE/FR/NL splits on ';' rather than ',', and importers may split on tab, so
// `Globex;=1+1` would start a live formula in its second cell. A part that begins (after
// blanks) with = + - @, a tab or a carriage return, or their full-width forms (＝ ＋ － ＠), gets
// an apostrophe in front, which spreadsheets show as text. Amounts are exact decimal strings we
// produce ourselves, never floats, and are left unquoted so they stay numbers.
import { formatAmount } from '../../shared/money/money.ts';
import type { DocumentDto, DocumentExport } from '../documents/document.schemas.ts';

const HEADER = [
  'number',
  'status',
  'client',
  'issue_date',
  'due_date',
  'currency',
  'subtotal',
  'discount',
  'tax',
  'total',
  'paid',
  'credited',
  'due',
  'id',
];

/** Quotes a cell when needed (RFC 4180 §2.6–2.7). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Where a spreadsheet may start a new cell inside one CSV cell (the start, and after each
 * separator a locale or an importer might use), followed by a formula trigger: '=', '+', '-',
 * '@', tab or CR (OWASP), or their full-width forms, possibly after blanks.
 */
const FORMULA_PART = /(^|[,;\t\r\n])(?=[ \u00a0\u3000]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20])/gu;

/** A text cell from user data: always quoted, every splittable part neutralized. */
export function csvText(value: string | null): string {
  const v = (value ?? '').replace(FORMULA_PART, "$1'");
  return `"${v.replace(/"/g, '""')}"`;
}

export function invoicesCsv(documents: DocumentExport[]): string {
  return documentsCsv(documents.filter((d) => d.kind === 'invoice'));
}

/** Any documents (a bulk export of invoices, quotes or credit notes), one row each, in the order given. */
export function documentsCsv(documents: DocumentDto[]): string {
  const rows = documents.map((d) => {
    const amount = (minor: number) => formatAmount(minor, d.currency);
    return [
      csvText(d.number),
      csvText(d.status),
      csvText(d.clientName),
      d.issueDate ?? '',
      d.dueDate ?? '',
      d.currency,
      amount(d.subtotal),
      amount(d.discountTotal),
      amount(d.taxTotal),
      amount(d.total),
      amount(d.amountPaid),
      amount(d.amountCredited),
      amount(d.amountDue),
      d.id,
    ].join(',');
  });
  return [HEADER.join(','), ...rows].join('\r\n') + '\r\n';
}
