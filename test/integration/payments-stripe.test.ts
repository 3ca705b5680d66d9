// Stripe payments end to end, with the real `stripe` SDK pointed at a loopback fake of the Stripe
// API and webhooks signed by the SDK's own generateTestHeaderString. Attack tests: a forged
// signature, a tampered body, a stale or future timestamp, a replayed delivery and a duplicate
// delivery are each refused or change nothing; out-of-order events (refund before success) land.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOrg, expectProblem, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import {
  connectStripe,
  dumpDatabase,
  issuedInvoice,
  paymentsOf,
  postStripeWebhook,
  seedBankDetails,
  unixNow,
} from '../fakes/payments-fixture.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-server.ts';
import { staffSession, type SessionClient } from '../helpers/session.ts';

describeEachDb('payments: Stripe', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let stripe: FakeStripe;
  let smtp: TestSmtp;
  let accountId: string;
  let session: SessionClient;
  const clock = new FixedClock('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    stripe = await startFakeStripe();
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock,
      env: { SEALBILL_STRIPE_API_URL: stripe.url, SEALBILL_SMTP_URL: smtp.url },
    });
    api = await setupOrg(t.app, 'Stripe Shop GmbH');
    await seedBankDetails(t, api.orgId);
    ({ accountId, session } = await connectStripe(t, api, stripe));
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
    await smtp?.close();
  });

  /** Pay link → checkout; returns the Checkout Session the fake created. */
  async function startCheckout(invoiceId: string): Promise<string> {
    const link = await api.ok('POST', `/api/v1/invoices/${invoiceId}/pay-links`, {});
    const token = link.url.split('/pay/')[1];
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pay/${token}/checkout`,
      payload: { provider: 'stripe' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { redirectUrl, kind } = res.json();
    expect(kind).toBe('redirect');
    expect(redirectUrl).toMatch(new RegExp(`^${stripe.url}/c/pay/cs_test_`));
    return redirectUrl.split('/').pop();
  }
  const send = (event: object, timestamp = unixNow(t)) =>
    postStripeWebhook(t, accountId, stripe.signed(event, { timestamp }));

  describe('connecting an account', () => {
    it('needs step-up, and never gives the keys back', async () => {
      const viaToken = await api.req('PUT', '/api/v1/payment-settings/providers/stripe', {
        settings: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
      });
      expectProblem(viaToken, 401, 'step_up_required');
      const settings = await api.ok('GET', '/api/v1/payment-settings');
      const text = JSON.stringify(settings);
      expect(text).not.toContain(stripe.secretKey);
      expect(text).not.toContain(stripe.webhookSecret);
      expect(settings.providers[0]).toMatchObject({
        provider: 'stripe',
        enabled: true,
        connected: true,
        mode: 'test',
        embedded: false,
      });
      expect(settings.providers[0].hint).toMatch(/^sk_test_…[0-9a-f]{4}$/);
      // Sealed at rest: neither key appears in any table.
      const dump = await dumpDatabase(t);
      expect(dump).not.toContain(stripe.secretKey);
      expect(dump).not.toContain(stripe.webhookSecret);
    });

    it('connects in two steps: keys first (disabled), then the webhook secret; never enabled without it', async () => {
      const org = await setupOrg(t.app, 'Two Step GmbH');
      const s = await staffSession(t, org.orgId, org.userId);
      const keysOnly = { settings: { secretKey: stripe.secretKey } };
      expectProblem(await s.req('PUT', '/api/v1/payment-settings/providers/stripe', keysOnly), 422, 'unprocessable');
      const first = await s.req('PUT', '/api/v1/payment-settings/providers/stripe', { ...keysOnly, enabled: false });
      expect(first.statusCode, first.body).toBe(200);
      const acc = first.json().providers[0];
      expect(acc).toMatchObject({ enabled: false, connected: true, webhookReady: false });
      expect(acc.webhookUrl).toMatch(new RegExp(`^${t.config.publicUrl}/api/v1/webhooks/stripe/[0-9a-f-]{36}$`));
      expectProblem(await org.req('PATCH', '/api/v1/payment-settings', { enabled: { stripe: true } }), 422);
      // Without a secret no delivery can verify, whoever signed it.
      const anyEvent = stripe.signed(
        stripe.event('payment_intent.succeeded', { id: 'pi_1', amount_received: 1, currency: 'eur', metadata: {} }),
        { timestamp: unixNow(t) },
      );
      expectProblem(await postStripeWebhook(t, acc.webhookUrl.split('/').pop(), anyEvent), 400);
      const second = await s.req('PUT', '/api/v1/payment-settings/providers/stripe', {
        settings: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
      });
      expect(second.statusCode, second.body).toBe(200);
      expect(second.json().providers[0]).toMatchObject({
        enabled: true,
        webhookReady: true,
        webhookUrl: acc.webhookUrl,
      });
    });

    it('stops accepting keys once the step-up is older than 5 minutes', async () => {
      clock.advance(6 * 60_000);
      try {
        const res = await session.req('PUT', '/api/v1/payment-settings/providers/stripe', {
          settings: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
        });
        expectProblem(res, 401, 'step_up_required');
      } finally {
        clock.advance(-6 * 60_000);
      }
    });
  });

  it('pays an invoice through Checkout: amount from the ledger, fee, reference, receipt and mail', async () => {
    const inv = await issuedInvoice(api, { email: 'ap@payer.test' });
    const sessionId = await startCheckout(inv.id);
    const created = stripe.requests.find((r) => r.path === '/v1/checkout/sessions' && r.body.client_reference_id)!;
    expect(Number(created.body.line_items[0].price_data.unit_amount)).toBe(inv.total);
    expect(created.body.line_items[0].price_data.currency).toBe('eur');
    expect(created.body.success_url).toMatch(/\/pay\/complete\/[0-9a-f-]{36}\?payment=success$/);
    // The pay-link token never travels to the provider.
    expect(JSON.stringify(stripe.requests)).not.toMatch(/\/pay\/[A-Za-z0-9_-]{43}/);

    const { completed, succeeded, paymentIntentId } = stripe.completeSession(sessionId, { fee: 2_115 });
    const res = await send(completed);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: true, duplicate: false });

    const paid = await api.ok('GET', `/api/v1/invoices/${inv.id}`);
    expect(paid.status).toBe('paid');
    expect(paid.amountDue).toBe(0);
    const [p] = await paymentsOf(api, inv.id);
    expect(p).toMatchObject({
      kind: 'payment',
      amount: inv.total,
      appliedAmount: inv.total,
      method: 'stripe',
      provider: 'stripe',
      providerRef: paymentIntentId,
      fee: 2_115,
      feeCurrency: 'EUR',
      hasReceipt: true,
    });

    const receipt = await api.req('GET', `/api/v1/payments/${p.id}/receipt`);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.headers['content-type']).toBe('application/pdf');
    expect(receipt.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const mail = await smtp.waitFor((m) => m.to.includes('ap@payer.test'));
    expect(mail.parsed.subject).toContain(inv.number);
    expect(mail.parsed.attachments[0]?.contentType).toBe('application/pdf');

    // payment_intent.succeeded announces the same money: booked once only.
    expect((await send(succeeded)).statusCode).toBe(200);
    expect(await paymentsOf(api, inv.id)).toHaveLength(1);

    const audit = await api.ok('GET', '/api/v1/audit-events?limit=500');
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['payment.checkout_started', 'payment.recorded']),
    );
  });

  it('marks an invoice partially paid when less was received', async () => {
    const inv = await issuedInvoice(api);
    const sessionId = await startCheckout(inv.id);
    const { succeeded } = stripe.completeSession(sessionId, { amountReceived: 50_000 });
    expect((await send(succeeded)).statusCode).toBe(200);
    const after = await api.ok('GET', `/api/v1/invoices/${inv.id}`);
    expect(after.status).toBe('partially_paid');
    expect(after.amountDue).toBe(inv.total - 50_000);
  });

  describe('webhook attacks', () => {
    let inv: { id: string; total: number };
    let completed: object;
    beforeAll(async () => {
      inv = await issuedInvoice(api);
      ({ completed } = stripe.completeSession(await startCheckout(inv.id)));
    });
    const status = async () => (await api.ok('GET', `/api/v1/invoices/${inv.id}`)).status;

    it('refuses a forged signature, a tampered body and a missing header, and stores nothing', async () => {
      const before = await dumpDatabase(t);
      const forged = postStripeWebhook(
        t,
        accountId,
        stripe.signed(completed, { timestamp: unixNow(t), secret: 'whsec_attackerchosensecret000' }),
      );
      expectProblem(await forged, 400, 'validation_failed');
      const good = stripe.signed(completed, { timestamp: unixNow(t) });
      const tampered = good.body.replace(`"amount_total":${inv.total}`, '"amount_total":1');
      expect(tampered).not.toBe(good.body);
      expectProblem(await postStripeWebhook(t, accountId, { body: tampered, header: good.header }), 400);
      expectProblem(
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/webhooks/stripe/${accountId}`,
          payload: good.body,
          headers: { 'content-type': 'application/json' },
        }),
        400,
      );
      expectProblem(await postStripeWebhook(t, '01900000-0000-7000-8000-000000000000', good), 404);
      expect(await status()).toBe('issued');
      expect(await dumpDatabase(t)).toBe(before);
    });

    it('refuses an event signed more than 5 minutes ago, or more than 5 minutes ahead', async () => {
      expectProblem(await send(completed, unixNow(t) - 301), 400);
      expectProblem(await send(completed, unixNow(t) + 301), 400);
      expect(await status()).toBe('issued');
    });

    it('accepts it once; a redelivery changes nothing; a replayed delivery is refused', async () => {
      const delivery = stripe.signed(completed, { timestamp: unixNow(t) - 240 });
      expect((await postStripeWebhook(t, accountId, delivery)).statusCode).toBe(200);
      expect(await status()).toBe('paid');
      const snapshot = await dumpDatabase(t);
      const redelivery = await send(completed);
      expect(redelivery.statusCode).toBe(200);
      expect(redelivery.json().duplicate).toBe(true);
      expectProblem(await postStripeWebhook(t, accountId, delivery), 409, 'conflict');
      expect(await dumpDatabase(t)).toBe(snapshot);
      expect(await paymentsOf(api, inv.id)).toHaveLength(1);
    });
  });

  it('handles a refund that arrives before the payment succeeded', async () => {
    const inv = await issuedInvoice(api);
    const { completed, paymentIntentId } = stripe.completeSession(await startCheckout(inv.id));
    const refund = stripe.refund(paymentIntentId, 20_000);
    expect((await send(refund)).statusCode).toBe(200);
    expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).status).toBe('issued');
    expect((await send(completed)).statusCode).toBe(200);
    const after = await api.ok('GET', `/api/v1/invoices/${inv.id}`);
    expect(after.status).toBe('partially_paid');
    expect(after.amountDue).toBe(20_000);
    const items = await paymentsOf(api, inv.id);
    expect(items.map((p: { kind: string; amount: number }) => [p.kind, p.amount])).toEqual([
      ['payment', inv.total],
      ['refund', 20_000],
    ]);
    // The deferred event, now applied, keeps no payload.
    const rows = await t.container.db
      .selectFrom('webhook_events')
      .select(['outcome', 'normalized'])
      .where('org_id', '=', api.orgId)
      .execute();
    expect(rows.filter((r) => r.outcome === 'deferred')).toEqual([]);
    expect(rows.every((r) => r.normalized === null)).toBe(true);
  });

  it('refunds from the staff app with step-up through Stripe, once', async () => {
    const inv = await issuedInvoice(api);
    const { completed, paymentIntentId } = stripe.completeSession(await startCheckout(inv.id));
    await send(completed);
    const [p] = await paymentsOf(api, inv.id);
    expectProblem(
      await api.req('POST', `/api/v1/payments/${p.id}/refunds`, { amount: 10_000 }),
      401,
      'step_up_required',
    );
    const res = await session.req('POST', `/api/v1/payments/${p.id}/refunds`, { amount: 10_000 });
    expect(res.statusCode, res.body).toBe(201);
    const refund = res.json();
    expect(refund).toMatchObject({ kind: 'refund', amount: 10_000, relatedPaymentId: p.id, provider: 'stripe' });
    const call = stripe.requests.filter((r) => r.path === '/v1/refunds').pop()!;
    expect(call.body).toMatchObject({ payment_intent: paymentIntentId, amount: '10000' });
    // Stripe's refund.created for the same refund books nothing more.
    const event = stripe.event('refund.created', {
      id: refund.providerRef,
      object: 'refund',
      amount: 10_000,
      currency: 'eur',
      payment_intent: paymentIntentId,
      status: 'succeeded',
    });
    expect((await send(event)).statusCode).toBe(200);
    expect(await paymentsOf(api, inv.id)).toHaveLength(2);
    expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).amountDue).toBe(10_000);
    // More than is left of the payment is refused before Stripe is called.
    const calls = stripe.requests.length;
    expectProblem(await session.req('POST', `/api/v1/payments/${p.id}/refunds`, { amount: inv.total }), 422);
    expect(stripe.requests.length).toBe(calls);
  });

  it('flags a dispute, accepts it with step-up, and reverses the payment once', async () => {
    const inv = await issuedInvoice(api);
    const { completed, paymentIntentId } = stripe.completeSession(await startCheckout(inv.id));
    await send(completed);
    const d = stripe.dispute(paymentIntentId, inv.total);
    expect((await send(d.created)).statusCode).toBe(200);
    const disputes = await api.ok('GET', '/api/v1/payments/disputes');
    const open = disputes.items.find((x: { providerRef: string }) => x.providerRef === d.disputeId);
    expect(open).toMatchObject({ status: 'open', amount: inv.total, reason: 'fraudulent', invoiceId: inv.id });
    expectProblem(await api.req('POST', `/api/v1/payments/disputes/${open.id}/accept`), 401, 'step_up_required');
    const accepted = await session.req('POST', `/api/v1/payments/disputes/${open.id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().status).toBe('accepted');
    expect(stripe.requests.some((r) => r.path === `/v1/disputes/${d.disputeId}/close`)).toBe(true);
    expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).amountDue).toBe(inv.total);
    expect((await send(d.closed)).statusCode).toBe(200);
    expect((await paymentsOf(api, inv.id)).filter((p: { kind: string }) => p.kind === 'refund')).toHaveLength(1);
    const actions = (await api.ok('GET', '/api/v1/audit-events?limit=500')).items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['payment.dispute_opened', 'payment.dispute_accepted', 'payment.dispute_reversed']),
    );
  });

  it("offers the embedded Payment Element only when enabled, adding Stripe to that page's CSP alone", async () => {
    const inv = await issuedInvoice(api);
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    const token = link.url.split('/pay/')[1];
    const embedded = (body: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1/pay/${token}/checkout`, payload: body });
    expectProblem(await embedded({ provider: 'stripe', embedded: true }), 422);
    expect(
      (await t.app.inject({ method: 'GET', url: `/pay/${token}` })).headers['content-security-policy'],
    ).not.toContain('stripe.com');

    expect(
      (
        await session.req('PUT', '/api/v1/payment-settings/providers/stripe', {
          settings: {
            secretKey: stripe.secretKey,
            webhookSecret: stripe.webhookSecret,
            publishableKey: stripe.publishableKey,
            embedded: true,
          },
        })
      ).statusCode,
    ).toBe(200);
    try {
      const page = await t.app.inject({ method: 'GET', url: `/pay/${token}` });
      const csp = page.headers['content-security-policy'] as string;
      expect(csp).toContain("script-src 'self' https://js.stripe.com;");
      expect(csp).toContain('frame-src https://js.stripe.com https://hooks.stripe.com');
      expect(csp).not.toContain('unsafe-inline');
      expect(page.body).toContain('data-embedded="true"');
      // Only the pay page is widened: the rest of the app keeps the strict policy.
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).headers['content-security-policy']).not.toContain(
        'stripe.com',
      );
      const view = (await t.app.inject({ method: 'GET', url: `/api/v1/pay/${token}` })).json();
      expect(view.methods.providers[0]).toEqual({
        name: 'stripe',
        embedded: true,
        publishableKey: stripe.publishableKey,
      });

      const res = await embedded({ provider: 'stripe', embedded: true });
      expect(res.statusCode, res.body).toBe(201);
      const started = res.json();
      expect(started).toMatchObject({ kind: 'embedded', redirectUrl: null, publishableKey: stripe.publishableKey });
      const piId = started.clientSecret.split('_secret_')[0];
      expect(stripe.intents.get(piId)!.amount).toBe(inv.total);
      expect((await send(stripe.succeedIntent(piId))).statusCode).toBe(200);
      expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).status).toBe('paid');
    } finally {
      await session.req('PUT', '/api/v1/payment-settings/providers/stripe', {
        settings: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
      });
    }
  });

  it('refuses a checkout when the provider is disabled or the client sends an amount', async () => {
    const inv = await issuedInvoice(api);
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    const token = link.url.split('/pay/')[1];
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/pay/${token}/checkout`,
        payload: { provider: 'stripe', amount: 1 },
      }),
      400,
      'validation_failed',
    );
    await api.ok('PATCH', '/api/v1/payment-settings', { enabled: { stripe: false } });
    try {
      expectProblem(
        await t.app.inject({ method: 'POST', url: `/api/v1/pay/${token}/checkout`, payload: { provider: 'stripe' } }),
        422,
      );
      expect((await t.app.inject({ method: 'GET', url: `/api/v1/pay/${token}` })).json().methods.providers).toEqual([]);
    } finally {
      await api.ok('PATCH', '/api/v1/payment-settings', { enabled: { stripe: true } });
    }
  });
});
