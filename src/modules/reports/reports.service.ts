// The dashboard and the reports, computed on the server from the ledger (issue #13, item 3).
// Amounts stay in minor units: per currency as stored, and converted to the organization's
// currency at each document's own exchange rate (one exact conversion per currency-and-rate group).
import { dateInZone, type Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { convertAmount } from '../../shared/money/money.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import {
  agingByClient,
  billedByMonth,
  collectedByMonth,
  paymentsReceived,
  receivables,
  recentActivity,
  revenueByClient,
} from './reports.repo.ts';
import type { AgingRow, AttentionItem, Dashboard, PaymentReceivedRow, RevenueRow } from './reports.schemas.ts';
import { addDays } from '../../shared/dates.ts';

export interface ReportServiceDeps {
  db: Database;
  clock: Clock;
  orgs: Pick<OrgService, 'get'>;
  clients: Pick<ClientService, 'namesByIds'>;
  /** Sources of the dashboard's "needs attention" list (each module lists its own failures). */
  attention?: Array<(orgId: string) => Promise<AttentionItem[]>>;
}

/** The payments report returns at most this many rows (and says when it stopped). */
export const PAYMENTS_REPORT_LIMIT = 10_000;

/** The 12 months ending with the month of `today`, oldest first ("2026-01"). */
export function lastTwelveMonths(today: string): string[] {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - (11 - i), 1));
    return d.toISOString().slice(0, 7);
  });
}

