// The payer's flow in a real browser: open a pay link, choose a provider, and land on the
// provider's own page (loopback fakes of Stripe Checkout and PayPal approval). The pay page runs
// under its CSP with no violation, loads no script but our own bundle, and has no card field.
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  checkpoint,
  describeBrowser,
  expectNoProblems,
  launchBrowser,
  newPage,
  startServer,
  type TestServer,
} from './browser.ts';
import { startFakePaypal, type FakePaypal } from '../fakes/paypal-server.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-server.ts';
import { payoutSchema } from '../../src/modules/orgs/org.schemas.ts';

describeBrowser('pay flow', () => {
  let server: TestServer;
  let browser: Browser;
  let stripe: FakeStripe;
  let paypal: FakePaypal;
  let token = '';
  let orgId = '';
  let accountId = '';

  async function call(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
    return res.json();
  }

  beforeAll(async () => {
    stripe = await startFakeStripe();
    paypal = await startFakePaypal();
    server = await startServer({ env: { SEALBILL_STRIPE_API_URL: stripe.url, SEALBILL_PAYPAL_API_URL: paypal.url } });
    browser = await launchBrowser();
    const setup = await fetch(`${server.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        organization: { name: 'Browser Pay GmbH', defaultCurrency: 'EUR', locale: 'de-DE', timeZone: 'Europe/Berlin' },
        owner: { email: 'owner@browserpay.test', name: 'Olga Owner' },
      }),
    });
    ({ token, orgId } = (await setup.json()) as { token: string; orgId: string });
    // Keys and payout details are set through the services (their step-up flows are tested elsewhere).
    const s = server.container.services;
    const actor = { type: 'system' as const, id: 'e2e' };
    await server.container.db
      .transaction()
      .execute((tx) =>
        s.orgs.setPayoutInTx(
          tx,
          orgId,
          payoutSchema.parse({ accountHolder: 'Browser Pay GmbH', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' }),
          actor,
        ),
      );
    const settings = await s.paymentSettings.connect(
      orgId,
      'stripe',
      { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret },
      true,
      actor,
    );
    accountId = settings.providers[0]!.webhookUrl.split('/').pop()!;
    await s.paymentSettings.connect(
      orgId,
      'paypal',
      {
        environment: 'sandbox',
        clientId: paypal.clientId,
        clientSecret: paypal.clientSecret,
        webhookId: paypal.webhookId,
      },
      true,
      actor,
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await stripe?.close();
    await paypal?.close();
  });

  async function payLink(): Promise<{ url: string; invoice: { id: string; number: string; total: number } }> {
    // An English client: the page speaks the invoice's language (German pages: pay-page.html.test.ts).
    const client = await call('POST', '/api/v1/clients', {
      name: 'Browser Client',
      email: 'ap@browser-client.test',
      language: 'en-GB',
    });
    const draft = await call('POST', '/api/v1/invoices', {
      clientId: client.id,
      lines: [{ description: 'Design', quantity: '3', unitPrice: 45_000 }],
    });
    const invoice = await call('POST', `/api/v1/invoices/${draft.id}/issue`, {});
    const link = await call('POST', `/api/v1/invoices/${invoice.id}/pay-links`, {});
    return { url: link.url.replace('http://127.0.0.1:3000', server.url), invoice };
  }

  it('goes from the pay link to Stripe Checkout with only our own script on the page', async () => {
    const { url, invoice } = await payLink();
    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    const scripts: string[] = [];
    page.on('request', (r: Request) => {
      if (r.resourceType() === 'script') scripts.push(r.url());
    });
    const res = await page.goto(url);
    expect(res!.headers()['content-security-policy']).toMatch(/script-src 'self';/);
    await checkpoint(page, 'pay-link', `Invoice ${invoice.number}`);
    expect(await page.locator('p.amount').textContent()).toBe('Amount due: €1,350.00'); // the invoice's locale (en-GB)
    // No field for card data; the one input is the opt-in to save the method, off unless ticked.
    expect(await page.locator('input').count()).toBe(1);
    expect(await page.getByRole('checkbox', { name: /Save the card or account I pay with/ }).isChecked()).toBe(false);
    expect(await page.locator('#payment-confirm').isVisible()).toBe(false);
    expect(await page.locator('img.qr').getAttribute('alt')).toMatch(/QR code/);
    expect(await page.locator('button.copy').count()).toBeGreaterThanOrEqual(3);
    // The fingerprint printed on the invoice, and a link to check it, before paying.
    expect(await page.locator('.verify code').textContent()).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    expect(
      await page.getByRole('link', { name: 'check the invoice on the verification page' }).getAttribute('href'),
    ).toMatch(/\/verify#fp=[A-Z2-7-]{19}$/);

    await Promise.all([
      page.waitForURL(`${stripe.url}/c/pay/**`),
      page.getByRole('button', { name: 'Pay by card (Stripe)' }).click(),
    ]);
    await page.getByRole('heading', { name: 'Stripe Checkout (test)' }).waitFor();
    const sessionId = page.url().split('/').pop()!;
    expect(stripe.sessions.get(sessionId)!.amount_total).toBe(invoice.total);
    expect(stripe.sessions.get(sessionId)!.setup_future_usage).toBeNull(); // nothing saved without the tick
    expect(scripts.filter((s) => !s.startsWith(server.url))).toEqual([]);
    expect(scripts.map((s) => new URL(s).pathname)).toEqual(['/pay/assets/pay.js']);
    expectNoProblems(problems);

    // Stripe confirms; the payer comes back to the completion page; the link now says paid.
    const { completed } = stripe.completeSession(sessionId);
    const delivery = stripe.signed(completed);
    const hook = await fetch(`${server.url}/api/v1/webhooks/stripe/${accountId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': delivery.header },
      body: delivery.body,
    });
    expect(hook.status).toBe(200);
    await page.goto(stripe.sessions.get(sessionId)!.success_url.replace('http://127.0.0.1:3000', server.url));
    await checkpoint(page, 'pay-complete', 'Thank you');
    await page.goto(url);
    await page.getByText('This invoice is paid. Thank you.').waitFor();
    expectNoProblems(problems);
    await ctx.close();
  }, 60_000);

  it('links the pay page to the verification page with the invoice fingerprint filled in', async () => {
    const { url } = await payLink();
    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    await page.goto(url);
    const fingerprint = (await page.locator('.verify code').textContent())!;
    const href = new URL(
      (await page.getByRole('link', { name: 'check the invoice on the verification page' }).getAttribute('href'))!,
    );
    expect(href.hash).toBe(`#fp=${fingerprint}`);
    await page.goto(`${server.url}${href.pathname}${href.hash}`);
    await checkpoint(page, 'verify-from-pay-link', 'Is this invoice genuine?');
    expect(await page.getByLabel('Verification code').inputValue()).toBe(fingerprint);
    expectNoProblems(problems);
    await ctx.close();
  }, 60_000);

  it('goes from the pay link to PayPal approval', async () => {
    const { url } = await payLink();
    const ctx = await browser.newContext();
    const { page, problems } = await newPage(ctx);
    await page.goto(url);
    await Promise.all([
      page.waitForURL(`${paypal.url}/checkoutnow?token=**`),
      page.getByRole('button', { name: 'Pay with PayPal' }).click(),
    ]);
    await page.getByRole('heading', { name: 'Log in to PayPal (test)' }).waitFor();
    const orderId = new URL(page.url()).searchParams.get('token')!;
    expect(paypal.orders.get(orderId)!.purchase_units[0].amount).toEqual({ currency_code: 'EUR', value: '1350.00' });
    expectNoProblems(problems);
    await ctx.close();
  }, 60_000);
});
