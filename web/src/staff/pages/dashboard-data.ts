// Dashboard figures, computed in the browser from the invoice list and the payments of invoices
// that have any. Only invoices in the organization's default currency are summed: adding
// amounts in different currencies would need exchange rates the summary does not carry.
import { ok, staffApi } from '../../lib/api.ts';
import type { DocumentSummary, Payment } from '../../lib/types.ts';

type InvoiceQuery = { from?: string; status?: 'open' };

/** Every page of the invoice list for `query` (bounded: at most `maxPages` of 200). */
async function allInvoices(query: InvoiceQuery, maxPages: number): Promise<DocumentSummary[]> {
  const out: DocumentSummary[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await ok(staffApi.GET('/api/v1/invoices', { params: { query: { ...query, limit: 200, cursor } } }));
    out.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

export interface MonthBar {
  month: string; // YYYY-MM
  billed: number;
  collected: number;
}

export interface DashboardData {
  currency: string;
  outstanding: number;
  overdue: number;
  overdueCount: number;
  paidThisMonth: number;
  months: MonthBar[];
  otherCurrencies: string[];
  openInvoices: DocumentSummary[];
}

export function lastMonths(now: Date, n = 12): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getFullYear(), now.getMonth() - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight (polite to a small server). */
async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return out;
}

export async function loadDashboard(currency: string, now = new Date()): Promise<DashboardData> {
  const months = lastMonths(now);
  const from = `${months[0]}-01`;
  const [recent, open] = await Promise.all([
    allInvoices({ from }, 10),
    allInvoices({ status: 'open' }, 10),
  ]);
  const bars = new Map(months.map((m) => [m, { month: m, billed: 0, collected: 0 }]));
  const otherCurrencies = new Set<string>();
  for (const d of recent) {
    if (d.status === 'draft' || d.status === 'void' || !d.issueDate) continue;
    if (d.currency !== currency) {
      otherCurrencies.add(d.currency);
      continue;
    }
    const bar = bars.get(d.issueDate.slice(0, 7));
    if (bar) bar.billed += d.total;
  }
  const withPayments = recent.filter((d) => d.currency === currency && d.amountPaid > 0).slice(0, 200);
  const payments = (await pool(withPayments, 4, (d) => ok(staffApi.GET('/api/v1/invoices/{id}/payments', { params: { path: { id: d.id } } })).then((r) => r.items).catch(() => [] as Payment[]))).flat();
  const thisMonth = months[months.length - 1];
  let paidThisMonth = 0;
  for (const p of payments) {
    const signed = p.kind === 'refund' ? -p.appliedAmount : p.appliedAmount;
    const bar = bars.get(p.receivedOn.slice(0, 7));
    if (bar) bar.collected += signed;
    if (p.receivedOn.slice(0, 7) === thisMonth) paidThisMonth += signed;
  }
  let outstanding = 0;
  let overdue = 0;
  let overdueCount = 0;
  for (const d of open) {
    if (d.currency !== currency) {
      otherCurrencies.add(d.currency);
      continue;
    }
    outstanding += d.amountDue;
    if (d.overdue) {
      overdue += d.amountDue;
      overdueCount++;
    }
  }
  return { currency, outstanding, overdue, overdueCount, paidThisMonth, months: [...bars.values()], otherCurrencies: [...otherCurrencies].sort(), openInvoices: open.slice(0, 8) };
}
