// Maps a verified Stripe event to our whitelist (provider.ts ProviderEvent). Only ids, amounts,
// currencies and statuses are read; customer details, card details (brand, last4, fingerprint),
// metadata other than our own ids, and everything else in the payload are dropped here.
// Subscribed events: see README "Connecting Stripe".
import { z } from 'zod';
import { isCurrency } from '../../../shared/money/currency.ts';
import { fromStripeAmount } from './stripe.amounts.ts';
import type { ProviderEvent } from './provider.ts';

const id = z.string().min(1).max(255);
const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const currency = z
  .string()
  .transform((c) => c.toUpperCase())
  .refine(isCurrency);
const ourMeta = z.object({ sealbill_checkout: id.optional(), sealbill_off_session: z.string().optional() }).nullish();
const idOrObject = z.union([id, z.object({ id })]).transform((v) => (typeof v === 'string' ? v : v.id));

const session = z.object({
  id,
  payment_status: z.string(),
  amount_total: amount.nullable(),
  currency: currency.nullable(),
  payment_intent: idOrObject.nullable(),
  client_reference_id: id.nullish(),
  metadata: ourMeta,
});
const intent = z.object({
  id,
  amount_received: amount,
  currency,
  metadata: ourMeta,
  // Set when the payer saved the method (setup_future_usage=off_session): the refs, nothing else.
  customer: idOrObject.nullish(),
  payment_method: idOrObject.nullish(),
  setup_future_usage: z.string().nullish(),
});
const refund = z.object({ id, amount, currency, status: z.string().nullable(), payment_intent: idOrObject.nullable() });
const dispute = z.object({
  id,
  amount,
  currency,
  reason: z.string().max(100).default('general'),
  status: z.string(),
  payment_intent: idOrObject.nullable(),
});

function checkoutIdOf(s: z.infer<typeof session>): string | null {
  return s.metadata?.sealbill_checkout ?? s.client_reference_id ?? null;
}

/** null: the payload does not have the shape the event type promises (refused as malformed). */
export function parseStripeEvent(type: string, object: unknown): ProviderEvent | null {
  switch (type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const s = session.safeParse(object);
      if (!s.success) return null;
      // Completed but unpaid: an asynchronous method (e.g. SEPA debit) is still clearing.
      if (
        s.data.payment_status !== 'paid' ||
        !s.data.payment_intent ||
        s.data.amount_total === null ||
        !s.data.currency
      )
        return { kind: 'ignored' };
      return {
        kind: 'payment_succeeded',
        checkoutId: checkoutIdOf(s.data),
        paymentRef: s.data.payment_intent,
        orderRef: s.data.id,
        amount: fromStripeAmount(s.data.amount_total, s.data.currency),
        currency: s.data.currency,
      };
    }
    case 'checkout.session.expired':
    case 'checkout.session.async_payment_failed': {
      const s = session.safeParse(object);
      if (!s.success) return null;
      return {
        kind: 'checkout_closed',
        checkoutId: checkoutIdOf(s.data),
        orderRef: s.data.id,
        status: type.endsWith('expired') ? 'expired' : 'failed',
      };
    }
    case 'payment_intent.succeeded': {
      const p = intent.safeParse(object);
      if (!p.success) return null;
      // Payments not started by Sealbill (the account may serve other systems) are not ours.
      if (!p.data.metadata?.sealbill_checkout) return { kind: 'ignored' };
      return {
        kind: 'payment_succeeded',
        checkoutId: p.data.metadata.sealbill_checkout,
        paymentRef: p.data.id,
        orderRef: null,
        amount: fromStripeAmount(p.data.amount_received, p.data.currency),
        currency: p.data.currency,
        savedMethod:
          p.data.setup_future_usage === 'off_session' && p.data.customer && p.data.payment_method
            ? { customerRef: p.data.customer, paymentMethodRef: p.data.payment_method }
            : null,
      };
    }
    case 'payment_intent.payment_failed': {
      // Only our off-session charges: a payer on a Checkout page may fail once and try another
      // card, so there the session's own events decide. An off-session debit that fails (SEPA,
      // days after it was submitted) has no one to retry it.
      const p = intent.safeParse(object);
      if (!p.success) return null;
      const checkoutId = p.data.metadata?.sealbill_checkout;
      if (!checkoutId || p.data.metadata?.sealbill_off_session !== '1') return { kind: 'ignored' };
      return { kind: 'checkout_closed', checkoutId, orderRef: p.data.id, status: 'failed' };
    }
    case 'refund.created':
    case 'refund.updated': {
      const r = refund.safeParse(object);
      if (!r.success) return null;
      if (!r.data.payment_intent) return { kind: 'ignored' };
      const base = {
        paymentRef: r.data.payment_intent,
        refundRef: r.data.id,
        amount: fromStripeAmount(r.data.amount, r.data.currency),
        currency: r.data.currency,
      };
      if (r.data.status === 'succeeded') return { kind: 'refunded', ...base };
      if (r.data.status === 'failed' || r.data.status === 'canceled') return { kind: 'refund_failed', ...base };
      return { kind: 'ignored' };
    }
    case 'charge.dispute.created':
    case 'charge.dispute.closed': {
      const d = dispute.safeParse(object);
      if (!d.success) return null;
      if (!d.data.payment_intent) return { kind: 'ignored' };
      const base = {
        paymentRef: d.data.payment_intent,
        disputeRef: d.data.id,
        amount: fromStripeAmount(d.data.amount, d.data.currency),
        currency: d.data.currency,
      };
      if (type === 'charge.dispute.created')
        return {
          kind: 'dispute_opened',
          ...base,
          reason: d.data.reason.replace(/[^a-z_]/gi, '').slice(0, 60) || 'general',
        };
      return { kind: 'dispute_closed', ...base, outcome: d.data.status === 'lost' ? 'lost' : 'won' };
    }
    default:
      return { kind: 'ignored' };
  }
}
