// Invoices as CSV (RFC 4180) for spreadsheets. Text cells that a spreadsheet would run as a
// formula (leading = + - @, tab or carriage return: "CSV injection", OWASP) are prefixed with an
// apostrophe; amounts are exact decimal strings we produce ourselves, never floats.
import { formatAmount } from '../invoices/invoice.money.ts';
import type { DocumentExport } from '../invoices/document.schemas.ts';

const HEADER = ['number', 'status', 'client', 'issue_date', 'due_date', 'currency', 'subtotal', 'discount', 'tax', 'total', 'paid', 'credited', 'due', 'id'];

/** Quotes a cell when needed (RFC 4180 §2.6–2.7). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A text cell from user data: neutralized so a spreadsheet shows it instead of evaluating it. */
export function csvText(value: string | null): string {
  const v = value ?? '';
  return csvCell(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
}

export function invoicesCsv(documents: DocumentExport[]): string {
  const rows = documents
    .filter((d) => d.kind === 'invoice')
    .map((d) => {
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
