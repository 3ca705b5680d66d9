import { z } from 'zod';
import { isoDate } from '../../platform/http/schemas.ts';
import { lineText } from '../../platform/http/text-guard.ts';

export const PAYMENT_METHODS = [
  'bank_transfer',
  'cash',
  'cheque',
  'card',
  'stripe',
  'paypal',
  'client_credit',
  'other',
] as const;

export const paymentInput = z.strictObject({
  amount: z.number().int().min(1).max(1e13).describe('minor units of the invoice currency'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional()
    .describe('defaults to, and must equal, the invoice currency'),
  method: z.enum(PAYMENT_METHODS).default('bank_transfer'),
  receivedOn: isoDate.optional(),
  // Printed on the signed receipt: one line, no bank details (text-guard.ts).
  reference: lineText(200, { printed: true }).nullable().default(null),
});
export type PaymentInput = z.input<typeof paymentInput>;

export const refundInput = z.strictObject({
  amount: z.number().int().min(1).max(1e13),
  method: z.enum(PAYMENT_METHODS).default('bank_transfer'),
  receivedOn: isoDate.optional(),
  reference: lineText(200, { printed: true }).nullable().default(null),
});

export const paymentSchema = z.object({
  id: z.string(),
  invoiceId: z.string(),
  clientId: z.string(),
  kind: z.enum(['payment', 'refund']),
  amount: z.number(),
  appliedAmount: z.number().describe('part of the amount applied to the invoice; the rest became client credit'),
  currency: z.string(),
  method: z.string(),
  reference: z.string().nullable(),
  receivedOn: z.string(),
  provider: z.string().nullable(),
  providerRef: z.string().nullable(),
  fee: z.number().nullable().describe('provider fee in minor units of feeCurrency'),
  feeCurrency: z.string().nullable(),
  relatedPaymentId: z.string().nullable().describe('for a refund: the payment it reverses'),
  hasReceipt: z.boolean(),
  createdAt: z.string(),
});
export type Payment = z.infer<typeof paymentSchema>;

export const creditBalanceSchema = z.object({
  clientId: z.string(),
  balances: z.array(z.object({ currency: z.string(), amount: z.number() })),
});

/** The staff-wide payments list (GET /api/v1/payments): sorts as the documents lists spell them. */
export const PAYMENT_SORTS = ['date', '-date', 'amount', '-amount'] as const;
/** A payment's state from its refunds; a refund's is always paid_out. */
export const PAYMENT_STATUSES = ['received', 'partially_refunded', 'refunded', 'paid_out'] as const;
export const paymentListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  clientId: z.uuid().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  from: isoDate.optional().describe('received (or paid out) on or after'),
  to: isoDate.optional().describe('received (or paid out) on or before'),
  method: z.enum(PAYMENT_METHODS).optional(),
  kind: z.enum(['payment', 'refund']).optional().describe('payments received, or refunds paid out; both by default'),
  status: z
    .enum(PAYMENT_STATUSES)
    .optional()
    .describe('payments not refunded (received), partly or wholly refunded; paid_out: the refunds'),
  sort: z
    .enum(PAYMENT_SORTS)
    .default('-date')
    .describe(
      'date: the day received (or paid out); amount: within each currency (currencies in code order), by amount',
    ),
});
export type PaymentListQuery = z.infer<typeof paymentListQuery>;

export const paymentListItemSchema = z.object({
  id: z.string(),
  kind: z.enum(['payment', 'refund']),
  date: z.string().describe('the day the money was received (a refund: paid out)'),
  amount: z.number().describe('minor units of currency'),
  currency: z.string(),
  method: z.string(),
  provider: z.string().nullable(),
  status: z
    .enum(PAYMENT_STATUSES)
    .describe('a payment: received, partially_refunded or refunded (from its refunds); a refund: paid_out'),
  refundedAmount: z.number().describe('a payment: the amount refunded against it so far; a refund: 0'),
  invoiceId: z.string(),
  invoiceNumber: z.string().nullable(),
  clientId: z.string(),
  clientName: z.string(),
});
export type PaymentListItem = z.infer<typeof paymentListItemSchema>;
