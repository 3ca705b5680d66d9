// A local HTTP server on loopback that speaks the subset of the Stripe API Sealbill uses, for the
// real `stripe` SDK (new Stripe(key, { host: '127.0.0.1', port, protocol: 'http' })). It checks
// the secret key, honours Idempotency-Key, decodes Stripe's bracketed form encoding, and lets a
// test play the payer and Stripe's side: complete a Checkout Session, refund, dispute, and build
// events signed with the SDK's own generateTestHeaderString.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

type Obj = Record<string, any>;

/** Decodes `a[b][0][c]=v` form encoding into nested objects and arrays. */
export function decodeStripeForm(body: string): Obj {
  const out: Obj = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: any = out;
    path.forEach((k, i) => {
      if (i === path.length - 1) node[k] = value;
      else node = node[k] ??= /^\d+$/.test(path[i + 1]!) ? [] : {};
    });
  }
  return out;
}

const rid = (prefix: string) => `${prefix}_test_${randomBytes(12).toString('hex')}`;

export interface FakeStripe {
  url: string;
  port: number;
  secretKey: string;
  webhookSecret: string;
  publishableKey: string;
  requests: Array<{ method: string; path: string; body: Obj }>;
  sessions: Map<string, Obj>;
  intents: Map<string, Obj>;
  /** Saved payment methods by id (pm_card_visa…, pm_sepa_debit…), each on its customer. */
  paymentMethods: Map<string, Obj>;
  /**
   * Fault injection for the next N API requests: 'error' answers 500 api_error (not processed, not
   * remembered under the idempotency key, Stripe-Should-Retry: false); 'drop' processes the
   * request, remembers it, then closes the connection without answering (a network failure after
   * Stripe acted).
   */
  faults: { mode: 'error' | 'drop'; count: number } | null;
  /** Creates a Stripe client the way Sealbill does, for contract tests. */
  client(): Stripe;
  /**
   * The payer completes Checkout: returns checkout.session.completed and payment_intent.succeeded
   * events. A session created with setup_future_usage saves the method: `paymentMethod` picks its
   * behaviour later (a prefix: pm_card_visa, pm_card_authenticationRequired, pm_card_chargeDeclined,
   * pm_sepa_debit); the saved method's id is that prefix plus a random suffix.
   */
  completeSession(
    sessionId: string,
    opts?: { amountReceived?: number; fee?: number; paymentMethod?: string },
  ): {
    completed: Obj;
    succeeded: Obj;
    paymentIntentId: string;
    customerId: string | null;
    paymentMethodId: string | null;
  };
  /** The payer confirms the Payment Element: returns payment_intent.succeeded. */
  succeedIntent(paymentIntentId: string): Obj;
  /** A processing debit fails (the bank returns it): returns payment_intent.payment_failed. */
  failIntent(paymentIntentId: string): Obj;
  /** The merchant refunds in the Stripe dashboard: returns refund.created. */
  refund(paymentIntentId: string, amount: number): Obj;
  dispute(
    paymentIntentId: string,
    amount: number,
    status?: 'needs_response' | 'lost' | 'won',
  ): { created: Obj; closed: Obj; disputeId: string };
  event(type: string, object: Obj): Obj;
  /** Serializes an event and signs it like Stripe (t= defaults to now). */
  signed(event: Obj, opts?: { timestamp?: number; secret?: string }): { body: string; header: string };
  close(): Promise<void>;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const secretKey = `sk_test_${randomBytes(16).toString('hex')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')}`;
  const publishableKey = `pk_test_${randomBytes(16).toString('hex')}`;
  const requests: FakeStripe['requests'] = [];
  const sessions = new Map<string, Obj>();
  const intents = new Map<string, Obj>();
  const paymentMethods = new Map<string, Obj>();
  const charges = new Map<string, Obj>();
  const balance = new Map<string, Obj>();
  const disputes = new Map<string, Obj>();
  const idempotent = new Map<string, { status: number; body: Obj }>();
  let base = '';

  const error = (status: number, type: string, message: string) => ({ status, body: { error: { type, message } } });

  function expandIntent(pi: Obj, expand: string[]): Obj {
    if (!expand.some((e) => e.endsWith('latest_charge.balance_transaction')) || !pi.latest_charge) return pi;
    const ch = charges.get(pi.latest_charge)!;
    return { ...pi, latest_charge: { ...ch, balance_transaction: balance.get(ch.balance_transaction) } };
  }

