// The reports as CSV for spreadsheets and accountants: the same injection-safe cells as the data
// export (text quoted and neutralized, amounts as exact decimal strings in the row's currency).
import { formatAmount } from '../../shared/money/money.ts';
import { csvText } from '../exports/export.csv.ts';
import type { AgingRow, ItemRevenueRow, PaymentReceivedRow, RevenueRow, VatRow } from './reports.schemas.ts';

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

/** Basis points as an exact percentage: 1900 → "19.00", 750 → "7.50". */
const percent = (bp: number) => `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;

/** One row per currency, VAT category and rate: reverse charge (AE) and exempt (E) are rows of their own. */
export function vatCsv(rows: VatRow[], orgCurrency: string): string {
  return lines(
    [
      'currency',
      'vat_category',
      'rate_percent',
      'invoices',
      'credit_notes',
      'taxable',
      'tax',
      `taxable_${orgCurrency}`,
      `tax_${orgCurrency}`,
    ],
    rows.map((r) => [
      r.currency,
      r.category,
      percent(r.rateBp),
      String(r.invoices),
      String(r.creditNotes),
      formatAmount(r.taxable, r.currency),
      formatAmount(r.tax, r.currency),
      formatAmount(r.taxableInOrgCurrency, orgCurrency),
      formatAmount(r.taxInOrgCurrency, orgCurrency),
    ]),
  );
}

/** One row per catalogue item and currency; `otherItems` names the free-text lines. */
export function itemRevenueCsv(rows: ItemRevenueRow[], orgCurrency: string, otherItems: string): string {
  return lines(
    ['item_id', 'item', 'currency', 'lines', 'quantity', 'net', `net_${orgCurrency}`],
    rows.map((r) => [
      r.itemId ?? '',
      csvText(r.itemId ? (r.name ?? '') : otherItems),
      r.currency,
      String(r.lines),
      r.quantity,
      formatAmount(r.net, r.currency),
      formatAmount(r.netInOrgCurrency, orgCurrency),
    ]),
  );
}
