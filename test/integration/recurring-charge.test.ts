// Recurring invoices charged to a client's saved payment method (issue #15, item 5: autoCharge),
// through the real worker path (runDue, then the durable jobs), the real `stripe` SDK against the
// loopback Stripe fake, signed webhooks and a real SMTP server on loopback:
// - the payer saves a method at a hosted checkout only when they ask; the consent's refs and
//   label are sealed at rest, listed for staff and the client, revocable by both, audited;
// - a charge that succeeds books the payment once, even when Stripe's webhook arrives too, and the
//   invoice is sent (paid) with its receipt;
// - authentication required and a decline fall back to sending the invoice at once (never
//   retried), and show on the dashboard until resolved;
// - a provider outage is retried with the job back-off, then charged once;
// - a revoked consent is never charged;
// - a run found mid-charge (its runner died) is reconciled: the ledger first (the webhook may have
//   booked it), then the same call with the same idempotency key — never a second charge; too
//   late to replay, it is 'interrupted' for staff;
// - attack: a member without payment:record cannot turn charging on or revoke a consent, and a
//   portal contact cannot revoke another client's consent.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { portalLogin, portalReq } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { recurringMoves } from '../helpers/recurring.ts';
import { addMember } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { connectStripe, dumpDatabase, paymentsOf, postStripeWebhook, unixNow } from '../fakes/payments-fixture.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-server.ts';