  /** A succeeded charge (with its balance transaction and fee) of a PaymentIntent. */
  function chargeFor(pi: Obj, amount: number, fee?: number): Obj {
    const bt = {
      id: rid('txn'),
      object: 'balance_transaction',
      amount,
      fee: fee ?? Math.round(amount * 0.015) + 25,
      currency: pi.currency,
    };
    balance.set(bt.id, bt);
    const ch = {
      id: rid('ch'),
      object: 'charge',
      amount,
      amount_refunded: 0,
      currency: pi.currency,
      payment_intent: pi.id,
      balance_transaction: bt.id,
    };
    charges.set(ch.id, ch);
    return ch;
  }

  /** A saved method like Stripe's test methods: a card (brand visa) or a SEPA mandate, on its customer. */
  function savePaymentMethod(prefix: string, customer: string): Obj {
    const id = `${prefix}_${randomBytes(6).toString('hex')}`;
    const sepa = prefix.startsWith('pm_sepa_debit');
    const last4 = sepa
      ? '3000'
      : prefix.includes('authenticationRequired')
        ? '3184'
        : prefix.includes('chargeDeclined')
          ? '0002'
          : '4242';
    const pm = sepa
      ? {
          id,
          object: 'payment_method',
          type: 'sepa_debit',
          customer,
          sepa_debit: { country: 'DE', bank_code: '37040044', last4 },
        }
      : {
          id,
          object: 'payment_method',
          type: 'card',
          customer,
          card: { brand: 'visa', last4, exp_month: 12, exp_year: 2030 },
        };
    paymentMethods.set(id, pm);
    return pm;
  }

  /**
   * An off-session confirm with a saved payment method, answered like Stripe's test methods:
   * pm_card_authenticationRequired → 402 authentication_required, pm_card_chargeDeclined → 402
   * card_declined (both name the PaymentIntent), pm_sepa_debit → processing, any other → succeeded.
   */
  function offSession(body: Obj): { status: number; body: Obj } {
    if (!body.customer || !body.payment_method || body.confirm !== 'true')
      return error(400, 'invalid_request_error', 'off_session needs customer, payment_method and confirm');
    const pi: Obj = {
      id: rid('pi'),
      object: 'payment_intent',
      amount: Number(body.amount),
      amount_received: 0,
      currency: body.currency,
      customer: body.customer,
      payment_method: body.payment_method,
      metadata: body.metadata ?? {},
      status: 'requires_payment_method',
      latest_charge: null,
      created: Math.floor(Date.now() / 1000),
    };
    intents.set(pi.id, pi);
    const cardError = (code: string, message: string) => ({
      status: 402,
      body: { error: { type: 'card_error', code, message, payment_intent: pi } },
    });
    const pm = String(body.payment_method);
    if (pm.startsWith('pm_card_authenticationRequired'))
      return cardError('authentication_required', 'Your card was declined. This transaction requires authentication.');
    if (pm.startsWith('pm_card_chargeDeclined')) return cardError('card_declined', 'Your card was declined.');
    if (pm.startsWith('pm_sepa_debit')) pi.status = 'processing';
    else {
      const ch = chargeFor(pi, pi.amount);
      Object.assign(pi, { status: 'succeeded', amount_received: pi.amount, latest_charge: ch.id });
    }
    return { status: 200, body: pi };
  }

