// The reports as CSV for spreadsheets and accountants: the same injection-safe cells as the data
// export (text quoted and neutralized, amounts as exact decimal strings in the row's currency).
import { formatAmount } from '../../shared/money/money.ts';
import { csvText } from '../exports/export.csv.ts';
import type { AgingRow, PaymentReceivedRow, RevenueRow } from './reports.schemas.ts';

const lines = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';

export function agingCsv(rows: AgingRow[]): string {
  return lines(
    ['client', 'currency', 'current', 'days_1_30', 'days_31_60', 'days_61_90', 'days_over_90', 'total'],
    rows.map((r) => [
      csvText(r.clientName),
      r.currency,
      ...[r.current, r.days1to30, r.days31to60, r.days61to90, r.daysOver90, r.total].map((a) =>
        formatAmount(a, r.currency),
      ),
    ]),
  );
}

export function revenueCsv(rows: RevenueRow[], orgCurrency: string): string {
  return lines(
    ['client', 'currency', 'invoices', 'net', 'tax', 'total', `total_${orgCurrency}`],
    rows.map((r) => [
      csvText(r.clientName),
      r.currency,
      String(r.invoices),
      formatAmount(r.net, r.currency),
      formatAmount(r.tax, r.currency),
      formatAmount(r.total, r.currency),
      formatAmount(r.totalInOrgCurrency, orgCurrency),
    ]),
  );
}

export function paymentsCsv(rows: PaymentReceivedRow[]): string {
  return lines(
    ['received_on', 'kind', 'client', 'document', 'method', 'currency', 'amount'],
    rows.map((r) => [
      r.receivedOn,
      r.kind,
      csvText(r.clientName),
      csvText(r.documentNumber),
      csvText(r.method),
      r.currency,
      formatAmount(r.kind === 'refund' ? -r.amount : r.amount, r.currency),
    ]),
  );
}
