// Stripe, through the official SDK. Checkout Session by full redirect is the default: the payer
// enters card data on checkout.stripe.com only, which keeps the merchant within SAQ A. The
// Payment Element (Stripe's iframe on our page) is an opt-in per org. Webhooks are verified with
// the SDK's constructEvent and a 5-minute tolerance measured against our injected clock.
import { sha256Hex } from '../../../platform/crypto/hash.ts';
// The SDK is imported on first use: a process (or test) without a Stripe account never loads it.
import type Stripe from 'stripe';
import { z } from 'zod';
import {
  checkApiUrl,
  ProviderError,
  type CheckoutRequest,
  type CheckoutStart,
  type PaymentProvider,
  type ProviderAccount,
  type ProviderDefinition,
  type ProviderEvent,
  type ProviderPayment,
  type SavedMethodChargeResult,
  type WebhookVerification,
} from './provider.ts';
import { fromStripeAmount, toStripeAmount } from './stripe.amounts.ts';
import { parseStripeEvent } from './stripe.events.ts';

export const STRIPE_TOLERANCE_SECONDS = 300;

const settingsInput = z
  .strictObject({
    secretKey: z
      .string()
      .trim()
      .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,200}$/, 'must be a Stripe secret or restricted key (sk_… / rk_…)'),
    webhookSecret: z
      .string()
      .trim()
      .regex(/^whsec_[A-Za-z0-9+/=]{8,200}$/, 'must be the endpoint signing secret (whsec_…)')
      .nullable()
      .default(null)
      .describe(
        'the signing secret of the webhook endpoint; leave out on the first connection, which returns the endpoint URL',
      ),
    publishableKey: z
      .string()
      .trim()
      .regex(/^pk_(test|live)_[A-Za-z0-9]{8,200}$/, 'must be a publishable key (pk_…)')
      .nullable()
      .default(null),
    embedded: z
      .boolean()
      .default(false)
      .describe("offer the Stripe Payment Element on the pay page (adds js.stripe.com to that page's CSP)"),
  })
  .refine((s) => !s.embedded || s.publishableKey !== null, {
    message: 'the embedded option needs the publishable key',
    path: ['publishableKey'],
  })
  .refine((s) => s.publishableKey === null || s.publishableKey.includes('_test_') === s.secretKey.includes('_test_'), {
    message: 'publishable and secret key must both be test or both live',
    path: ['publishableKey'],
  });

interface StripeSecrets {
  secretKey: string;
  webhookSecret: string | null;
}
interface StripeOptions {
  publishableKey: string | null;
  embedded: boolean;
}

const metadataOf = (req: CheckoutRequest) => ({
  sealbill_checkout: req.checkoutId,
  sealbill_invoice: req.invoiceId,
  sealbill_org: req.orgId,
});

async function stripeClient(secretKey: string, base: URL | null): Promise<Stripe> {
  const { default: Stripe } = await import('stripe');
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'Sealbill' },
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}

interface ExpandedIntent {
  id: string;
  status: string;
  amount: number;
  amount_received: number;
  currency: string;
  metadata?: Record<string, string> | null;
  latest_charge?:
    | string
    | { amount_refunded?: number; balance_transaction?: string | { fee: number; currency: string } | null }
    | null;
}

function toPayment(pi: ExpandedIntent): ProviderPayment {
  const currency = pi.currency.toUpperCase();
  const charge = typeof pi.latest_charge === 'object' && pi.latest_charge ? pi.latest_charge : null;
  const bt = charge && typeof charge.balance_transaction === 'object' ? charge.balance_transaction : null;
  return {
    paymentRef: pi.id,
    orderRef: null,
    checkoutId: pi.metadata?.sealbill_checkout ?? null,
    status: pi.status === 'succeeded' ? 'succeeded' : pi.status === 'canceled' ? 'failed' : 'pending',
    amount: fromStripeAmount(pi.status === 'succeeded' ? pi.amount_received : pi.amount, currency),
    amountRefunded: fromStripeAmount(charge?.amount_refunded ?? 0, currency),
    currency,
    fee: bt ? fromStripeAmount(bt.fee, bt.currency.toUpperCase()) : null,
    feeCurrency: bt ? bt.currency.toUpperCase() : null,
  };
}

function wrap<T>(what: string, p: Promise<T>): Promise<T> {
  return p.catch((err: unknown) => {
    // Stripe error messages never carry card data, but keep only the type and code anyway.
    const e = err as { type?: string; code?: string; statusCode?: number };
    throw new ProviderError(
      `Stripe ${what} failed (${e.type ?? 'error'}${e.code ? `/${e.code}` : ''}${e.statusCode ? `, HTTP ${e.statusCode}` : ''})`,
    );
  });
}

