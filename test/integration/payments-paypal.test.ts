// PayPal payments end to end against a loopback fake of the PayPal REST API (OAuth, Orders v2,
// captures, refunds, verify-webhook-signature with real RSA signatures). The payer approves on
// PayPal and comes back to our return URL, which captures; the signed webhook books the payment.
// Attack tests: forged, stale, replayed and duplicate deliveries; out-of-order refund.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import {
  connectPaypal,
  dumpDatabase,
  issuedInvoice,
  paymentsOf,
  postPaypalWebhook,
  seedBankDetails,
} from '../fakes/payments-fixture.ts';
import { startFakePaypal, type FakePaypal } from '../fakes/paypal-server.ts';
import type { SessionClient } from '../helpers/session.ts';

describeEachDb('payments: PayPal', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let paypal: FakePaypal;
  let accountId: string;
  let session: SessionClient;
  const clock = new FixedClock('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    paypal = await startFakePaypal();
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_PAYPAL_API_URL: paypal.url } });
    api = await setupOrg(t.app, 'PayPal Shop GmbH');
    await seedBankDetails(t, api.orgId);
    ({ accountId, session } = await connectPaypal(t, api, paypal));
  });
  afterAll(async () => {
    await t?.close();
    await paypal?.close();
  });

  const deliver = (event: object, time = clock.now()) => {
    const body = JSON.stringify(event);
    return postPaypalWebhook(t, accountId, body, paypal.sign(body, { time }));
  };

  /** Portal-free path: pay link → order → redirect to PayPal; returns the order id. */
  async function startOrder(invoiceId: string): Promise<{ orderId: string; checkoutId: string }> {
    const link = await api.ok('POST', `/api/v1/invoices/${invoiceId}/pay-links`, {});
    const token = link.url.split('/pay/')[1];
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pay/${token}/checkout`,
      payload: { provider: 'paypal' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { redirectUrl, checkoutId } = res.json();
    expect(redirectUrl).toMatch(new RegExp(`^${paypal.url}/checkoutnow\\?token=ORD`));
    return { orderId: new URL(redirectUrl).searchParams.get('token')!, checkoutId };
  }

  it('pays an invoice: order for the amount due, approval, return capture, signed webhook', async () => {
    const inv = await issuedInvoice(api, { unitPrice: 99_999 });
    const { orderId, checkoutId } = await startOrder(inv.id);
    const order = paypal.orders.get(orderId)!;
    expect(order.purchase_units[0].amount).toEqual({ currency_code: 'EUR', value: (inv.total / 100).toFixed(2) });
    expect(order.purchase_units[0].custom_id).toBe(checkoutId);
    expect(order.experience.return_url).toMatch(new RegExp(`/api/v1/pay/return/paypal/${checkoutId}$`));

    paypal.approve(orderId);
    const back = await t.app.inject({
      method: 'GET',
      url: `/api/v1/pay/return/paypal/${checkoutId}?token=${orderId}&PayerID=PAYER1`,
    });
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toMatch(new RegExp(`/pay/complete/${checkoutId}\\?payment=success$`));
    // The unsigned return books nothing; the signed webhook does.
    expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).status).toBe('issued');

    const res = await deliver(paypal.captureCompleted(orderId));
    expect(res.statusCode, res.body).toBe(200);
    const paid = await api.ok('GET', `/api/v1/invoices/${inv.id}`);
    expect(paid.status).toBe('paid');
    const [p] = await paymentsOf(api, inv.id);
    const capture = paypal.orders.get(orderId)!.purchase_units[0].payments.captures[0];
    expect(p).toMatchObject({
      method: 'paypal',
      provider: 'paypal',
      providerRef: capture.id,
      amount: inv.total,
      feeCurrency: 'EUR',
      hasReceipt: true,
    });
    expect(p.fee).toBe(Math.round(Number(capture.seller_receivable_breakdown.paypal_fee.value) * 100));
  });

  it('captures from the APPROVED webhook when the payer never returns', async () => {
    const inv = await issuedInvoice(api);
    const { orderId } = await startOrder(inv.id);
    const approved = paypal.approve(orderId);
    expect((await deliver(approved)).statusCode).toBe(200);
    expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).status).toBe('paid');
    // The capture webhook that follows books nothing more.
    expect((await deliver(paypal.captureCompleted(orderId))).statusCode).toBe(200);
    expect(await paymentsOf(api, inv.id)).toHaveLength(1);
  });

  it('refuses forged, altered and stale deliveries; a duplicate changes nothing; a replay is refused', async () => {
    const inv = await issuedInvoice(api);
    const { orderId } = await startOrder(inv.id);
    paypal.approve(orderId);
    await t.app.inject({
      method: 'GET',
      url: `/api/v1/pay/return/paypal/${paypal.orders.get(orderId)!.purchase_units[0].custom_id}?token=${orderId}`,
    });
    const event = paypal.captureCompleted(orderId);
    const body = JSON.stringify(event);
    const before = await dumpDatabase(t);

    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expectProblem(
      await postPaypalWebhook(t, accountId, body, paypal.sign(body, { key: attacker, time: clock.now() })),
      400,
    );
    const headers = paypal.sign(body, { time: clock.now() });
    expectProblem(
      await postPaypalWebhook(t, accountId, body.replace(/"value":"[\d.]+"/, '"value":"0.01"'), headers),
      400,
    );
    expectProblem(await deliver(event, new Date(clock.now().getTime() - 6 * 60_000)), 400);
    expectProblem(await deliver(event, new Date(clock.now().getTime() + 6 * 60_000)), 400);
    const noSig = { ...headers };
    delete (noSig as Record<string, string>)['paypal-transmission-sig'];
    expectProblem(await postPaypalWebhook(t, accountId, body, noSig), 400);
    expect(await dumpDatabase(t)).toBe(before);

    expect((await postPaypalWebhook(t, accountId, body, headers)).statusCode).toBe(200);
    expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).status).toBe('paid');
    const after = await dumpDatabase(t);
    const again = await deliver(event);
    expect(again.statusCode).toBe(200);
    expect(again.json().duplicate).toBe(true);
    expectProblem(await postPaypalWebhook(t, accountId, body, headers), 409, 'conflict');
    expect(await dumpDatabase(t)).toBe(after);
  });

  it('applies a refund that arrived before the capture, and refunds with step-up', async () => {
    const inv = await issuedInvoice(api);
    const { orderId, checkoutId } = await startOrder(inv.id);
    paypal.approve(orderId);
    await t.app.inject({ method: 'GET', url: `/api/v1/pay/return/paypal/${checkoutId}?token=${orderId}` });
    const captured = paypal.captureCompleted(orderId);
    const captureId = (captured.resource as { id: string }).id;
    expect((await deliver(paypal.refundEvent(captureId, '100.00', 'EUR'))).statusCode).toBe(200);
    expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).status).toBe('issued');
    expect((await deliver(captured)).statusCode).toBe(200);
    const mid = await api.ok('GET', `/api/v1/invoices/${inv.id}`);
    expect(mid.status).toBe('partially_paid');
    expect(mid.amountDue).toBe(10_000);

    const [p] = await paymentsOf(api, inv.id);
    expectProblem(
      await api.req('POST', `/api/v1/payments/${p.id}/refunds`, { amount: 5_000 }),
      401,
      'step_up_required',
    );
    const res = await session.req('POST', `/api/v1/payments/${p.id}/refunds`, { amount: 5_000 });
    expect(res.statusCode, res.body).toBe(201);
    const call = paypal.requests.filter((r) => r.path === `/v2/payments/captures/${captureId}/refund`).pop()!;
    expect(call.body).toEqual({ amount: { currency_code: 'EUR', value: '50.00' } });
    expect((await api.ok('GET', `/api/v1/invoices/${inv.id}`)).amountDue).toBe(15_000);
  });

  it('refuses deliveries to an endpoint whose keys were disconnected', async () => {
    const inv = await issuedInvoice(api);
    const { orderId } = await startOrder(inv.id);
    paypal.approve(orderId);
    const event = paypal.captureCompleted(orderId);
    const res = await session.req('DELETE', '/api/v1/payment-settings/providers/paypal');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().providers[0]).toMatchObject({ enabled: false, connected: false });
    expectProblem(await deliver(event), 404);
  });
});
