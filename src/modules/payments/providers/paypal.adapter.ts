// PayPal Orders API v2 over fetch: OAuth 2.0 client credentials, create order (approval by
// redirect to PayPal), capture, refund, and webhook verification through PayPal's own
// verify-webhook-signature endpoint. Every write carries a PayPal-Request-Id so a retry never
// creates a second order, capture or refund.
import { sha256Hex } from '../../../platform/crypto/hash.ts';
import { z } from 'zod';
import { captureSchema, captureToPayment, orderSchema, parsePaypalEvent, toPaypalValue } from './paypal.events.ts';
import {
  checkApiUrl,
  ProviderError,
  type PaymentProvider,
  type ProviderAccount,
  type ProviderDefinition,
  type ProviderPayment,
  type WebhookVerification,
} from './provider.ts';

export const PAYPAL_TOLERANCE_MS = 5 * 60_000;
const BASE = { live: 'https://api-m.paypal.com', test: 'https://api-m.sandbox.paypal.com' } as const;

const settingsInput = z.strictObject({
  environment: z.enum(['sandbox', 'live']),
  clientId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{10,200}$/, 'must be the REST app client id'),
  clientSecret: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{10,200}$/, 'must be the REST app secret'),
  webhookId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{5,64}$/, 'must be the webhook id shown in the PayPal developer dashboard')
    .nullable()
    .default(null)
    .describe('leave out on the first connection, which returns the URL to register at PayPal'),
});

interface PaypalSecrets {
  clientId: string;
  clientSecret: string;
  webhookId: string | null;
}
type PaypalOptions = Record<string, never>;

/** A response that does not have the documented shape is a provider failure, not our bug. */
function shape<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ProviderError(`PayPal ${what}: unexpected response`);
  return r.data;
}

// Access tokens are cached per credentials (hash), in memory only, until shortly before expiry.
const tokenCache = new Map<string, { token: string; until: number }>();