export function createStripeProvider(
  account: ProviderAccount<StripeSecrets, StripeOptions>,
  apiUrl: string | null,
): PaymentProvider {
  const base = apiUrl ? checkApiUrl(apiUrl) : null;
  let client: Promise<Stripe> | undefined;
  const sdk = () => (client ??= stripeClient(account.secrets.secretKey, base));
  const { webhookSecret } = account.secrets;

  return {
    name: 'stripe',

    async createCheckout(req, { embedded }): Promise<CheckoutStart> {
      const stripe = await sdk();
      const amount = toStripeAmount(req.amount, req.currency);
      const metadata = metadataOf(req);
      const description = `Invoice ${req.invoiceNumber}`;
      if (embedded) {
        if (!account.options.embedded || !account.options.publishableKey)
          throw new ProviderError('The embedded Stripe option is not enabled');
        if (req.saveMethod) throw new ProviderError('Saving a payment method needs the Stripe-hosted checkout');
        const pi = await wrap(
          'payment intent',
          stripe.paymentIntents.create(
            {
              amount,
              currency: req.currency.toLowerCase(),
              automatic_payment_methods: { enabled: true },
              metadata,
              description,
            },
            { idempotencyKey: `sealbill-pi-${req.checkoutId}` },
          ),
        );
        if (!pi.client_secret) throw new ProviderError('Stripe returned no client secret');
        return {
          kind: 'embedded',
          providerRef: pi.id,
          clientSecret: pi.client_secret,
          publishableKey: account.options.publishableKey,
        };
      }
      const session = await wrap(
        'checkout session',
        stripe.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: req.currency.toLowerCase(),
                  unit_amount: amount,
                  product_data: { name: `${description} · ${req.orgName}`.slice(0, 250) },
                },
              },
            ],
            client_reference_id: req.checkoutId,
            metadata,
            // Saving for later: Stripe shows its own consent wording for off-session use, keeps
            // the method on a customer created for this payer, and the webhook's PaymentIntent
            // names both (https://docs.stripe.com/payments/checkout/save-during-payment).
            ...(req.saveMethod ? { customer_creation: 'always' as const } : {}),
            payment_intent_data: {
              metadata,
              description,
              ...(req.saveMethod ? { setup_future_usage: 'off_session' as const } : {}),
            },
            success_url: req.successUrl,
            cancel_url: req.cancelUrl,
            expires_at: Math.floor(req.expiresAt.getTime() / 1000),
          },
          { idempotencyKey: `sealbill-cs-${req.checkoutId}` },
        ),
      );
      if (!session.url) throw new ProviderError('Stripe returned no checkout URL');
      return { kind: 'redirect', providerRef: session.id, redirectUrl: session.url };
    },

    async verifyWebhook(raw, headers, now): Promise<WebhookVerification> {
      const header = headers['stripe-signature'];
      if (!webhookSecret || !header || header.length > 2048) return { ok: false, reason: 'bad_signature' };
      const stripe = await sdk();
      let event: { id: string; type: string; data: { object: unknown } };
      try {
        event = stripe.webhooks.constructEvent(
          raw,
          header,
          webhookSecret,
          STRIPE_TOLERANCE_SECONDS,
          undefined,
          now.getTime(),
        ) as unknown as typeof event;
      } catch (err) {
        if (err instanceof stripe.errors.StripeSignatureVerificationError && /tolerance/i.test(err.message))
          return { ok: false, reason: 'stale' };
        return { ok: false, reason: 'bad_signature' };
      }
      // constructEvent only refuses old timestamps; a signature dated in the future is as suspect.
      const t = Number(/(?:^|,)\s*t=(\d{1,12})(?:,|$)/.exec(header)?.[1]);
      if (!Number.isFinite(t) || t * 1000 - now.getTime() > STRIPE_TOLERANCE_SECONDS * 1000)
        return { ok: false, reason: 'stale' };
      const parsed: ProviderEvent | null = parseStripeEvent(event.type, event.data?.object);
      if (!parsed || typeof event.id !== 'string' || event.id.length > 255) return { ok: false, reason: 'malformed' };
      return {
        ok: true,
        verified: { eventId: event.id, type: String(event.type).slice(0, 100), event: parsed },
        deliveryId: sha256Hex(header),
      };
    },

    async captureOrder() {
      return null;
    },

    async fetchPayment(paymentRef) {
      const stripe = await sdk();
      const pi = await wrap(
        'payment lookup',
        stripe.paymentIntents.retrieve(paymentRef, { expand: ['latest_charge.balance_transaction'] }),
      );
      return toPayment(pi as unknown as ExpandedIntent);
    },

    async refund(paymentRef, amount, currency, idempotencyKey) {
      const stripe = await sdk();
      const r = await wrap(
        'refund',
        stripe.refunds.create(
          { payment_intent: paymentRef, amount: toStripeAmount(amount, currency), metadata: { sealbill: '1' } },
          { idempotencyKey },
        ),
      );
      if (r.status === 'failed' || r.status === 'canceled')
        throw new ProviderError(`Stripe refused the refund (${r.status})`);
      return { refundRef: r.id, status: r.status === 'succeeded' ? 'succeeded' : 'pending' };
    },

    async acceptDispute(disputeRef) {
      const stripe = await sdk();
      await wrap('dispute close', stripe.disputes.close(disputeRef));
    },

    // Stripe's off-session PaymentIntent (https://docs.stripe.com/payments/save-and-reuse: confirm
    // with off_session=true). A decline or an authentication request answers 402 with a card
    // error naming the PaymentIntent; those are outcomes, anything else is a ProviderError.
    async chargeSavedMethod(req): Promise<SavedMethodChargeResult> {
      const stripe = await sdk();
      const currency = req.currency.toUpperCase();
      try {
        const pi = await stripe.paymentIntents.create(
          {
            amount: toStripeAmount(req.amount, currency),
            currency: req.currency.toLowerCase(),
            customer: req.customerRef,
            payment_method: req.paymentMethodRef,
            off_session: true,
            confirm: true,
            // sealbill_checkout: the webhook books it like a paid checkout (once, with our own booking).
            metadata: {
              sealbill_checkout: req.checkoutId,
              sealbill_invoice: req.invoiceId,
              sealbill_org: req.orgId,
              sealbill_off_session: '1',
            },
            description: `Invoice ${req.invoiceNumber}`,
          },
          { idempotencyKey: `sealbill-off-session-${req.idempotencyKey}` },
        );
        if (pi.status === 'succeeded')
          return {
            status: 'succeeded',
            paymentRef: pi.id,
            amount: fromStripeAmount(pi.amount_received, currency),
            currency,
          };
        if (pi.status === 'processing') return { status: 'processing', paymentRef: pi.id };
        if (pi.status === 'requires_action') return { status: 'authentication_required', paymentRef: pi.id };
        return { status: 'declined', paymentRef: pi.id, code: pi.status };
      } catch (err) {
        const e = err as { type?: string; rawType?: string; code?: string; payment_intent?: { id?: string } };
        if (e.type !== 'StripeCardError' && e.rawType !== 'card_error')
          return wrap('off-session charge', Promise.reject(err));
        const paymentRef = e.payment_intent?.id ?? null;
        if (e.code === 'authentication_required') return { status: 'authentication_required', paymentRef };
        return { status: 'declined', paymentRef, code: e.code ?? 'card_declined' };
      }
    },

    async describeSavedMethod(customerRef, paymentMethodRef) {
      const stripe = await sdk();
      const pm = (await wrap('payment method lookup', stripe.paymentMethods.retrieve(paymentMethodRef))) as unknown as {
        type: string;
        customer?: string | { id: string } | null;
        card?: { brand?: string; last4?: string } | null;
        sepa_debit?: { country?: string | null; last4?: string | null } | null;
      };
      const owner = typeof pm.customer === 'string' ? pm.customer : (pm.customer?.id ?? null);
      if (owner !== customerRef) return null;
      const last4 = (v: string | null | undefined) => (v ?? '').replace(/[^0-9]/g, '').slice(-4);
      if (pm.type === 'card' && pm.card) {
        const brand = (pm.card.brand ?? 'card').replace(/[^a-z_]/gi, '').slice(0, 20);
        const name = brand === 'amex' ? 'American Express' : brand.charAt(0).toUpperCase() + brand.slice(1);
        return { kind: 'card', label: `${name} •••• ${last4(pm.card.last4)}` };
      }
      if (pm.type === 'sepa_debit' && pm.sepa_debit) {
        const country = (pm.sepa_debit.country ?? '').replace(/[^A-Z]/g, '').slice(0, 2);
        return { kind: 'sepa_debit', label: `SEPA ${country} •••• ${last4(pm.sepa_debit.last4)}`.replace('  ', ' ') };
      }
      return null;
    },

    recentPayments(since) {
      return wrap(
        'payment listing',
        (async () => {
          const out: ProviderPayment[] = [];
          const list = (await sdk()).paymentIntents.list({
            created: { gte: Math.floor(since.getTime() / 1000) },
            limit: 100,
            expand: ['data.latest_charge.balance_transaction'],
          });
          // Bounded: reconciliation looks at a recent window, not the whole account history.
          for await (const pi of list) {
            const p = toPayment(pi as unknown as ExpandedIntent);
            if (p.checkoutId) out.push(p);
            if (out.length >= 2000) break;
          }
          return out;
        })(),
      );
    },
  };
}

export const stripeDefinition: ProviderDefinition<typeof settingsInput, StripeSecrets, StripeOptions> = {
  name: 'stripe',
  settingsInput,
  split(input) {
    return {
      mode: input.secretKey.includes('_test_') ? 'test' : 'live',
      secrets: { secretKey: input.secretKey, webhookSecret: input.webhookSecret },
      options: { publishableKey: input.publishableKey, embedded: input.embedded },
      hint: `${input.secretKey.slice(0, 8)}…${input.secretKey.slice(-4)}`,
      webhookReady: input.webhookSecret !== null,
    };
  },
  publicOptions: (o) => ({ embedded: o.embedded, publishableKey: o.embedded ? o.publishableKey : null }),
  create: (account, endpoints) => createStripeProvider(account, endpoints.stripeApiUrl),
};
