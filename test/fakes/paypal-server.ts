// A local HTTP server on loopback that speaks the subset of PayPal's REST API Sealbill uses:
// OAuth 2.0 client credentials, Orders v2 (create, get, capture with PayPal-Request-Id
// idempotency), captures and refunds, dispute acceptance, and verify-webhook-signature. Webhooks
// are signed the way PayPal signs them (RSA-SHA256 over "transmission id|time|webhook id|CRC32 of
// the body", certificate at a cert URL), so a forged or altered delivery really fails to verify.
import { createSign, createVerify, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

type Obj = Record<string, any>;
const rid = (prefix: string) => `${prefix}${randomBytes(8).toString('hex').toUpperCase()}`;

export interface FakePaypal {
  url: string;
  clientId: string;
  clientSecret: string;
  webhookId: string;
  orders: Map<string, Obj>;
  requests: Array<{ method: string; path: string; body: Obj | null }>;
  /** The payer approves on PayPal's page; returns CHECKOUT.ORDER.APPROVED. */
  approve(orderId: string): Obj;
  /** PAYMENT.CAPTURE.COMPLETED for an order captured through the API. */
  captureCompleted(orderId: string): Obj;
  refundEvent(captureId: string, amount: string, currency: string): Obj;
  disputeEvent(
    captureId: string,
    amount: string,
    currency: string,
    resolved?: 'RESOLVED_BUYER_FAVOUR' | 'RESOLVED_SELLER_FAVOUR',
  ): Obj;
  event(type: string, resource: Obj): Obj;
  /** Headers PayPal would send with a delivery of `body`. */
  sign(body: string, opts?: { time?: Date; key?: KeyObject }): Record<string, string>;
  close(): Promise<void>;
}

export async function startFakePaypal(opts: { fee?: (value: string) => string } = {}): Promise<FakePaypal> {
  const clientId = `client${randomBytes(12).toString('hex')}`;
  const clientSecret = `secret${randomBytes(16).toString('hex')}`;
  const webhookId = rid('WH');
  const accessToken = `A21${randomBytes(16).toString('hex')}`;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const orders = new Map<string, Obj>();
  const captures = new Map<string, Obj>();
  const requests: FakePaypal['requests'] = [];
  const idempotent = new Map<string, { status: number; body: Obj }>();
  const fee = opts.fee ?? ((v: string) => (Math.round(Number(v) * 3.49) / 100 + 0.49).toFixed(2));
  let base = '';
  let certUrl = '';

  const err = (status: number, name: string) => ({ status, body: { name, message: name, debug_id: rid('') } });

  function capture(order: Obj): Obj {
    const unit = order.purchase_units[0];
    const c = {
      id: rid('CAP'),
      status: 'COMPLETED',
      amount: unit.amount,
      custom_id: unit.custom_id,
      seller_receivable_breakdown: {
        gross_amount: unit.amount,
        paypal_fee: { currency_code: unit.amount.currency_code, value: fee(unit.amount.value) },
        net_amount: unit.amount,
      },
      supplementary_data: { related_ids: { order_id: order.id } },
    };
    captures.set(c.id, c);
    unit.payments = { captures: [c] };
    order.status = 'COMPLETED';
    return c;
  }

  function route(method: string, path: string, body: Obj | null, auth: string): { status: number; body: Obj } {
    if (method === 'POST' && path === '/v1/oauth2/token') {
      if (auth !== `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`)
        return err(401, 'invalid_client');
      return { status: 200, body: { access_token: accessToken, token_type: 'Bearer', expires_in: 32_400 } };
    }
    if (auth !== `Bearer ${accessToken}`) return err(401, 'AUTHENTICATION_FAILURE');
    let m: RegExpMatchArray | null;
    if (method === 'POST' && path === '/v2/checkout/orders') {
      const id = rid('ORD');
      const order = {
        id,
        intent: body!.intent,
        status: 'PAYER_ACTION_REQUIRED',
        purchase_units: structuredClone(body!.purchase_units),
        experience: body!.payment_source?.paypal?.experience_context,
        links: [{ rel: 'payer-action', href: `${base}/checkoutnow?token=${id}`, method: 'GET' }],
      };
      orders.set(id, order);
      return { status: 200, body: order };
    }
    if (method === 'GET' && (m = path.match(/^\/v2\/checkout\/orders\/(\w+)$/))) {
      const o = orders.get(m[1]!);
      return o ? { status: 200, body: o } : err(404, 'RESOURCE_NOT_FOUND');
    }
    if (method === 'POST' && (m = path.match(/^\/v2\/checkout\/orders\/(\w+)\/capture$/))) {
      const o = orders.get(m[1]!);
      if (!o) return err(404, 'RESOURCE_NOT_FOUND');
      if (o.status === 'COMPLETED') return err(422, 'ORDER_ALREADY_CAPTURED');
      if (o.status !== 'APPROVED') return err(422, 'ORDER_NOT_APPROVED');
      capture(o);
      return { status: 201, body: o };
    }
    if (method === 'GET' && (m = path.match(/^\/v2\/payments\/captures\/(\w+)$/))) {
      const c = captures.get(m[1]!);
      return c ? { status: 200, body: c } : err(404, 'RESOURCE_NOT_FOUND');
    }
    if (method === 'POST' && (m = path.match(/^\/v2\/payments\/captures\/(\w+)\/refund$/))) {
      const c = captures.get(m[1]!);
      if (!c) return err(404, 'RESOURCE_NOT_FOUND');
      return {
        status: 201,
        body: {
          id: rid('REF'),
          status: 'COMPLETED',
          amount: body!.amount,
          links: [{ rel: 'up', href: `${base}/v2/payments/captures/${c.id}` }],
        },
      };
    }
    if (method === 'POST' && (m = path.match(/^\/v1\/customer\/disputes\/(\w+)\/accept-claim$/))) {
      return { status: 200, body: { links: [] } };
    }
    if (method === 'POST' && path === '/v1/notifications/verify-webhook-signature') {
      const b = body!;
      let ok = false;
      try {
        const signed = `${b.transmission_id}|${b.transmission_time}|${b.webhook_id}|${crc32(JSON.stringify(b.webhook_event))}`;
        ok =
          b.auth_algo === 'SHA256withRSA' &&
          b.cert_url === certUrl &&
          b.webhook_id === webhookId &&
          createVerify('RSA-SHA256').update(signed).verify(publicKey, String(b.transmission_sig), 'base64');
      } catch {
        ok = false;
      }
      return { status: 200, body: { verification_status: ok ? 'SUCCESS' : 'FAILURE' } };
    }
    return err(404, 'NOT_FOUND');
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      if (req.method === 'GET' && url.pathname === '/checkoutnow') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><title>PayPal (test)</title><h1>Log in to PayPal (test)</h1><p id="order">${url.searchParams.get('token')}</p>`,
        );
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = raw && (req.headers['content-type'] ?? '').includes('json') ? (JSON.parse(raw) as Obj) : null;
      requests.push({ method: req.method ?? 'GET', path: url.pathname, body });
      const rq = req.headers['paypal-request-id'];
      const key = typeof rq === 'string' ? `${url.pathname} ${rq}` : null;
      const hit = key ? idempotent.get(key) : undefined;
      const result = hit ?? route(req.method ?? 'GET', url.pathname, body, req.headers.authorization ?? '');
      if (key && !hit && result.status < 300) idempotent.set(key, result);
      res.writeHead(result.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  certUrl = `${base}/v1/notifications/certs/CERT-360caa42-fca2a594-test`;

  const fake: FakePaypal = {
    url: base,
    clientId,
    clientSecret,
    webhookId,
    orders,
    requests,
    event(type, resource) {
      return {
        id: rid('WH-'),
        event_version: '1.0',
        create_time: new Date().toISOString(),
        resource_type: 'checkout-order',
        event_type: type,
        summary: type,
        resource,
      };
    },
    approve(orderId) {
      const o = orders.get(orderId)!;
      o.status = 'APPROVED';
      return fake.event('CHECKOUT.ORDER.APPROVED', {
        id: o.id,
        status: 'APPROVED',
        purchase_units: o.purchase_units.map((u: Obj) => ({
          reference_id: u.reference_id,
          custom_id: u.custom_id,
          amount: u.amount,
        })),
      });
    },
    captureCompleted(orderId) {
      const o = orders.get(orderId)!;
      const c = o.purchase_units[0].payments?.captures?.[0] ?? capture(o);
      return fake.event('PAYMENT.CAPTURE.COMPLETED', structuredClone(c));
    },
    refundEvent(captureId, amount, currency) {
      return fake.event('PAYMENT.CAPTURE.REFUNDED', {
        id: rid('REF'),
        status: 'COMPLETED',
        amount: { currency_code: currency, value: amount },
        links: [{ rel: 'up', href: `${base}/v2/payments/captures/${captureId}`, method: 'GET' }],
      });
    },
    disputeEvent(captureId, amount, currency, resolved) {
      const resource = {
        dispute_id: rid('PP-D-'),
        reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
        dispute_amount: { currency_code: currency, value: amount },
        disputed_transactions: [{ seller_transaction_id: captureId }],
        ...(resolved ? { dispute_outcome: { outcome_code: resolved } } : {}),
      };
      return fake.event(resolved ? 'CUSTOMER.DISPUTE.RESOLVED' : 'CUSTOMER.DISPUTE.CREATED', resource);
    },
    sign(body, o = {}) {
      const id = randomBytes(16).toString('hex');
      const time = (o.time ?? new Date()).toISOString();
      const signed = `${id}|${time}|${webhookId}|${crc32(JSON.stringify(JSON.parse(body)))}`;
      return {
        'content-type': 'application/json',
        'paypal-transmission-id': id,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': createSign('RSA-SHA256')
          .update(signed)
          .sign(o.key ?? privateKey, 'base64'),
        'paypal-cert-url': certUrl,
        'paypal-auth-algo': 'SHA256withRSA',
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return fake;
}
