// The arithmetic of a statement of account, pure: the rows of the period in date order with a
// running balance, the period's totals and the overdue invoices. Every amount is an integer in
// minor units; nothing is converted (a statement is in one currency).
import { daysBetween } from '../../shared/dates.ts';
import type { OverdueInvoice, StatementLine } from './statement.schemas.ts';

export interface IssuedRow {
  id: string;
  kind: 'invoice' | 'credit_note' | 'quote';
  number: string | null;
  issue_date: string | null;
  due_date: string | null;
  total: number;
  created_at: string;
}

export interface MoneyRow {
  id: string;
  kind: 'payment' | 'refund';
  amount: number;
  method: string;
  received_on: string;
  created_at: string;
  document_id: string;
  number: string | null;
}

export interface DueRow {
  id: string;
  number: string | null;
  issue_date: string | null;
  due_date: string | null;
  total: number;
  outstanding: number;
}

// On one day: what was billed first, then what reduced it (a payment on the day of its invoice
// reads naturally after the invoice), each kind in number / creation order.
const KIND_ORDER: Record<StatementLine['kind'], number> = { invoice: 0, credit_note: 1, payment: 2, refund: 3 };

type Unbalanced = Omit<StatementLine, 'balance'> & { tie: string };

/** The period's lines in date order with the running balance from `opening`, and the period's totals. */
export function statementLines(
  opening: number,
  documents: readonly IssuedRow[],
  money: readonly MoneyRow[],
): {
  lines: StatementLine[];
  totals: { invoiced: number; credited: number; paid: number; refunded: number };
  closing: number;
} {
  const rows: Unbalanced[] = [];
  for (const d of documents) {
    if (d.kind === 'quote' || !d.issue_date) continue;
    const total = Number(d.total);
    rows.push({
      date: d.issue_date,
      kind: d.kind,
      documentId: d.id,
      number: d.number,
      paymentId: null,
      method: null,
      dueDate: d.kind === 'invoice' ? d.due_date : null,
      amount: d.kind === 'invoice' ? total : -total,
      tie: `${d.number ?? ''}\u0000${d.created_at}\u0000${d.id}`,
    });
  }
  for (const p of money) {
    const amount = Number(p.amount);
    rows.push({
      date: p.received_on,
      kind: p.kind,
      documentId: p.document_id,
      number: p.number,
      paymentId: p.id,
      method: p.method,
      dueDate: null,
      amount: p.kind === 'refund' ? amount : -amount,
      tie: `${p.created_at}\u0000${p.id}`,
    });
  }
  rows.sort((a, b) => a.date.localeCompare(b.date) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || cmp(a.tie, b.tie));

  const totals = { invoiced: 0, credited: 0, paid: 0, refunded: 0 };
  let balance = opening;
  const lines = rows.map(({ tie: _tie, ...r }) => {
    balance += r.amount;
    if (r.kind === 'invoice') totals.invoiced += r.amount;
    else if (r.kind === 'credit_note') totals.credited -= r.amount;
    else if (r.kind === 'payment') totals.paid -= r.amount;
    else totals.refunded += r.amount;
    return { ...r, balance };
  });
  return { lines, totals, closing: balance };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Invoices still owing something at the end of `asOf` and due before it, oldest due first. */
export function overdueInvoices(rows: readonly DueRow[], asOf: string): OverdueInvoice[] {
  return rows
    .filter((r) => r.issue_date && r.due_date && r.due_date < asOf && Number(r.outstanding) > 0)
    .map((r) => ({
      documentId: r.id,
      number: r.number,
      issueDate: r.issue_date!,
      dueDate: r.due_date!,
      total: Number(r.total),
      outstanding: Number(r.outstanding),
      daysOverdue: daysBetween(r.due_date!, asOf),
    }))
    .sort((a, b) => cmp(a.dueDate, b.dueDate) || cmp(a.number ?? '', b.number ?? ''));
}
