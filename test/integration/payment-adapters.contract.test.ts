// Contract tests: each adapter, exactly as Sealbill builds it, against its loopback fake of the
// provider API. The same PaymentProvider interface must hold for every adapter: checkout, fees,
// refunds with idempotency, listing, and webhook verification that fails closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaypalProvider } from '../../src/modules/payments/providers/paypal.adapter.ts';
import { toPaypalValue } from '../../src/modules/payments/providers/paypal.events.ts';
import {
  ProviderError,
  type CheckoutRequest,
  type PaymentProvider,
} from '../../src/modules/payments/providers/provider.ts';
import { createProviderFactory } from '../../src/modules/payments/providers/registry.ts';
import { createStripeProvider } from '../../src/modules/payments/providers/stripe.adapter.ts';
import { fromStripeAmount, toStripeAmount } from '../../src/modules/payments/providers/stripe.amounts.ts';
import { startFakePaypal, type FakePaypal } from '../fakes/paypal-server.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-server.ts';

const request = (over: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  checkoutId: '0190c3a4-0000-7000-8000-00000000c0de',
  orgId: '0190c3a4-0000-7000-8000-0000000000aa',
  invoiceId: '0190c3a4-0000-7000-8000-0000000000bb',
  invoiceNumber: 'INV-2026-00042',
  orgName: 'Contract GmbH',
  amount: 12_345,
  currency: 'EUR',
  successUrl: 'https://sealbill.example/pay/complete/x?payment=success',
  cancelUrl: 'https://sealbill.example/pay/complete/x?payment=cancelled',
  expiresAt: new Date(Date.now() + 3_600_000),
  ...over,
});