export function createPaypalProvider(
  account: ProviderAccount<PaypalSecrets, PaypalOptions>,
  apiUrl: string | null,
): PaymentProvider {
  const base = (apiUrl ? checkApiUrl(apiUrl).origin : BASE[account.mode]).replace(/\/+$/, '');
  const { clientId, clientSecret, webhookId } = account.secrets;
  const cacheKey = sha256Hex(`${base}\n${clientId}\n${clientSecret}`);

  async function token(): Promise<string> {
    const hit = tokenCache.get(cacheKey);
    if (hit && hit.until > Date.now()) return hit.token;
    const res = await fetch(`${base}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(20_000),
    }).catch(() => null);
    if (!res || !res.ok) throw new ProviderError(`PayPal authentication failed${res ? ` (HTTP ${res.status})` : ''}`);
    const body = shape(
      z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() }),
      await res.json().catch(() => null),
      'authentication',
    );
    tokenCache.set(cacheKey, {
      token: body.access_token,
      until: Date.now() + Math.max(0, body.expires_in - 60) * 1000,
    });
    return body.access_token;
  }

  async function call(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    requestId?: string,
  ): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await token()}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(requestId ? { 'paypal-request-id': requestId } : {}),
        prefer: 'return=representation',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    }).catch(() => null);
    if (!res) throw new ProviderError(`PayPal ${what}: no response`);
    const json: unknown = await res.json().catch(() => null);
    return { status: res.status, json };
  }

  async function ok(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    requestId?: string,
  ): Promise<unknown> {
    const r = await call(what, method, path, body, requestId);
    if (r.status < 200 || r.status > 299) {
      // PayPal error bodies carry a name and a debug id, never payer data; keep only the name.
      const name = z.object({ name: z.string().max(80) }).safeParse(r.json);
      throw new ProviderError(`PayPal ${what} failed (HTTP ${r.status}${name.success ? `, ${name.data.name}` : ''})`);
    }
    return r.json;
  }

  async function orderPayment(orderId: string): Promise<ProviderPayment | null> {
    const order = shape(
      orderSchema,
      await ok('order lookup', 'GET', `/v2/checkout/orders/${encodeURIComponent(orderId)}`),
      'order lookup',
    );
    const unit = order.purchase_units[0]!;
    const capture = unit.payments?.captures?.[0];
    if (!capture) {
      if (!unit.amount) return null;
      return {
        paymentRef: order.id,
        orderRef: order.id,
        checkoutId: unit.custom_id ?? null,
        status: order.status === 'VOIDED' ? 'failed' : 'pending',
        amount: unit.amount.amount,
        amountRefunded: 0,
        currency: unit.amount.currency,
        fee: null,
        feeCurrency: null,
      };
    }
    const refunded = (unit.payments?.refunds ?? [])
      .filter((r) => r.status === 'COMPLETED')
      .reduce((n, r) => n + r.amount.amount, 0);
    return captureToPayment({ ...capture, custom_id: capture.custom_id ?? unit.custom_id ?? null }, order.id, refunded);
  }

  return {
    name: 'paypal',

    async createCheckout(req, { embedded }) {
      if (embedded) throw new ProviderError('PayPal has no embedded option here; use the redirect');
      const order = shape(
        orderSchema,
        await ok(
          'order creation',
          'POST',
          '/v2/checkout/orders',
          {
            intent: 'CAPTURE',
            purchase_units: [
              {
                reference_id: req.invoiceId,
                custom_id: req.checkoutId,
                description: `Invoice ${req.invoiceNumber}`.slice(0, 127),
                amount: { currency_code: req.currency, value: toPaypalValue(req.amount, req.currency) },
              },
            ],
            payment_source: {
              paypal: {
                experience_context: {
                  brand_name: req.orgName.slice(0, 127),
                  user_action: 'PAY_NOW',
                  shipping_preference: 'NO_SHIPPING',
                  return_url: req.successUrl,
                  cancel_url: req.cancelUrl,
                },
              },
            },
          },
          `sealbill-order-${req.checkoutId}`,
        ),
        'order creation',
      );
      const approve = order.links?.find((l) => l.rel === 'payer-action' || l.rel === 'approve');
      if (!approve) throw new ProviderError('PayPal returned no approval link');
      return { kind: 'redirect', providerRef: order.id, redirectUrl: approve.href };
    },

    async verifyWebhook(raw, headers, now): Promise<WebhookVerification> {
      const h = {
        transmission_id: headers['paypal-transmission-id'],
        transmission_time: headers['paypal-transmission-time'],
        transmission_sig: headers['paypal-transmission-sig'],
        cert_url: headers['paypal-cert-url'],
        auth_algo: headers['paypal-auth-algo'],
      };
      if (!webhookId || Object.values(h).some((v) => !v || v.length > 2048))
        return { ok: false, reason: 'bad_signature' };
      const sentAt = Date.parse(h.transmission_time!);
      // PayPal's verification does not look at age; we refuse anything outside ±5 minutes.
      if (!Number.isFinite(sentAt) || Math.abs(now.getTime() - sentAt) > PAYPAL_TOLERANCE_MS)
        return { ok: false, reason: 'stale' };
      let event: { id: string; event_type: string; resource: unknown };
      try {
        event = z
          .object({ id: z.string().min(1).max(255), event_type: z.string().min(1).max(100), resource: z.unknown() })
          .parse(JSON.parse(raw.toString('utf8')));
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      const res = await call('webhook verification', 'POST', '/v1/notifications/verify-webhook-signature', {
        ...h,
        webhook_id: webhookId,
        webhook_event: JSON.parse(raw.toString('utf8')),
      });
      if (res.status >= 500) throw new ProviderError(`PayPal webhook verification unavailable (HTTP ${res.status})`);
      const status = z.object({ verification_status: z.string() }).safeParse(res.json);
      if (res.status !== 200 || !status.success || status.data.verification_status !== 'SUCCESS')
        return { ok: false, reason: 'bad_signature' };
      const parsed = parsePaypalEvent(event.event_type, event.resource);
      if (!parsed) return { ok: false, reason: 'malformed' };
      return {
        ok: true,
        verified: { eventId: event.id, type: event.event_type, event: parsed },
        deliveryId: sha256Hex(`${h.transmission_id}\n${h.transmission_sig}`),
      };
    },

    async captureOrder(orderRef, checkoutId) {
      const r = await call(
        'capture',
        'POST',
        `/v2/checkout/orders/${encodeURIComponent(orderRef)}/capture`,
        {},
        `sealbill-capture-${checkoutId}`,
      );
      // Captured already (the return page and the APPROVED webhook race): read the order instead.
      if (r.status === 422) return orderPayment(orderRef);
      if (r.status < 200 || r.status > 299) throw new ProviderError(`PayPal capture failed (HTTP ${r.status})`);
      const order = shape(orderSchema, r.json, 'capture');
      const capture = order.purchase_units[0]?.payments?.captures?.[0];
      if (!capture) throw new ProviderError('PayPal capture returned no capture');
      return captureToPayment(
        { ...capture, custom_id: capture.custom_id ?? order.purchase_units[0]?.custom_id ?? null },
        order.id,
      );
    },

    async fetchPayment(paymentRef) {
      const c = shape(
        captureSchema,
        await ok('capture lookup', 'GET', `/v2/payments/captures/${encodeURIComponent(paymentRef)}`),
        'capture lookup',
      );
      return captureToPayment(c, null);
    },

    async refund(paymentRef, amount, currency, idempotencyKey) {
      const r = shape(
        z.object({ id: z.string().min(1), status: z.string() }),
        await ok(
          'refund',
          'POST',
          `/v2/payments/captures/${encodeURIComponent(paymentRef)}/refund`,
          { amount: { currency_code: currency, value: toPaypalValue(amount, currency) } },
          idempotencyKey,
        ),
        'refund',
      );
      if (r.status === 'FAILED' || r.status === 'CANCELLED')
        throw new ProviderError(`PayPal refused the refund (${r.status})`);
      return { refundRef: r.id, status: r.status === 'COMPLETED' ? 'succeeded' : 'pending' };
    },

    async acceptDispute(disputeRef) {
      await ok('dispute acceptance', 'POST', `/v1/customer/disputes/${encodeURIComponent(disputeRef)}/accept-claim`, {
        note: 'Accepted by the merchant in Sealbill',
      });
    },

    async chargeSavedMethod() {
      // Vaulted PayPal payment methods need PayPal's vault API and a billing agreement per payer;
      // Sealbill does not save PayPal payers, so there is nothing to charge.
      throw new ProviderError('PayPal: charging a saved payment method is not supported');
    },

    async describeSavedMethod() {
      throw new ProviderError('PayPal: saved payment methods are not supported');
    },

    async recentPayments(_since, knownOrderRefs) {
      // PayPal has no order listing; look up the orders we started instead.
      const out: ProviderPayment[] = [];
      for (const ref of knownOrderRefs.slice(0, 500)) {
        const p = await orderPayment(ref);
        if (p) out.push(p);
      }
      return out;
    },
  };
}

export const paypalDefinition: ProviderDefinition<typeof settingsInput, PaypalSecrets, PaypalOptions> = {
  name: 'paypal',
  settingsInput,
  split(input) {
    return {
      mode: input.environment === 'live' ? 'live' : 'test',
      secrets: { clientId: input.clientId, clientSecret: input.clientSecret, webhookId: input.webhookId },
      options: {},
      hint: `${input.environment} · ${input.clientId.slice(0, 6)}…${input.clientId.slice(-4)}`,
      webhookReady: input.webhookId !== null,
    };
  },
  publicOptions: () => ({ embedded: false, publishableKey: null }),
  create: (account, endpoints) => createPaypalProvider(account, endpoints.paypalApiUrl),
};