export function createReportService({ db, clock, orgs, clients, attention = [] }: ReportServiceDeps) {
  async function context(orgId: string) {
    const org = await orgs.get(orgId);
    const today = dateInZone(clock.now(), org.timeZone);
    const inOrg = (amount: number, currency: string, rate: string) =>
      currency === org.defaultCurrency ? amount : convertAmount(amount, currency, org.defaultCurrency, rate);
    return { currency: org.defaultCurrency, today, inOrg };
  }

  return {
    async dashboard(orgId: string): Promise<Dashboard> {
      const { currency, today, inOrg } = await context(orgId);
      const months = lastTwelveMonths(today);
      const from = `${months[0]}-01`;
      const [open, billed, collected, recent, needsAttention] = await Promise.all([
        receivables(db, orgId, today).execute(),
        billedByMonth(db, orgId, from).execute(),
        collectedByMonth(db, orgId, from).execute(),
        recentActivity(db, orgId, 10),
        Promise.all(attention.map((source) => source(orgId))).then((lists) =>
          lists.flat().sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)),
        ),
      ]);

      const byCurrency = new Map<
        string,
        { currency: string; due: number; overdue: number; openCount: number; overdueCount: number }
      >();
      let due = 0;
      let overdue = 0;
      for (const r of open) {
        const c = byCurrency.get(r.currency) ?? {
          currency: r.currency,
          due: 0,
          overdue: 0,
          openCount: 0,
          overdueCount: 0,
        };
        c.due += Number(r.due);
        c.overdue += Number(r.overdue);
        c.openCount += Number(r.open_count);
        c.overdueCount += Number(r.overdue_count);
        byCurrency.set(r.currency, c);
        due += inOrg(Number(r.due), r.currency, r.exchange_rate);
        overdue += inOrg(Number(r.overdue), r.currency, r.exchange_rate);
      }

      const monthly = new Map(months.map((m) => [m, { month: m, billed: 0, collected: 0 }]));
      for (const r of billed) monthly.get(r.month)!.billed += inOrg(Number(r.amount), r.currency, r.exchange_rate);
      for (const r of collected) {
        const m = monthly.get(r.month);
        if (m) m.collected += inOrg(Number(r.amount), r.currency, r.exchange_rate);
      }

      const top = await revenueByClient(db, orgId, from, today).execute();
      const perClient = new Map<string, number>();
      for (const r of top)
        perClient.set(
          r.client_id,
          (perClient.get(r.client_id) ?? 0) + inOrg(Number(r.total), r.currency, r.exchange_rate),
        );
      const topIds = [...perClient].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);

      const names = await clients.namesByIds(db, orgId, [
        ...topIds.map(([id]) => id),
        ...recent.documents.map((d) => d.client_id),
        ...recent.payments.map((p) => p.client_id),
      ]);
      const activity = [
        ...recent.documents.map((d) => ({
          type:
            d.kind === 'invoice'
              ? ('invoice_issued' as const)
              : d.kind === 'quote'
                ? ('quote_issued' as const)
                : ('credit_note_issued' as const),
          at: d.issued_at!,
          documentId: d.id,
          number: d.number,
          clientName: names.get(d.client_id) ?? '',
          amount: Number(d.total),
          currency: d.currency,
        })),
        ...recent.payments.map((p) => ({
          type: p.kind === 'refund' ? ('refund' as const) : ('payment' as const),
          at: p.created_at,
          documentId: p.document_id,
          number: null,
          clientName: names.get(p.client_id) ?? '',
          amount: Number(p.amount),
          currency: p.currency,
        })),
      ]
        .sort((a, b) => b.at.localeCompare(a.at))
        .slice(0, 10);

      return {
        currency,
        today,
        outstanding: due,
        overdue,
        receivables: [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
        months: [...monthly.values()],
        topClients: topIds.map(([clientId, amount]) => ({ clientId, name: names.get(clientId) ?? '', billed: amount })),
        recent: activity,
        needsAttention,
      };
    },

    async aging(orgId: string): Promise<{ today: string; rows: AgingRow[] }> {
      const { today } = await context(orgId);
      const rows = await agingByClient(db, orgId, [
        today,
        addDays(today, -30),
        addDays(today, -60),
        addDays(today, -90),
      ]).execute();
      const names = await clients.namesByIds(
        db,
        orgId,
        rows.map((r) => r.client_id),
      );
      return {
        today,
        rows: rows
          .map((r) => ({
            clientId: r.client_id,
            clientName: names.get(r.client_id) ?? '',
            currency: r.currency,
            current: Number(r.current),
            days1to30: Number(r.days_1_30),
            days31to60: Number(r.days_31_60),
            days61to90: Number(r.days_61_90),
            daysOver90: Number(r.days_over_90),
            total: Number(r.total),
          }))
          .sort((a, b) => a.clientName.localeCompare(b.clientName) || a.currency.localeCompare(b.currency)),
      };
    },

    async revenue(orgId: string, from: string, to: string): Promise<{ currency: string; rows: RevenueRow[] }> {
      const { currency, inOrg } = await context(orgId);
      const groups = await revenueByClient(db, orgId, from, to).execute();
      const rows = new Map<string, RevenueRow>();
      for (const g of groups) {
        const key = `${g.client_id} ${g.currency}`;
        const r = rows.get(key) ?? {
          clientId: g.client_id,
          clientName: '',
          currency: g.currency,
          invoices: 0,
          net: 0,
          tax: 0,
          total: 0,
          totalInOrgCurrency: 0,
        };
        r.invoices += Number(g.invoices);
        r.net += Number(g.net);
        r.tax += Number(g.tax);
        r.total += Number(g.total);
        r.totalInOrgCurrency += inOrg(Number(g.total), g.currency, g.exchange_rate);
        rows.set(key, r);
      }
      const names = await clients.namesByIds(
        db,
        orgId,
        [...rows.values()].map((r) => r.clientId),
      );
      for (const r of rows.values()) r.clientName = names.get(r.clientId) ?? '';
      return {
        currency,
        rows: [...rows.values()].sort(
          (a, b) => b.totalInOrgCurrency - a.totalInOrgCurrency || a.clientName.localeCompare(b.clientName),
        ),
      };
    },

    async payments(
      orgId: string,
      from: string,
      to: string,
    ): Promise<{ rows: PaymentReceivedRow[]; truncated: boolean }> {
      const found = await paymentsReceived(db, orgId, from, to, PAYMENTS_REPORT_LIMIT + 1);
      const page = found.slice(0, PAYMENTS_REPORT_LIMIT);
      const names = await clients.namesByIds(
        db,
        orgId,
        page.map((p) => p.client_id),
      );
      return {
        truncated: found.length > PAYMENTS_REPORT_LIMIT,
        rows: page.map((p) => ({
          id: p.id,
          receivedOn: p.received_on,
          kind: p.kind,
          amount: Number(p.amount),
          currency: p.currency,
          method: p.method,
          clientName: names.get(p.client_id) ?? '',
          documentNumber: p.number,
        })),
      };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