describeEachDb('recurring invoices charged automatically', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let stripe: FakeStripe;
  let api: Api;
  let accountId: string;
  const clock = new FixedClock('2026-04-10T09:00:00Z');
  const lines = [{ description: 'Retainer', quantity: '1', unitPrice: 50_000 }];
  let n = 0;

  /** A client of its own (mail and charge counts stay exact), English, delivered by notice. */
  async function client() {
    const email = `member${++n}@charged.test`;
    const c = await api.ok('POST', '/api/v1/clients', {
      name: `Member ${n} GmbH`,
      language: 'en',
      deliveryMode: 'notice-only',
      contacts: [{ name: `Payer ${n}`, email, isPrimary: true }],
    });
    return { id: c.id as string, email };
  }
  const webhook = (event: object) => postStripeWebhook(t, accountId, stripe.signed(event, { timestamp: unixNow(t) }));

  /** The client pays a one-off invoice through a pay link and ticks "save this method". */
  async function saveMethod(clientId: string, paymentMethod = 'pm_card_visa', save = true) {
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Setup', quantity: '1', unitPrice: 1_000 }],
    });
    await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    const link = await api.ok('POST', `/api/v1/invoices/${draft.id}/pay-links`, {});
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pay/${link.url.split('/pay/')[1]}/checkout`,
      payload: { provider: 'stripe', saveMethod: save },
    });
    expect(res.statusCode, res.body).toBe(201);
    const done = stripe.completeSession(res.json().redirectUrl.split('/').pop(), { paymentMethod });
    // Both events, in Stripe's usual order: the session books the payment, the intent names the method.
    expect((await webhook(done.completed)).statusCode).toBe(200);
    expect((await webhook(done.succeeded)).statusCode).toBe(200);
    return { customerId: done.customerId, paymentMethodId: done.paymentMethodId };
  }
  const schedule = (clientId: string, extra: Record<string, unknown> = {}) =>
    api.ok(
      'POST',
      '/api/v1/recurring-schedules',
      {
        clientId,
        lines,
        frequency: 'monthly',
        startOn: clock.now().toISOString().slice(0, 10),
        autoSend: true,
        autoCharge: true,
        ...extra,
      },
      201,
    );
  const offSessionCalls = (customer: string | null) =>
    stripe.requests.filter(
      (r) => r.path === '/v1/payment_intents' && r.body.off_session === 'true' && r.body.customer === customer,
    );
  const { mailsTo, runsOf, attention, worker, later, runJobAgain } = recurringMoves(() => ({ t, api, smtp, clock }));
  const runChargeJobAgain = (runId: string) => runJobAgain(runId, 'chargeJob');
  const end = (id: string) => api.ok('POST', `/api/v1/recurring-schedules/${id}/status`, { status: 'ended' });

  beforeAll(async () => {
    stripe = await startFakeStripe();
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock,
      env: {
        SEALBILL_STRIPE_API_URL: stripe.url,
        SEALBILL_SMTP_URL: smtp.url,
        SEALBILL_MAIL_FROM: 'Billing <billing@charged.test>',
      },
    });
    api = await setupOrg(t.app, 'Charged Monthly GmbH', { timeZone: 'UTC' });
    ({ accountId } = await connectStripe(t, api, stripe));
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await stripe?.close();
  });

  it('saves a method only when the payer asks; sealed at rest, listed and revocable by staff and the client, audited', async () => {
    const c = await client();
    await saveMethod(c.id, 'pm_card_visa', false);
    expect((await api.ok('GET', `/api/v1/clients/${c.id}/payment-methods`)).items).toEqual([]);

    const saved = await saveMethod(c.id, 'pm_card_visa');
    const [consent] = (await api.ok('GET', `/api/v1/clients/${c.id}/payment-methods`)).items;
    expect(consent).toMatchObject({
      clientId: c.id,
      provider: 'stripe',
      kind: 'card',
      label: 'Visa •••• 4242',
      authorisedVia: 'pay_link',
      revokedAt: null,
      active: true,
    });
    expect(JSON.stringify(consent)).not.toContain(saved.paymentMethodId);
    // Sealed at rest: neither Stripe reference nor the label is readable in any table.
    const dump = await dumpDatabase(t);
    expect(dump).not.toContain(saved.customerId);
    expect(dump).not.toContain(saved.paymentMethodId);
    expect(dump).not.toContain('•••• 4242');
    // Webhooks delivered again change nothing: one consent per checkout.
    expect((await api.ok('GET', `/api/v1/clients/${c.id}/payment-methods`)).items).toHaveLength(1);

    // Not through PayPal or the embedded form: refused, not silently ignored.
    const draft = await api.ok('POST', '/api/v1/invoices', { clientId: c.id, lines });
    await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    const link = await api.ok('POST', `/api/v1/invoices/${draft.id}/pay-links`, {});
    const token = link.url.split('/pay/')[1];
    for (const payload of [
      { provider: 'paypal', saveMethod: true },
      { provider: 'stripe', embedded: true, saveMethod: true },
    ])
      expectProblem(
        await t.app.inject({ method: 'POST', url: `/api/v1/pay/${token}/checkout`, payload }),
        422,
        'unprocessable',
      );

    // The client's portal contact sees it and revokes it; another client's contact cannot.
    const other = await client();
    const otherPortal = await portalLogin(t.app, smtp, api.orgId, other.email);
    expect((await portalReq(t.app, otherPortal, 'GET', '/api/v1/portal/payment-methods')).json().items).toEqual([]);
    expectProblem(
      await portalReq(t.app, otherPortal, 'POST', `/api/v1/portal/payment-methods/${consent.id}/revoke`),
      404,
    );
    const portal = await portalLogin(t.app, smtp, api.orgId, c.email);
    const mine = (await portalReq(t.app, portal, 'GET', '/api/v1/portal/payment-methods')).json().items;
    expect(mine).toEqual([expect.objectContaining({ id: consent.id, label: 'Visa •••• 4242', active: true })]);
    const revoked = await portalReq(t.app, portal, 'POST', `/api/v1/portal/payment-methods/${consent.id}/revoke`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ active: false, revokedBy: 'client' });
    expectProblem(await api.req('POST', `/api/v1/clients/${c.id}/payment-methods/${consent.id}/revoke`), 409);

    const audit = (await api.ok('GET', '/api/v1/audit-events?limit=500')).items;
    expect(audit.filter((e: { action: string }) => e.action === 'payment.method_saved')).toEqual([
      expect.objectContaining({
        objectId: c.id,
        summary: expect.objectContaining({ consentId: consent.id, kind: 'card' }),
      }),
    ]);
    expect(
      audit.filter(
        (e: { action: string; objectId: string }) => e.action === 'payment.method_revoked' && e.objectId === c.id,
      ),
    ).toHaveLength(1);
  });

  it('charges the invoice off-session and books it once, even when the webhook arrives too; sends it paid with its receipt', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    const saved = await saveMethod(c.id);
    const before = mailsTo(c.email).length;
    const s = await schedule(c.id);
    expect(s).toMatchObject({ autoSend: true, autoCharge: true, chargerUserId: api.userId });
    expect(await worker()).toBe(1);

    const [run] = await runsOf(s.id);
    expect(run).toMatchObject({ chargeStatus: 'succeeded', chargeAttempts: 1, chargeError: null, sendStatus: 'sent' });
    const invoice = await api.ok('GET', `/api/v1/invoices/${run.documentId}`);
    expect(invoice).toMatchObject({ status: 'paid', amountDue: 0 });
    const calls = offSessionCalls(saved.customerId);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toMatchObject({ amount: String(invoice.total), payment_method: saved.paymentMethodId });
    let payments = await paymentsOf(api, run.documentId);
    expect(payments).toEqual([
      expect.objectContaining({ amount: invoice.total, provider: 'stripe', hasReceipt: true }),
    ]);

    // Stripe's webhook for the same PaymentIntent: already booked, nothing changes.
    const res = await webhook(stripe.succeedIntent(payments[0].providerRef));
    expect(res.statusCode, res.body).toBe(200);
    payments = await paymentsOf(api, run.documentId);
    expect(payments).toHaveLength(1);
    await t.container.jobs.settled();
    // The invoice (now paid) and the receipt reached the client.
    const mails = mailsTo(c.email).slice(before);
    expect(mails.map((m) => m.parsed.subject)).toEqual(
      expect.arrayContaining([
        `Invoice ${invoice.number} from Charged Monthly GmbH`,
        `Payment received: invoice ${invoice.number} (Charged Monthly GmbH)`,
      ]),
    );
    expect(await attention()).toEqual([]);
    await end(s.id);
  });

  it('falls back to sending at once when the bank asks for authentication, or the card is declined; both on the dashboard', async () => {
    clock.set('2026-04-10T09:00:00Z');
    for (const [pm, reason] of [
      ['pm_card_authenticationRequired', /asked for authentication/],
      ['pm_card_chargeDeclined', /declined \(card_declined\)/],
    ] as const) {
      const c = await client();
      const saved = await saveMethod(c.id, pm);
      const s = await schedule(c.id);
      await worker();
      const [run] = await runsOf(s.id);
      expect(run).toMatchObject({
        chargeStatus: 'failed',
        chargeError: expect.stringMatching(reason),
        sendStatus: 'sent',
      });
      const invoice = await api.ok('GET', `/api/v1/invoices/${run.documentId}`);
      expect(invoice.status).toBe('sent');
      expect(await paymentsOf(api, run.documentId)).toEqual([]);
      expect(mailsTo(c.email).map((m) => m.parsed.subject)).toContain(
        `Invoice ${invoice.number} from Charged Monthly GmbH`,
      );
      // Never retried: a decline stays a decline.
      await later(3_600_000);
      expect(offSessionCalls(saved.customerId)).toHaveLength(1);
      expect(await attention()).toEqual([
        expect.objectContaining({
          source: 'recurring_charge',
          status: 'failed',
          id: run.id,
          documentId: run.documentId,
          number: invoice.number,
          reason: expect.stringMatching(reason),
        }),
      ]);
      expect((await api.ok('POST', `/api/v1/recurring-runs/${run.id}/resolve`)).chargeStatus).toBe('resolved');
      expect(await attention()).toEqual([]);
      await end(s.id);
      clock.set('2026-04-10T09:00:00Z');
    }
  });

  it('sends the invoice while a SEPA debit processes; a debit that fails later leaves it open, on the dashboard', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    const saved = await saveMethod(c.id, 'pm_sepa_debit');
    const s = await schedule(c.id);
    await worker();
    const [run] = await runsOf(s.id);
    expect(run).toMatchObject({ chargeStatus: 'processing', sendStatus: 'sent' });
    expect(await attention()).toEqual([]);
    const [call] = offSessionCalls(saved.customerId);
    const intentId = [...stripe.intents.values()].find(
      (pi) =>
        pi.customer === saved.customerId && (pi.metadata as { sealbill_off_session?: string }).sealbill_off_session,
    )!.id as string;
    expect(call!.body).toMatchObject({ metadata: { sealbill_off_session: '1' } });

    // Days later the bank returns the debit.
    const failed = await webhook(stripe.failIntent(intentId));
    expect(failed.statusCode).toBe(200);
    expect((await runsOf(s.id))[0]).toMatchObject({ chargeStatus: 'failed', sendStatus: 'sent' });
    expect(await attention()).toEqual([
      expect.objectContaining({
        source: 'recurring_charge',
        status: 'failed',
        id: run.id,
        reason: expect.stringMatching(/direct debit failed/),
      }),
    ]);
    const invoice = await api.ok('GET', `/api/v1/invoices/${run.documentId}`);
    expect(invoice).toMatchObject({ status: 'sent', amountDue: invoice.total });
    expect(await paymentsOf(api, run.documentId)).toEqual([]);
    const notes = await api.ok('GET', '/api/v1/notifications');
    expect(notes.items.map((n: { kind: string }) => n.kind)).toContain('payment_failed');
    // Sent once, not again.
    await t.container.jobs.settled();
    expect(
      mailsTo(c.email).filter((m) => m.parsed.subject === `Invoice ${invoice.number} from Charged Monthly GmbH`),
    ).toHaveLength(1);
    expect((await api.ok('POST', `/api/v1/recurring-runs/${run.id}/resolve`)).chargeStatus).toBe('resolved');
    await end(s.id);
  });

  it('retries a charge the provider could not take with the job back-off, then charges once', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    const saved = await saveMethod(c.id);
    const s = await schedule(c.id);
    stripe.faults = { mode: 'error', count: 1 };
    await worker();
    let [run] = await runsOf(s.id);
    expect(run).toMatchObject({
      chargeStatus: 'retrying',
      chargeAttempts: 1,
      sendStatus: 'queued',
      nextAttemptAt: '2026-04-10T09:00:30.000Z',
      chargeError: expect.stringMatching(/StripeAPIError.*HTTP 500/),
    });
    expect(mailsTo(c.email).filter((m) => m.parsed.subject?.startsWith('Invoice '))).toHaveLength(0); // not sent before the charge
    expect(await attention()).toEqual([
      expect.objectContaining({ source: 'recurring_charge', status: 'retrying', id: run.id }),
    ]);
    await later(10_000);
    expect((await runsOf(s.id))[0].chargeAttempts).toBe(1);
    await later(25_000);
    [run] = await runsOf(s.id);
    expect(run).toMatchObject({ chargeStatus: 'succeeded', chargeAttempts: 2, sendStatus: 'sent' });
    expect((await api.ok('GET', `/api/v1/invoices/${run.documentId}`)).status).toBe('paid');
    expect(await paymentsOf(api, run.documentId)).toHaveLength(1);
    expect(
      [...stripe.intents.values()].filter(
        (pi) => pi.customer === saved.customerId && pi.metadata?.sealbill_checkout && pi.amount === 50_000,
      ),
    ).toHaveLength(1);
    expect(await attention()).toEqual([]);
    await end(s.id);
  });

  it('never charges a revoked consent: the invoice is sent to pay', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    const saved = await saveMethod(c.id);
    const [consent] = (await api.ok('GET', `/api/v1/clients/${c.id}/payment-methods`)).items;
    expect((await api.ok('POST', `/api/v1/clients/${c.id}/payment-methods/${consent.id}/revoke`)).revokedBy).toBe(
      'staff',
    );
    const s = await schedule(c.id);
    await worker();
    const [run] = await runsOf(s.id);
    expect(run).toMatchObject({
      chargeStatus: 'skipped',
      chargeError: expect.stringMatching(/no active authorisation/),
      sendStatus: 'sent',
    });
    expect(offSessionCalls(saved.customerId)).toHaveLength(0);
    expect((await api.ok('GET', `/api/v1/invoices/${run.documentId}`)).status).toBe('sent');
    expect(await attention()).toEqual([]);
    await end(s.id);
  });

  it('reconciles a run found mid-charge: the same PaymentIntent (same key) or the payment the webhook booked, never a second charge', async () => {
    clock.set('2026-04-10T09:00:00Z');
    // Stripe charged, then the connection broke on every try: the run is retrying, its checkout and key kept.
    const crashAfterCharge = async () => {
      const c = await client();
      const saved = await saveMethod(c.id);
      const s = await schedule(c.id);
      stripe.faults = { mode: 'drop', count: 3 };
      await worker();
      const [run] = await runsOf(s.id);
      expect(run).toMatchObject({ chargeStatus: 'retrying', sendStatus: 'queued' });
      // …and then the runner died mid-charge on its next attempt (its claim stands).
      await t.container.db
        .updateTable('recurring_runs')
        .set({ charge_status: 'charging' })
        .where('id', '=', run.id)
        .execute();
      const charged = [...stripe.intents.values()].filter(
        (pi) => pi.customer === saved.customerId && pi.amount === 50_000,
      );
      expect(charged).toHaveLength(1);
      return { c, saved, s, run, intentId: charged[0]!.id as string };
    };

    // 1. Replayed with the same key: Stripe answers with the charge it made.
    const a = await crashAfterCharge();
    await runChargeJobAgain(a.run.id);
    let [run] = await runsOf(a.s.id);
    expect(run).toMatchObject({ chargeStatus: 'succeeded', sendStatus: 'sent' });
    expect(new Set(offSessionCalls(a.saved.customerId).map((r) => r.body.amount))).toEqual(new Set(['50000']));
    expect(
      [...stripe.intents.values()].filter((pi) => pi.customer === a.saved.customerId && pi.amount === 50_000),
    ).toHaveLength(1);
    expect(await paymentsOf(api, a.run.documentId)).toEqual([expect.objectContaining({ providerRef: a.intentId })]);
    // The job's own retry, due after its back-off, finds nothing left to do.
    await later(60_000);
    expect(await paymentsOf(api, a.run.documentId)).toHaveLength(1);
    expect(mailsTo(a.c.email).filter((m) => m.parsed.subject?.startsWith('Invoice '))).toHaveLength(1);
    await end(a.s.id);

    // 2. The webhook came first and booked it: the run takes it from the ledger, no provider call.
    clock.set('2026-04-10T09:00:00Z');
    const b = await crashAfterCharge();
    expect((await webhook(stripe.succeedIntent(b.intentId))).statusCode).toBe(200);
    const callsBefore = offSessionCalls(b.saved.customerId).length;
    await runChargeJobAgain(b.run.id);
    [run] = await runsOf(b.s.id);
    expect(run).toMatchObject({ chargeStatus: 'succeeded', sendStatus: 'sent' });
    expect(offSessionCalls(b.saved.customerId)).toHaveLength(callsBefore);
    expect(await paymentsOf(api, b.run.documentId)).toEqual([expect.objectContaining({ providerRef: b.intentId })]);
    await end(b.s.id);

    // 3. Found too late to replay safely (the provider may have forgotten the key): not called
    // again; interrupted for staff, and the invoice is sent.
    clock.set('2026-04-10T09:00:00Z');
    const d = await crashAfterCharge();
    const callsThen = offSessionCalls(d.saved.customerId).length;
    clock.advance(24 * 3_600_000);
    await runChargeJobAgain(d.run.id);
    [run] = await runsOf(d.s.id);
    expect(run).toMatchObject({
      chargeStatus: 'interrupted',
      chargeError: expect.stringMatching(/check the payment provider/),
      sendStatus: 'sent',
    });
    expect(offSessionCalls(d.saved.customerId)).toHaveLength(callsThen);
    expect(await attention()).toEqual([
      expect.objectContaining({ source: 'recurring_charge', status: 'interrupted', id: d.run.id }),
    ]);
    await api.ok('POST', `/api/v1/recurring-runs/${d.run.id}/resolve`);
    await end(d.s.id);
  });

  it('lets only members who may record payments turn charging on or revoke a consent; charging needs sending', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    await saveMethod(c.id);
    const [consent] = (await api.ok('GET', `/api/v1/clients/${c.id}/payment-methods`)).items;
    const sales = await addMember(t, api.orgId, 'sales', 'sales@charged.test');
    // Sales may edit schedules and send invoices, but not take a client's money.
    const created = await sales.req('POST', '/api/v1/recurring-schedules', {
      clientId: c.id,
      lines,
      frequency: 'monthly',
      startOn: '2026-04-10',
      autoIssue: false,
      autoCharge: true,
    });
    expectProblem(created, 403);
    const s = await schedule(c.id, { autoCharge: false });
    expectProblem(
      await sales.req('PATCH', `/api/v1/recurring-schedules/${s.id}`, { autoCharge: true }),
      403,
      'forbidden',
    );
    expectProblem(await sales.req('POST', `/api/v1/clients/${c.id}/payment-methods/${consent.id}/revoke`), 403);
    expect((await sales.req('GET', `/api/v1/clients/${c.id}/payment-methods`)).statusCode).toBe(200);
    expectProblem(
      await api.req('PATCH', `/api/v1/recurring-schedules/${s.id}`, { autoSend: false, autoCharge: true }),
      422,
    );
    expect((await api.ok('PATCH', `/api/v1/recurring-schedules/${s.id}`, { autoCharge: true })).autoCharge).toBe(true);
    expectProblem(await api.req('PATCH', `/api/v1/recurring-schedules/${s.id}`, { autoSend: false }), 422);

    // The member who turned charging on lost payment:record: sent to pay, charge held (dashboard).
    const accountant = await addMember(t, api.orgId, 'accountant', 'accountant@charged.test');
    expect(
      (await accountant.req('PATCH', `/api/v1/recurring-schedules/${s.id}`, { autoCharge: true })).statusCode,
    ).toBe(200);
    await t.container.db
      .updateTable('memberships')
      .set({ role: 'sales' })
      .where('org_id', '=', api.orgId)
      .where('role', '=', 'accountant')
      .execute();
    await worker();
    const [run] = await runsOf(s.id);
    expect(run).toMatchObject({
      chargeStatus: 'held',
      sendStatus: 'sent',
      chargeError: expect.stringMatching(/may no longer record payments/),
    });
    expect(await attention()).toEqual([
      expect.objectContaining({ source: 'recurring_charge', status: 'held', id: run.id }),
    ]);
    await api.ok('POST', `/api/v1/recurring-runs/${run.id}/resolve`);
    await end(s.id);
  });
});
