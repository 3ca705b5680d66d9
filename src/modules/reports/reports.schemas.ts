import { z } from 'zod';
import { isoDate } from '../../platform/http/schemas.ts';
import { vatCategory } from '../einvoice/einvoice.schemas.ts';

const minor = z.number().int().describe('minor units (cents)');

/** Something done on its own (an automatic sending) that failed or is being retried. */
export const attentionItem = z.object({
  source: z
    .enum(['recurring_send', 'recurring_charge', 'payment_reminder'])
    .describe(
      "recurring_send: the automatic sending of a schedule's invoice; recurring_charge: its automatic charge to the client's saved payment method (failed: sent to pay instead; retrying: the provider could not be reached; held: the member who turned charging on may no longer record payments; interrupted: check the provider); payment_reminder: a reminder that failed or was interrupted (send one by hand from the invoice)",
    ),
  status: z
    .enum(['retrying', 'failed', 'partly_sent', 'interrupted', 'held'])
    .describe(
      'retrying: nothing was accepted, the next attempt is at nextAttemptAt; failed: attempts exhausted; partly_sent: some recipients refused it (not retried); interrupted: stopped mid-send, may have left (never resent); held: not sent, the member who turned sending on may no longer send',
    ),
  id: z.string().describe('the sending (POST /api/v1/recurring-runs/:id/resolve takes it off this list)'),
  scheduleId: z.string().nullable(),
  documentId: z.uuid(),
  number: z.string().nullable(),
  clientName: z.string(),
  reason: z.string().nullable(),
  at: z.string(),
  nextAttemptAt: z.string().nullable(),
});
export type AttentionItem = z.infer<typeof attentionItem>;

export const dashboardSchema = z.object({
  currency: z
    .string()
    .describe(
      'the organization’s currency: outstanding, overdue, months and top clients are converted to it at each document’s exchange rate',
    ),
  today: isoDate,
  outstanding: minor,
  overdue: minor,
  receivables: z.array(
    z.object({
      currency: z.string(),
      due: minor,
      overdue: minor,
      openCount: z.number().int(),
      overdueCount: z.number().int(),
    }),
  ),
  months: z.array(z.object({ month: z.string(), billed: minor, collected: minor })),
  topClients: z.array(z.object({ clientId: z.uuid(), name: z.string(), billed: minor })),
  recent: z.array(
    z.object({
      type: z.enum(['invoice_issued', 'quote_issued', 'credit_note_issued', 'payment', 'refund']),
      at: z.string(),
      documentId: z.uuid(),
      number: z.string().nullable(),
      clientName: z.string(),
      amount: minor,
      currency: z.string(),
    }),
  ),
  needsAttention: z
    .array(attentionItem)
    .describe('work done on its own that failed and waits for someone, newest first (at most 20 per source)'),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

export const agingRow = z.object({
  clientId: z.uuid(),
  clientName: z.string(),
  currency: z.string(),
  current: minor,
  days1to30: minor,
  days31to60: minor,
  days61to90: minor,
  daysOver90: minor,
  total: minor,
});
export type AgingRow = z.infer<typeof agingRow>;

export const revenueRow = z.object({
  clientId: z.uuid(),
  clientName: z.string(),
  currency: z.string(),
  invoices: z.number().int(),
  net: minor,
  tax: minor,
  total: minor,
  totalInOrgCurrency: minor,
});
export type RevenueRow = z.infer<typeof revenueRow>;

export const paymentReceivedRow = z.object({
  id: z.uuid(),
  receivedOn: isoDate,
  kind: z.enum(['payment', 'refund']),
  amount: minor,
  currency: z.string(),
  method: z.string(),
  clientName: z.string(),
  documentNumber: z.string().nullable(),
});
export type PaymentReceivedRow = z.infer<typeof paymentReceivedRow>;

export const reportFormat = z.strictObject({
  format: z
    .enum(['json', 'csv', 'pdf'])
    .default('json')
    .describe('json for the app, csv for a spreadsheet, pdf to print (a plain table)'),
});
const period = reportFormat.extend({ from: isoDate, to: isoDate });
const fromBeforeTo = { path: ['to'], message: 'must not be before from' };
export const periodQuery = period.refine((q) => q.from <= q.to, fromBeforeTo);
export const ledgerPeriodQuery = period
  .extend({
    basis: z
      .enum(['issue', 'supply'])
      .default('issue')
      .describe(
        'which date puts a document in the period: its issue date, or its supply date (BT-72, else the end of its invoicing period BT-74, else its issue date)',
      ),
  })
  .refine((q) => q.from <= q.to, fromBeforeTo);

const pending = z
  .number()
  .int()
  .describe(
    'documents issued before the reports ledger existed that the worker has not yet added (the figures are complete at 0)',
  );

export const vatRow = z.object({
  currency: z.string(),
  category: vatCategory,
  rateBp: z.number().int().describe('basis points: 1900 = 19 %'),
  invoices: z.number().int(),
  creditNotes: z.number().int(),
  taxable: minor.describe('taxable amount (credit notes subtracted)'),
  tax: minor,
  taxableInOrgCurrency: minor,
  taxInOrgCurrency: minor,
});
export type VatRow = z.infer<typeof vatRow>;

/** The taxable amounts of a currency by what happens to their VAT, for the lines of a VAT return. */
export const vatTotals = z.object({
  currency: z.string(),
  taxable: minor,
  tax: minor,
  taxed: minor.describe('taxable amount with VAT charged (S, L, M)'),
  zeroRated: minor.describe('Z'),
  exempt: minor.describe('E: exempt from VAT'),
  reverseCharge: minor.describe('AE: the customer accounts for the VAT'),
  intraCommunity: minor.describe('K: intra-community supply'),
  export: minor.describe('G: export outside the EU'),
  outsideScope: minor.describe('O: not subject to VAT'),
});
export type VatTotals = z.infer<typeof vatTotals>;

export const vatReport = z.object({
  from: isoDate,
  to: isoDate,
  basis: z.enum(['issue', 'supply']),
  currency: z.string().describe('the organization’s currency (converted at each document’s exchange rate)'),
  rows: z.array(vatRow),
  totals: z.array(vatTotals).describe('per document currency'),
  totalInOrgCurrency: vatTotals,
  pending,
});
export type VatReport = z.infer<typeof vatReport>;

export const itemRevenueRow = z.object({
  itemId: z.uuid().nullable().describe('null: the free-text lines ("Other items")'),
  name: z.string().nullable(),
  currency: z.string(),
  lines: z.number().int(),
  quantity: z.string().describe('Σ quantities (credit notes subtracted), decimal'),
  net: minor.describe('net revenue: taxable amount after the document discount, without VAT'),
  netInOrgCurrency: minor,
});
export type ItemRevenueRow = z.infer<typeof itemRevenueRow>;

export const itemRevenueReport = z.object({
  from: isoDate,
  to: isoDate,
  basis: z.enum(['issue', 'supply']),
  currency: z.string(),
  rows: z.array(itemRevenueRow),
  pending,
});
export type ItemRevenueReport = z.infer<typeof itemRevenueReport>;