  function route(method: string, path: string, body: Obj, query: URLSearchParams): { status: number; body: Obj } {
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const li = body.line_items?.[0]?.price_data;
      const s = {
        id: rid('cs'),
        object: 'checkout.session',
        mode: body.mode,
        amount_total: Number(li.unit_amount) * Number(body.line_items[0].quantity),
        currency: li.currency,
        client_reference_id: body.client_reference_id ?? null,
        metadata: body.metadata ?? {},
        payment_intent_metadata: body.payment_intent_data?.metadata ?? {},
        setup_future_usage: body.payment_intent_data?.setup_future_usage ?? null,
        customer_creation: body.customer_creation ?? null,
        customer: null as string | null,
        payment_intent: null,
        payment_status: 'unpaid',
        status: 'open',
        success_url: body.success_url,
        cancel_url: body.cancel_url,
        expires_at: Number(body.expires_at),
        url: '',
      };
      s.url = `${base}/c/pay/${s.id}`;
      sessions.set(s.id, s);
      return { status: 200, body: s };
    }
    if (method === 'GET' && (m = path.match(/^\/v1\/checkout\/sessions\/([\w]+)$/))) {
      const s = sessions.get(m[1]!);
      return s ? { status: 200, body: s } : error(404, 'invalid_request_error', 'No such checkout.session');
    }
    if (method === 'POST' && path === '/v1/payment_intents' && body.off_session === 'true') return offSession(body);
    if (method === 'POST' && path === '/v1/payment_intents') {
      const pi = {
        id: rid('pi'),
        object: 'payment_intent',
        amount: Number(body.amount),
        amount_received: 0,
        currency: body.currency,
        metadata: body.metadata ?? {},
        status: 'requires_payment_method',
        latest_charge: null,
        created: Math.floor(Date.now() / 1000),
        client_secret: '',
      };
      pi.client_secret = `${pi.id}_secret_${randomBytes(8).toString('hex')}`;
      intents.set(pi.id, pi);
      return { status: 200, body: pi };
    }
    if (method === 'GET' && path === '/v1/payment_intents') {
      const gte = Number(query.get('created[gte]') ?? 0);
      const expand = [...query.entries()].filter(([k]) => k.startsWith('expand')).map(([, v]) => v);
      const data = [...intents.values()].filter((pi) => pi.created >= gte).map((pi) => expandIntent(pi, expand));
      return { status: 200, body: { object: 'list', data, has_more: false, url: '/v1/payment_intents' } };
    }
    if (method === 'GET' && (m = path.match(/^\/v1\/payment_intents\/([\w]+)$/))) {
      const pi = intents.get(m[1]!);
      const expand = [...query.entries()].filter(([k]) => k.startsWith('expand')).map(([, v]) => v);
      return pi
        ? { status: 200, body: expandIntent(pi, expand) }
        : error(404, 'invalid_request_error', 'No such payment_intent');
    }
    if (method === 'GET' && (m = path.match(/^\/v1\/payment_methods\/([\w]+)$/))) {
      const pm = paymentMethods.get(m[1]!);
      return pm ? { status: 200, body: pm } : error(404, 'invalid_request_error', 'No such PaymentMethod');
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const pi = intents.get(body.payment_intent);
      if (!pi || pi.status !== 'succeeded')
        return error(400, 'invalid_request_error', 'This PaymentIntent has no successful charge');
      const ch = charges.get(pi.latest_charge)!;
      const amount = Number(body.amount ?? pi.amount_received - ch.amount_refunded);
      if (ch.amount_refunded + amount > pi.amount_received)
        return error(400, 'invalid_request_error', 'Refund exceeds the charge');
      ch.amount_refunded += amount;
      return {
        status: 200,
        body: {
          id: rid('re'),
          object: 'refund',
          amount,
          currency: pi.currency,
          payment_intent: pi.id,
          charge: ch.id,
          status: 'succeeded',
        },
      };
    }
    if (method === 'POST' && (m = path.match(/^\/v1\/disputes\/([\w]+)\/close$/))) {
      const d = disputes.get(m[1]!);
      if (!d) return error(404, 'invalid_request_error', 'No such dispute');
      d.status = 'lost';
      return { status: 200, body: d };
    }
    return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path})`);
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      if (req.method === 'GET' && url.pathname.startsWith('/c/pay/')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><title>Stripe Checkout (test)</title><h1>Stripe Checkout (test)</h1><p id="session">${url.pathname.slice(7)}</p>`,
        );
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = decodeStripeForm(raw);
      requests.push({ method: req.method ?? 'GET', path: url.pathname, body });
      let result: { status: number; body: Obj };
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        result = error(401, 'invalid_request_error', 'Invalid API Key provided');
      } else {
        const fault = fake.faults && fake.faults.count > 0 ? fake.faults.mode : null;
        if (fault && --fake.faults!.count === 0) fake.faults = null;
        if (fault === 'error') {
          res.writeHead(500, { 'content-type': 'application/json', 'stripe-should-retry': 'false' });
          res.end(
            JSON.stringify({ error: { type: 'api_error', message: 'An unexpected error occurred (fake outage)' } }),
          );
          return;
        }
        const key = req.headers['idempotency-key'];
        const cacheKey = typeof key === 'string' ? `${req.method} ${url.pathname} ${key}` : null;
        const hit = cacheKey ? idempotent.get(cacheKey) : undefined;
        result = hit ?? route(req.method ?? 'GET', url.pathname, body, url.searchParams);
        // Like Stripe, a 5xx answer is not kept under the idempotency key (the request may be retried).
        if (cacheKey && !hit && result.status < 500) idempotent.set(cacheKey, result);
        if (fault === 'drop') {
          res.destroy();
          return;
        }
      }
      res.writeHead(result.status, { 'content-type': 'application/json', 'request-id': rid('req') });
      res.end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  const sdk = new Stripe(secretKey, {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    telemetry: false,
    maxNetworkRetries: 0,
  });

  const fake: FakeStripe = {
    url: base,
    port,
    secretKey,
    webhookSecret,
    publishableKey,
    requests,
    sessions,
    intents,
    paymentMethods,
    faults: null,
    client: () =>
      new Stripe(secretKey, { host: '127.0.0.1', port, protocol: 'http', telemetry: false, maxNetworkRetries: 0 }),
    event(type, object) {
      return {
        id: rid('evt'),
        object: 'event',
        api_version: '2026-10-28.endive',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        pending_webhooks: 1,
        type,
        data: { object },
      };
    },
    completeSession(sessionId, opts = {}) {
      const s = sessions.get(sessionId);
      if (!s) throw new Error(`no session ${sessionId}`);
      const received = opts.amountReceived ?? s.amount_total;
      const piId = rid('pi');
      const ch = chargeFor({ id: piId, currency: s.currency }, received, opts.fee);
      const saving = s.setup_future_usage === 'off_session';
      const customer = saving || s.customer_creation === 'always' ? rid('cus') : null;
      const pm = saving ? savePaymentMethod(opts.paymentMethod ?? 'pm_card_visa', customer!) : null;
      const pi = {
        id: piId,
        object: 'payment_intent',
        amount: s.amount_total,
        amount_received: received,
        currency: s.currency,
        metadata: s.payment_intent_metadata,
        status: 'succeeded',
        latest_charge: ch.id,
        customer,
        payment_method: pm?.id ?? rid('pm'),
        setup_future_usage: s.setup_future_usage,
        created: Math.floor(Date.now() / 1000),
      };
      intents.set(pi.id, pi);
      Object.assign(s, {
        status: 'complete',
        payment_status: 'paid',
        payment_intent: pi.id,
        amount_total: received,
        customer,
      });
      const { payment_intent_metadata: _omit, setup_future_usage: _sfu, customer_creation: _cc, ...sessionObject } = s;
      return {
        completed: fake.event('checkout.session.completed', { ...sessionObject }),
        succeeded: fake.event('payment_intent.succeeded', { ...pi }),
        paymentIntentId: pi.id,
        customerId: customer,
        paymentMethodId: pm?.id ?? null,
      };
    },
    succeedIntent(paymentIntentId) {
      const pi = intents.get(paymentIntentId)!;
      // An off-session charge that already succeeded keeps its charge: this is its webhook.
      if (pi.status !== 'succeeded') {
        const ch = chargeFor(pi, pi.amount);
        Object.assign(pi, { status: 'succeeded', amount_received: pi.amount, latest_charge: ch.id });
      }
      const { client_secret: _secret, ...object } = pi;
      return fake.event('payment_intent.succeeded', { ...object });
    },
    failIntent(paymentIntentId) {
      const pi = intents.get(paymentIntentId)!;
      Object.assign(pi, {
        status: 'requires_payment_method',
        last_payment_error: { type: 'card_error', code: 'insufficient_funds' },
      });
      const { client_secret: _secret, ...object } = pi;
      return fake.event('payment_intent.payment_failed', { ...object });
    },
    refund(paymentIntentId, amount) {
      const pi = intents.get(paymentIntentId);
      if (pi?.latest_charge) charges.get(pi.latest_charge)!.amount_refunded += amount;
      return fake.event('refund.created', {
        id: rid('re'),
        object: 'refund',
        amount,
        currency: pi?.currency ?? 'eur',
        payment_intent: paymentIntentId,
        status: 'succeeded',
      });
    },
    dispute(paymentIntentId, amount, status = 'lost') {
      const pi = intents.get(paymentIntentId);
      const d = {
        id: rid('dp'),
        object: 'dispute',
        amount,
        currency: pi?.currency ?? 'eur',
        payment_intent: paymentIntentId,
        charge: pi?.latest_charge ?? null,
        reason: 'fraudulent',
        status: 'needs_response',
      };
      disputes.set(d.id, d);
      return {
        created: fake.event('charge.dispute.created', { ...d }),
        closed: fake.event('charge.dispute.closed', { ...d, status }),
        disputeId: d.id,
      };
    },
    signed(event, opts = {}) {
      const body = JSON.stringify(event);
      const header = sdk.webhooks.generateTestHeaderString({
        payload: body,
        secret: opts.secret ?? webhookSecret,
        ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
      });
      return { body, header };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}
