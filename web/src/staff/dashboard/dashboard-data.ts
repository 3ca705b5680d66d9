// Dashboard figures come from the server (GET /api/v1/dashboard): computed in the database from
// every invoice and payment, per currency and converted to the organization's currency at each
// document's own exchange rate, so they stay correct at any size. The open-invoices panel is the
// first page of the open list, soonest due first.
import { ok, staffApi } from '../../lib/api.ts';
import type { Answer, DocumentSummary } from '../../lib/types.ts';

export type DashboardFigures = Answer<'/api/v1/dashboard'>;
export type MonthBar = DashboardFigures['months'][number];

export interface DashboardData extends DashboardFigures {
  overdueCount: number;
  paidThisMonth: number;
  openInvoices: DocumentSummary[];
}

export async function loadDashboard(signal?: AbortSignal): Promise<DashboardData> {
  const [d, open] = await Promise.all([
    ok(staffApi.GET('/api/v1/dashboard', { signal })),
    ok(staffApi.GET('/api/v1/invoices', { params: { query: { status: 'open', sort: 'due_date', limit: 8 } }, signal })),
  ]);
  return {
    ...d,
    overdueCount: d.receivables.reduce((n, r) => n + r.overdueCount, 0),
    paidThisMonth: d.months[d.months.length - 1]?.collected ?? 0,
    openInvoices: open.items,
  };
}
