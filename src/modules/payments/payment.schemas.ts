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