describe('Stripe adapter against the Stripe fake', () => {
  let fake: FakeStripe;
  let stripe: PaymentProvider;
  beforeAll(async () => {
    fake = await startFakeStripe();
    stripe = createStripeProvider(
      {
        id: 'acct',
        mode: 'test',
        secrets: { secretKey: fake.secretKey, webhookSecret: fake.webhookSecret },
        options: { publishableKey: null, embedded: false },
      },
      fake.url,
    );
  });
  afterAll(() => fake?.close());

  it('creates one Checkout Session per checkout (idempotent), with our ids in the metadata', async () => {
    const a = await stripe.createCheckout(request(), { embedded: false });
    const b = await stripe.createCheckout(request(), { embedded: false });
    expect(a).toEqual(b);
    expect(a.kind).toBe('redirect');
    const s = fake.sessions.get(a.providerRef)!;
    expect(s).toMatchObject({
      amount_total: 12_345,
      currency: 'eur',
      client_reference_id: request().checkoutId,
      metadata: { sealbill_checkout: request().checkoutId },
    });
    const sent = fake.requests.find((r) => r.path === '/v1/checkout/sessions')!;
    expect(sent.body.payment_intent_data.metadata.sealbill_invoice).toBe(request().invoiceId);
  });

  it('reads the fee, refunds, and lists recent payments', async () => {
    const started = await stripe.createCheckout(request({ checkoutId: '0190c3a4-0000-7000-8000-00000000c0df' }), {
      embedded: false,
    });
    const { paymentIntentId } = fake.completeSession(started.providerRef, { fee: 211 });
    expect(await stripe.fetchPayment(paymentIntentId)).toMatchObject({
      status: 'succeeded',
      amount: 12_345,
      fee: 211,
      feeCurrency: 'EUR',
      checkoutId: '0190c3a4-0000-7000-8000-00000000c0df',
    });
    const r = await stripe.refund(paymentIntentId, 345, 'EUR', 'sealbill-refund-1');
    expect(await stripe.refund(paymentIntentId, 345, 'EUR', 'sealbill-refund-1')).toEqual(r);
    expect((await stripe.fetchPayment(paymentIntentId))!.amountRefunded).toBe(345);
    const recent = await stripe.recentPayments(new Date(Date.now() - 60_000), []);
    expect(recent.map((p) => p.paymentRef)).toContain(paymentIntentId);
    await expect(stripe.refund(paymentIntentId, 1_000_000, 'EUR', 'sealbill-refund-2')).rejects.toBeInstanceOf(
      ProviderError,
    );
  });

  it('verifies webhooks with the SDK: genuine yes; forged, altered, stale, future, garbage no', async () => {
    const ev = fake.event('payment_intent.succeeded', {
      id: 'pi_x',
      object: 'payment_intent',
      amount_received: 100,
      currency: 'eur',
      metadata: { sealbill_checkout: 'c1' },
    });
    const now = new Date();
    const t = Math.floor(now.getTime() / 1000);
    const ok = fake.signed(ev, { timestamp: t });
    const v = await stripe.verifyWebhook(Buffer.from(ok.body), { 'stripe-signature': ok.header }, now);
    expect(v).toMatchObject({
      ok: true,
      verified: {
        type: 'payment_intent.succeeded',
        event: { kind: 'payment_succeeded', paymentRef: 'pi_x', amount: 100, currency: 'EUR', checkoutId: 'c1' },
      },
    });
    const forged = fake.signed(ev, { timestamp: t, secret: 'whsec_someoneelse000000' });
    expect(await stripe.verifyWebhook(Buffer.from(forged.body), { 'stripe-signature': forged.header }, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(
      await stripe.verifyWebhook(Buffer.from(ok.body.replace('100', '900')), { 'stripe-signature': ok.header }, now),
    ).toEqual({ ok: false, reason: 'bad_signature' });
    const old = fake.signed(ev, { timestamp: t - 301 });
    expect(await stripe.verifyWebhook(Buffer.from(old.body), { 'stripe-signature': old.header }, now)).toEqual({
      ok: false,
      reason: 'stale',
    });
    const ahead = fake.signed(ev, { timestamp: t + 301 });
    expect(await stripe.verifyWebhook(Buffer.from(ahead.body), { 'stripe-signature': ahead.header }, now)).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(await stripe.verifyWebhook(Buffer.from(ok.body), {}, now)).toEqual({ ok: false, reason: 'bad_signature' });
    const weird = fake.signed({ ...ev, data: { object: { id: 42 } } }, { timestamp: t });
    expect(await stripe.verifyWebhook(Buffer.from(weird.body), { 'stripe-signature': weird.header }, now)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('charges a saved payment method off-session: succeeded once per key, SEPA processing, authentication and declines as values', async () => {
    const charge = (paymentMethodRef: string, idempotencyKey: string) =>
      stripe.chargeSavedMethod({
        orgId: request().orgId,
        checkoutId: `0190c3a4-0000-7000-8000-0000000${idempotencyKey.replace(/\D/g, '').padStart(5, '0')}`,
        invoiceId: request().invoiceId,
        invoiceNumber: request().invoiceNumber,
        customerRef: 'cus_test_contract',
        paymentMethodRef,
        amount: 12_345,
        currency: 'EUR',
        idempotencyKey,
      });
    const ok = await charge('pm_card_visa', 'run-1');
    expect(ok).toMatchObject({ status: 'succeeded', amount: 12_345, currency: 'EUR' });
    // A retry with the same key is the same charge, never a second one.
    expect(await charge('pm_card_visa', 'run-1')).toEqual(ok);
    const sent = fake.requests.filter((r) => r.path === '/v1/payment_intents' && r.body.off_session === 'true');
    expect(sent).toHaveLength(2);
    expect(sent[0]!.body).toMatchObject({
      confirm: 'true',
      customer: 'cus_test_contract',
      payment_method: 'pm_card_visa',
      amount: '12345',
      currency: 'eur',
      metadata: {
        sealbill_checkout: '0190c3a4-0000-7000-8000-000000000001',
        sealbill_invoice: request().invoiceId,
        sealbill_org: request().orgId,
      },
    });
    expect([...fake.intents.values()].filter((pi) => pi.customer === 'cus_test_contract')).toHaveLength(1);
    if (ok.status !== 'succeeded') throw new Error('unreachable');
    expect(await stripe.fetchPayment(ok.paymentRef)).toMatchObject({ status: 'succeeded', amount: 12_345 });

    expect(await charge('pm_sepa_debit', 'run-2')).toMatchObject({ status: 'processing' });
    const auth = await charge('pm_card_authenticationRequired', 'run-3');
    expect(auth).toMatchObject({ status: 'authentication_required', paymentRef: expect.stringMatching(/^pi_/) });
    expect(await charge('pm_card_chargeDeclined', 'run-4')).toMatchObject({
      status: 'declined',
      code: 'card_declined',
      paymentRef: expect.stringMatching(/^pi_/),
    });
    // Anything else is the provider failing, not an outcome.
    await expect(
      stripe.chargeSavedMethod({
        orgId: 'o',
        checkoutId: 'c',
        invoiceId: 'i',
        invoiceNumber: 'n',
        customerRef: '',
        paymentMethodRef: '',
        amount: 1,
        currency: 'EUR',
        idempotencyKey: 'run-5',
      }),
    ).rejects.toThrow(/Stripe off-session charge failed \(StripeInvalidRequestError\/?.*HTTP 400\)/);
  });

  it('saves the method at a hosted checkout when asked, and describes it by brand and last four digits only', async () => {
    const req = request({ checkoutId: '0190c3a4-0000-7000-8000-00000000c0e0', saveMethod: true });
    const started = await stripe.createCheckout(req, { embedded: false });
    const sent = fake.requests.filter((r) => r.path === '/v1/checkout/sessions').pop()!;
    expect(sent.body).toMatchObject({
      customer_creation: 'always',
      payment_intent_data: { setup_future_usage: 'off_session' },
    });
    // Not asked: nothing is saved (the default checkout is unchanged).
    await stripe.createCheckout(request({ checkoutId: '0190c3a4-0000-7000-8000-00000000c0e1' }), { embedded: false });
    const plain = fake.requests.filter((r) => r.path === '/v1/checkout/sessions').pop()!;
    expect(plain.body.customer_creation).toBeUndefined();
    expect(plain.body.payment_intent_data.setup_future_usage).toBeUndefined();

    const done = fake.completeSession(started.providerRef, { paymentMethod: 'pm_card_visa' });
    const now = new Date();
    const delivery = fake.signed(done.succeeded);
    const v = await stripe.verifyWebhook(Buffer.from(delivery.body), { 'stripe-signature': delivery.header }, now);
    expect(v).toMatchObject({
      ok: true,
      verified: {
        event: {
          kind: 'payment_succeeded',
          checkoutId: req.checkoutId,
          savedMethod: { customerRef: done.customerId, paymentMethodRef: done.paymentMethodId },
        },
      },
    });
    expect(await stripe.describeSavedMethod(done.customerId!, done.paymentMethodId!)).toEqual({
      kind: 'card',
      label: 'Visa •••• 4242',
    });
    // Another customer's method is not this customer's to charge.
    expect(await stripe.describeSavedMethod('cus_test_someoneelse', done.paymentMethodId!)).toBeNull();
    const sepa = fake.completeSession(
      (
        await stripe.createCheckout(request({ checkoutId: '0190c3a4-0000-7000-8000-00000000c0e2', saveMethod: true }), {
          embedded: false,
        })
      ).providerRef,
      { paymentMethod: 'pm_sepa_debit' },
    );
    expect(await stripe.describeSavedMethod(sepa.customerId!, sepa.paymentMethodId!)).toEqual({
      kind: 'sepa_debit',
      label: 'SEPA DE •••• 3000',
    });
    // The Payment Element path cannot save (no customer): refused, not silently ignored.
    const embedded = createStripeProvider(
      {
        id: 'acct',
        mode: 'test',
        secrets: { secretKey: fake.secretKey, webhookSecret: fake.webhookSecret },
        options: { publishableKey: fake.publishableKey, embedded: true },
      },
      fake.url,
    );
    await expect(embedded.createCheckout(req, { embedded: true })).rejects.toBeInstanceOf(ProviderError);
  });

  it('a provider outage is a ProviderError; a charge the provider made before the connection broke is the same charge on retry', async () => {
    const charge = () =>
      stripe.chargeSavedMethod({
        orgId: request().orgId,
        checkoutId: '0190c3a4-0000-7000-8000-0000000c0e99',
        invoiceId: request().invoiceId,
        invoiceNumber: request().invoiceNumber,
        customerRef: 'cus_test_outage',
        paymentMethodRef: 'pm_card_visa',
        amount: 500,
        currency: 'EUR',
        idempotencyKey: 'outage-1',
      });
    fake.faults = { mode: 'error', count: 1 };
    await expect(charge()).rejects.toThrow(/Stripe off-session charge failed \(StripeAPIError.*HTTP 500\)/);
    expect([...fake.intents.values()].filter((pi) => pi.customer === 'cus_test_outage')).toHaveLength(0);
    // Stripe acted, then the connection broke on every try the SDK makes: our call fails…
    fake.faults = { mode: 'drop', count: 3 };
    await expect(charge()).rejects.toBeInstanceOf(ProviderError);
    // …and the next attempt with the same key gets the charge that was made, not a second one.
    expect(await charge()).toMatchObject({ status: 'succeeded', amount: 500 });
    expect([...fake.intents.values()].filter((pi) => pi.customer === 'cus_test_outage')).toHaveLength(1);
  });

  it('fails closed with a wrong key', async () => {
    const wrong = createStripeProvider(
      {
        id: 'a',
        mode: 'test',
        secrets: { secretKey: 'sk_test_wrongwrongwrong', webhookSecret: fake.webhookSecret },
        options: { publishableKey: null, embedded: false },
      },
      fake.url,
    );
    await expect(wrong.createCheckout(request(), { embedded: false })).rejects.toThrow(
      /Stripe checkout session failed \(StripeAuthenticationError, HTTP 401\)/,
    );
  });

  it('converts Stripe’s special-case currencies exactly or refuses', () => {
    expect(toStripeAmount(1_000, 'ISK')).toBe(100_000);
    expect(fromStripeAmount(100_000, 'ISK')).toBe(1_000);
    expect(toStripeAmount(1_230, 'JOD')).toBe(1_230);
    expect(() => toStripeAmount(1_234, 'JOD')).toThrow(ProviderError);
    expect(toStripeAmount(500, 'JPY')).toBe(500);
  });
});

describe('PayPal adapter against the PayPal fake', () => {
  let fake: FakePaypal;
  let paypal: PaymentProvider;
  beforeAll(async () => {
    fake = await startFakePaypal();
    paypal = createPaypalProvider(
      {
        id: 'acct',
        mode: 'test',
        secrets: { clientId: fake.clientId, clientSecret: fake.clientSecret, webhookId: fake.webhookId },
        options: {},
      },
      fake.url,
    );
  });
  afterAll(() => fake?.close());

  it('refuses to charge a saved payment method (PayPal payers are not saved)', async () => {
    await expect(
      paypal.chargeSavedMethod({
        orgId: request().orgId,
        checkoutId: request().checkoutId,
        invoiceId: request().invoiceId,
        invoiceNumber: request().invoiceNumber,
        customerRef: 'x',
        paymentMethodRef: 'y',
        amount: 100,
        currency: 'EUR',
        idempotencyKey: 'k',
      }),
    ).rejects.toBeInstanceOf(ProviderError);
    await expect(paypal.describeSavedMethod('x', 'y')).rejects.toBeInstanceOf(ProviderError);
  });

  it('creates an order (idempotent), captures after approval once, reads the fee, refunds', async () => {
    const a = await paypal.createCheckout(request(), { embedded: false });
    expect(await paypal.createCheckout(request(), { embedded: false })).toEqual(a);
    expect(fake.orders.get(a.providerRef)!.purchase_units[0]).toMatchObject({
      custom_id: request().checkoutId,
      amount: { currency_code: 'EUR', value: '123.45' },
    });
    // Not approved yet: nothing is captured, the order stays pending.
    expect(await paypal.captureOrder(a.providerRef, request().checkoutId)).toMatchObject({
      status: 'pending',
      fee: null,
    });
    fake.approve(a.providerRef);
    const c1 = await paypal.captureOrder(a.providerRef, request().checkoutId);
    const c2 = await paypal.captureOrder(a.providerRef, request().checkoutId);
    expect(c1).toMatchObject({
      status: 'succeeded',
      amount: 12_345,
      currency: 'EUR',
      checkoutId: request().checkoutId,
      orderRef: a.providerRef,
    });
    expect(c2!.paymentRef).toBe(c1!.paymentRef);
    expect((await paypal.fetchPayment(c1!.paymentRef))!.fee).toBe(c1!.fee);
    expect(await paypal.refund(c1!.paymentRef, 1_000, 'EUR', 'sealbill-refund-p1')).toMatchObject({
      status: 'succeeded',
    });
    expect(await paypal.recentPayments(new Date(0), [a.providerRef])).toMatchObject([
      { paymentRef: c1!.paymentRef, status: 'succeeded' },
    ]);
    // One OAuth token served every call.
    expect(fake.requests.filter((r) => r.path === '/v1/oauth2/token')).toHaveLength(1);
    await expect(paypal.createCheckout(request(), { embedded: true })).rejects.toBeInstanceOf(ProviderError);
  });

  it('verifies webhooks through verify-webhook-signature, and checks freshness itself', async () => {
    const body = JSON.stringify(fake.refundEvent('CAP123', '10.00', 'EUR'));
    const now = new Date();
    const ok = await paypal.verifyWebhook(Buffer.from(body), fake.sign(body, { time: now }), now);
    expect(ok).toMatchObject({
      ok: true,
      verified: { event: { kind: 'refunded', paymentRef: 'CAP123', amount: 1_000, currency: 'EUR' } },
    });
    const altered = body.replace('10.00', '99.00');
    expect(await paypal.verifyWebhook(Buffer.from(altered), fake.sign(body, { time: now }), now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(
      await paypal.verifyWebhook(Buffer.from(body), fake.sign(body, { time: new Date(now.getTime() - 301_000) }), now),
    ).toEqual({ ok: false, reason: 'stale' });
    expect(await paypal.verifyWebhook(Buffer.from(body), {}, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('fails closed with wrong credentials, and formats amounts exactly', async () => {
    const wrong = createPaypalProvider(
      {
        id: 'b',
        mode: 'test',
        secrets: { clientId: 'nobodynobody', clientSecret: 'wrongwrongwrong', webhookId: fake.webhookId },
        options: {},
      },
      fake.url,
    );
    await expect(wrong.createCheckout(request(), { embedded: false })).rejects.toThrow(
      /PayPal authentication failed \(HTTP 401\)/,
    );
    expect(toPaypalValue(12_345, 'EUR')).toBe('123.45');
    expect(toPaypalValue(5, 'EUR')).toBe('0.05');
    expect(toPaypalValue(1_200, 'HUF')).toBe('12');
    expect(() => toPaypalValue(1_250, 'HUF')).toThrow(ProviderError);
    expect(toPaypalValue(1_000, 'JPY')).toBe('1000');
  });
});

it('refuses a non-HTTPS provider endpoint unless it is loopback', () => {
  expect(() => createProviderFactory({ stripeApiUrl: 'http://stripe.attacker.test', paypalApiUrl: null })).toThrow(
    /must be https/,
  );
  expect(() => createProviderFactory({ stripeApiUrl: null, paypalApiUrl: 'http://10.0.0.1:8080' })).toThrow(
    /must be https/,
  );
  expect(() =>
    createProviderFactory({ stripeApiUrl: 'http://127.0.0.1:12111', paypalApiUrl: 'https://api-m.sandbox.paypal.com' }),
  ).not.toThrow();
});
