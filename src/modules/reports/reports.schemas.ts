import { z } from 'zod';
import { isoDate } from '../../platform/http/schemas.ts';

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

export const reportFormat = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });
export const periodQuery = reportFormat
  .extend({ from: isoDate, to: isoDate })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' });
