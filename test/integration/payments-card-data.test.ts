// PCI DSS SAQ A: card data never touches Sealbill. The attack: card numbers (and a CVC) smuggled
// into everything we receive — a signed webhook's metadata, customer fields and a raw card
// object, a forged webhook, and a checkout request body. Afterwards neither any table of the
// database (raw dump) nor the request log (at trace level) contains any of them: we keep only the
// whitelisted fields of an event.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/main/app.ts';
import { baseLoggerOptions } from '../../src/platform/logger.ts';
import { apiFor, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { connectStripe, dumpDatabase, issuedInvoice, seedBankDetails, unixNow } from '../fakes/payments-fixture.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-server.ts';

const PANS = ['4242424242424242', '4000056655665556', '5555555555554444', '378282246310005'];
const spaced = (pan: string) => pan.replace(/(\d{4})(?=\d)/g, '$1 ');

describeEachDb('payments: no card data at rest or in logs', (dialect) => {
  let t: TestInstance;
  let app: FastifyInstance;
  let api: Api;
  let stripe: FakeStripe;
  let log = '';
  const clock = new FixedClock('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_STRIPE_API_URL: stripe.url } });
    const stream = new Writable({ write: (c: Buffer, _e, done) => ((log += c.toString()), done()) });
    app = await buildHttpApp(t.container, { logger: { ...baseLoggerOptions('trace'), stream } });
    await app.ready();
    const owner = await setupOrg(t.app, 'Card Safe GmbH');
    api = apiFor(app, owner.token, owner.orgId, owner.userId);
    await seedBankDetails(t, api.orgId);
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
    await stripe?.close();
  });

  it('keeps only whitelisted fields of a payment that carried card numbers everywhere', async () => {
    const { accountId } = await connectStripe(t, apiFor(t.app, api.token, api.orgId, api.userId), stripe);
    const inv = await issuedInvoice(api);
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    const token = link.url.split('/pay/')[1];

    // A payer (or a script) posting card data to our checkout is refused by the strict schema.
    const smuggled = await app.inject({
      method: 'POST',
      url: `/api/v1/pay/${token}/checkout`,
      payload: { provider: 'stripe', cardNumber: PANS[0], cvc: '123' },
    });
    expect(smuggled.statusCode).toBe(400);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/pay/${token}/checkout`,
      payload: { provider: 'stripe' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const sessionId = res.json().redirectUrl.split('/').pop();

    const { completed } = stripe.completeSession(sessionId);
    const object = (completed as { data: { object: Record<string, unknown> } }).data.object;
    object.metadata = { ...(object.metadata as object), card: PANS[0], note: `card ${spaced(PANS[1]!)}` };
    object.customer_details = { name: `Holder ${PANS[2]}`, email: 'cardholder@payer.test', phone: null };
    object.payment_method_details = {
      card: { number: PANS[3], cvc: '737', exp_month: 12, exp_year: 2030, last4: '0005' },
    };
    object.client_reference_id = (object.metadata as { sealbill_checkout: string }).sealbill_checkout;

    // A forged delivery with card data first (refused), then the genuine one (booked).
    const forged = stripe.signed(completed, { timestamp: unixNow(t), secret: 'whsec_notthesecret0000000' });
    expect(
      (
        await app.inject({
          method: 'POST',
          url: `/api/v1/webhooks/stripe/${accountId}`,
          payload: forged.body,
          headers: { 'content-type': 'application/json', 'stripe-signature': forged.header },
        })
      ).statusCode,
    ).toBe(400);
    const good = stripe.signed(completed, { timestamp: unixNow(t) });
    const booked = await app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/stripe/${accountId}`,
      payload: good.body,
      headers: { 'content-type': 'application/json', 'stripe-signature': good.header },
    });
    expect(booked.statusCode, booked.body).toBe(200);
    expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).status).toBe('paid');

    const dump = await dumpDatabase(t);
    for (const pan of PANS) {
      expect(dump).not.toContain(pan);
      expect(dump).not.toContain(spaced(pan));
      expect(log).not.toContain(pan);
      expect(log).not.toContain(spaced(pan));
    }
    expect(dump).not.toContain('cardholder@payer.test');
    // As names, not inside a token: the dump's random base64url text (tokens, ciphertexts) holds
    // "cvc" by chance about once in 260,000 characters, which failed a CI run.
    expect(dump).not.toMatch(/(?<![\w-])(cvc|exp_year|last4)(?![\w-])/);
    expect(log).not.toContain('cardholder@payer.test');
    // The log did see these requests (so the scan is meaningful).
    expect(log).toContain(`/api/v1/webhooks/stripe/${accountId}`);
    expect(log).toContain('/api/v1/pay/[redacted]/checkout');
  });
});
