// The reconciliation job compares the provider's recent records with our ledger and flags each
// difference once: a payment Stripe took whose webhook never arrived, and a refund made in the
// Stripe dashboard that our ledger does not know about.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOrg, expectProblem, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import {
  connectStripe,
  issuedInvoice,
  postStripeWebhook,
  seedBankDetails,
  unixNow,
} from '../fakes/payments-fixture.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-server.ts';
import { runCli } from '../helpers/cli.ts';
import { paymentsReconcileCommand } from '../../src/main/cli/payments.commands.ts';

describeEachDb('payments: reconciliation', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let stripe: FakeStripe;
  let accountId: string;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_STRIPE_API_URL: stripe.url } });
    api = await setupOrg(t.app, 'Reconcile GmbH');
    await seedBankDetails(t, api.orgId);
    ({ accountId } = await connectStripe(t, api, stripe));
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
  });

  it('flags a payment whose webhook was lost, once, and a dashboard refund the ledger lacks', async () => {
    const inv = await issuedInvoice(api);
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pay/${link.url.split('/pay/')[1]}/checkout`,
      payload: { provider: 'stripe' },
    });
    const { completed, paymentIntentId } = stripe.completeSession(res.json().redirectUrl.split('/').pop());

    // The webhook never arrives.
    expect(await api.ok('POST', '/api/v1/payments/reconciliation/run')).toEqual({ added: 1 });
    const flags = (await api.ok('GET', '/api/v1/payments/reconciliation-flags')).items;
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      provider: 'stripe',
      providerRef: paymentIntentId,
      kind: 'missing_payment',
      detail: { amount: inv.total, currency: 'EUR' },
    });
    expect(await api.ok('POST', '/api/v1/payments/reconciliation/run')).toEqual({ added: 0 });

    // The late webhook books it; nothing new to flag; the flag is resolved by a human.
    expect(
      (await postStripeWebhook(t, accountId, stripe.signed(completed, { timestamp: unixNow(t) }))).statusCode,
    ).toBe(200);
    expect(await api.ok('POST', '/api/v1/payments/reconciliation/run')).toEqual({ added: 0 });
    await api.ok('POST', `/api/v1/payments/reconciliation-flags/${flags[0].id}/resolve`);
    expect((await api.ok('GET', '/api/v1/payments/reconciliation-flags')).items).toEqual([]);
    expect((await api.ok('GET', '/api/v1/payments/reconciliation-flags?resolved=true')).items).toHaveLength(1);
    expectProblem(await api.req('POST', `/api/v1/payments/reconciliation-flags/${flags[0].id}/resolve`), 404);

    // A refund made in the Stripe dashboard whose webhook is lost too.
    stripe.refund(paymentIntentId, 5_000);
    const run = await t.container.services.reconciliation.runAll();
    expect(run).toEqual({ added: 1, failed: [] });
    const open = (await api.ok('GET', '/api/v1/payments/reconciliation-flags')).items;
    expect(open[0]).toMatchObject({ kind: 'refund_mismatch', detail: { ours: 0, theirs: 5_000 } });

    // The worker's hourly pace: right after a run, runIfDue does nothing.
    expect(await t.container.services.reconciliation.runIfDue()).toBeNull();
    clock.advance(61 * 60_000);
    expect(await t.container.services.reconciliation.runIfDue()).toEqual({ added: 0, failed: [] });
  });

  it('runs from the CLI', async () => {
    expect(await runCli(t, paymentsReconcileCommand, [])).toEqual({
      out: 'reconciliation: 0 new flag(s)\n',
      exitCode: 0,
    });
  });

  it('keeps going when a provider is unreachable, and names the account', async () => {
    await stripe.close();
    // Staff asking now get 502 problem+json naming the provider (the loopback port no longer answers), not a bare 500.
    const now = expectProblem(await api.req('POST', '/api/v1/payments/reconciliation/run'), 502, 'upstream_failed');
    expect(now.detail).toContain('stripe');
    const run = await t.container.services.reconciliation.runAll();
    expect(run.added).toBe(0);
    expect(run.failed).toEqual([accountId]);
    const cli = await runCli(t, paymentsReconcileCommand, []);
    expect(cli.exitCode).toBe(1);
    expect(cli.out).toContain(accountId);
  });
});
