// PayPal amounts and webhook events, mapped to our whitelist (provider.ts). PayPal sends decimal
// strings ("12.34"); they are parsed exactly into minor units (never through a float). HUF, TWD
// and JPY take no decimals at PayPal (https://developer.paypal.com/api/rest/reference/currency-codes/).
import { z } from 'zod';
import { isCurrency } from '../../../shared/money/currency.ts';
import { formatAmount, parseAmount } from '../../../shared/money/money.ts';
import { ProviderError, type ProviderEvent, type ProviderPayment } from './provider.ts';

const NO_DECIMALS = new Set(['HUF', 'TWD']);

export function toPaypalValue(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor) || minor <= 0)
    throw new ProviderError('amount must be a positive integer of minor units');
  if (NO_DECIMALS.has(currency)) {
    if (minor % 100 !== 0) throw new ProviderError(`PayPal cannot charge ${currency} amounts with decimals`);
    return String(minor / 100);
  }
  return formatAmount(minor, currency);
}

export const paypalMoney = z
  .object({ currency_code: z.string().refine(isCurrency), value: z.string().regex(/^\d{1,15}(\.\d{1,4})?$/) })
  .transform((m, ctx) => {
    try {
      return { currency: m.currency_code, amount: parseAmount(m.value, m.currency_code) };
    } catch {
      ctx.addIssue({ code: 'custom', message: 'amount has more decimals than its currency' });
      return z.NEVER;
    }
  });

const id = z.string().min(1).max(255);

export const captureSchema = z.object({
  id,
  status: z.string(),
  amount: paypalMoney,
  custom_id: z.string().max(255).nullish(),
  seller_receivable_breakdown: z.object({ paypal_fee: paypalMoney.optional() }).nullish(),
  supplementary_data: z.object({ related_ids: z.object({ order_id: id.optional() }).optional() }).nullish(),
});
export type PaypalCapture = z.infer<typeof captureSchema>;

export function captureToPayment(c: PaypalCapture, orderRef: string | null, amountRefunded = 0): ProviderPayment {
  const fee = c.seller_receivable_breakdown?.paypal_fee ?? null;
  return {
    paymentRef: c.id,
    orderRef: orderRef ?? c.supplementary_data?.related_ids?.order_id ?? null,
    checkoutId: c.custom_id ?? null,
    status:
      c.status === 'COMPLETED' || c.status === 'PARTIALLY_REFUNDED' || c.status === 'REFUNDED'
        ? 'succeeded'
        : c.status === 'PENDING'
          ? 'pending'
          : 'failed',
    amount: c.amount.amount,
    amountRefunded,
    currency: c.amount.currency,
    fee: fee?.amount ?? null,
    feeCurrency: fee?.currency ?? null,
  };
}

export const orderSchema = z.object({
  id,
  status: z.string(),
  purchase_units: z
    .array(
      z.object({
        custom_id: z.string().max(255).nullish(),
        amount: paypalMoney.optional(),
        payments: z
          .object({
            captures: z.array(captureSchema).optional(),
            refunds: z.array(z.object({ amount: paypalMoney, status: z.string() })).optional(),
          })
          .nullish(),
      }),
    )
    .min(1),
  links: z.array(z.object({ rel: z.string(), href: z.string() })).optional(),
});

const refundResource = z.object({
  id,
  status: z.string().optional(),
  amount: paypalMoney,
  links: z.array(z.object({ rel: z.string(), href: z.string() })).default([]),
});
const disputeResource = z.object({
  dispute_id: id,
  reason: z.string().max(100).default('OTHER'),
  dispute_amount: paypalMoney,
  disputed_transactions: z.array(z.object({ seller_transaction_id: id.optional() })).default([]),
  dispute_outcome: z.object({ outcome_code: z.string() }).nullish(),
});
const approvedOrder = z.object({
  id,
  purchase_units: z.array(z.object({ custom_id: z.string().max(255).nullish() })).default([]),
});

/** The capture a refund belongs to: its "up" link ends in /captures/{id}. */
function captureIdFromLinks(links: Array<{ rel: string; href: string }>): string | null {
  const up = links.find((l) => l.rel === 'up' && /\/captures\/[^/]+$/.test(l.href));
  return up ? up.href.slice(up.href.lastIndexOf('/') + 1) : null;
}

/** null: the resource does not have the shape the event type promises. */
export function parsePaypalEvent(type: string, resource: unknown): ProviderEvent | null {
  switch (type) {
    case 'CHECKOUT.ORDER.APPROVED': {
      const o = approvedOrder.safeParse(resource);
      if (!o.success) return null;
      return { kind: 'order_approved', orderRef: o.data.id, checkoutId: o.data.purchase_units[0]?.custom_id ?? null };
    }
    case 'PAYMENT.CAPTURE.COMPLETED': {
      const c = captureSchema.safeParse(resource);
      if (!c.success) return null;
      if (c.data.status !== 'COMPLETED') return { kind: 'ignored' };
      const p = captureToPayment(c.data, null);
      return {
        kind: 'payment_succeeded',
        checkoutId: p.checkoutId,
        paymentRef: p.paymentRef,
        orderRef: p.orderRef,
        amount: p.amount,
        currency: p.currency,
      };
    }
    case 'PAYMENT.CAPTURE.DENIED':
    case 'PAYMENT.CAPTURE.DECLINED': {
      const c = captureSchema.safeParse(resource);
      if (!c.success) return null;
      const orderRef = c.data.supplementary_data?.related_ids?.order_id;
      return orderRef
        ? { kind: 'checkout_closed', checkoutId: c.data.custom_id ?? null, orderRef, status: 'failed' }
        : { kind: 'ignored' };
    }
    case 'PAYMENT.CAPTURE.REFUNDED':
    case 'PAYMENT.CAPTURE.REVERSED': {
      const r = refundResource.safeParse(resource);
      if (!r.success) return null;
      const captureId = captureIdFromLinks(r.data.links);
      if (!captureId) return { kind: 'ignored' };
      if (r.data.status && r.data.status !== 'COMPLETED') return { kind: 'ignored' };
      return {
        kind: 'refunded',
        paymentRef: captureId,
        refundRef: r.data.id,
        amount: r.data.amount.amount,
        currency: r.data.amount.currency,
      };
    }
    case 'CUSTOMER.DISPUTE.CREATED':
    case 'CUSTOMER.DISPUTE.RESOLVED': {
      const d = disputeResource.safeParse(resource);
      if (!d.success) return null;
      const paymentRef = d.data.disputed_transactions.find((t) => t.seller_transaction_id)?.seller_transaction_id;
      if (!paymentRef) return { kind: 'ignored' };
      const base = {
        paymentRef,
        disputeRef: d.data.dispute_id,
        amount: d.data.dispute_amount.amount,
        currency: d.data.dispute_amount.currency,
      };
      if (type === 'CUSTOMER.DISPUTE.CREATED')
        return {
          kind: 'dispute_opened',
          ...base,
          reason: d.data.reason.replace(/[^a-z_]/gi, '').slice(0, 60) || 'OTHER',
        };
      return {
        kind: 'dispute_closed',
        ...base,
        outcome: d.data.dispute_outcome?.outcome_code === 'RESOLVED_SELLER_FAVOUR' ? 'won' : 'lost',
      };
    }
    default:
      return { kind: 'ignored' };
  }
}
