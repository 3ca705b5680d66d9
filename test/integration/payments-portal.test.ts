// Paying from the client portal (portal session): the contact sees and pays only their own
// invoices, comes back to the portal after Stripe, and downloads a receipt that is a signed PDF
// (checked with poppler's pdfsig). Staff tokens and other clients get nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { portalLogin, portalReq } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import {
  connectStripe,
  issuedInvoice,
  paymentsOf,
  postStripeWebhook,
  seedBankDetails,
  unixNow,
} from '../fakes/payments-fixture.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe-server.ts';
import { itNeeds } from '../helpers/tools.ts';

describeEachDb('payments: client portal', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let stripe: FakeStripe;
  let smtp: TestSmtp;
  let accountId: string;
  let mine: { id: string; total: number };
  let theirs: { id: string };
  let portal: { cookie: string; csrf: string };
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    stripe = await startFakeStripe();
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock,
      env: { SEALBILL_STRIPE_API_URL: stripe.url, SEALBILL_SMTP_URL: smtp.url },
    });
    api = await setupOrg(t.app, 'Portal Pay GmbH');
    await seedBankDetails(t, api.orgId);
    ({ accountId } = await connectStripe(t, api, stripe));
    mine = await issuedInvoice(api, { email: 'alice@client-a.test' });
    theirs = await issuedInvoice(api, { email: 'bob@client-b.test' });
    portal = await portalLogin(t.app, smtp, api.orgId, 'alice@client-a.test');
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.close();
    await smtp?.close();
  });

  it('shows and pays the contact’s own invoice, and returns to the portal', async () => {
    const view = await portalReq(t.app, portal, 'GET', `/api/v1/portal/documents/${mine.id}/payment`);
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json()).toMatchObject({
      amountDue: mine.total,
      status: 'open',
      methods: { providers: [{ name: 'stripe', embedded: false }] },
    });
    expect(view.json().methods.bankTransfer.qr.payload).toContain('BCD\n002');
    // The fingerprint printed on the invoice, and the page to check it on, before paying.
    expect(view.json().verification).toEqual({
      fingerprint: expect.stringMatching(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/),
      verifyUrl: expect.stringMatching(new RegExp(`^${t.config.publicUrl}/verify#fp=`)),
    });
    const qr = await portalReq(t.app, portal, 'GET', `/api/v1/portal/documents/${mine.id}/qr.png`);
    expect(qr.headers['content-type']).toBe('image/png');

    const res = await portalReq(t.app, portal, 'POST', `/api/v1/portal/documents/${mine.id}/checkout`, {
      provider: 'stripe',
    });
    expect(res.statusCode, res.body).toBe(201);
    const session = stripe.sessions.get(res.json().redirectUrl.split('/').pop())!;
    expect(session.success_url).toBe(`${t.config.publicUrl}/portal/documents/${mine.id}?payment=success`);
    expect(session.cancel_url).toBe(`${t.config.publicUrl}/portal/documents/${mine.id}?payment=cancelled`);

    const { completed } = stripe.completeSession(session.id);
    expect(
      (await postStripeWebhook(t, accountId, stripe.signed(completed, { timestamp: unixNow(t) }))).statusCode,
    ).toBe(200);
    expect((await portalReq(t.app, portal, 'GET', `/api/v1/portal/documents/${mine.id}/payment`)).json().status).toBe(
      'paid',
    );
    // Staff are told in the app (issue #15, item 6), with a link to the invoice.
    const told = await api.ok('GET', '/api/v1/notifications');
    expect(told.items.find((n: { kind: string }) => n.kind === 'payment_received')).toMatchObject({
      title: expect.stringMatching(/^Payment received: .+ \(stripe\)$/),
      link: `/app/invoices/${mine.id}`,
      readAt: null,
    });
  });

  itNeeds(['pdfsig', 'pdftotext'], 'serves the receipt to its client as a signed PDF, and to no one else', async () => {
    const [p] = await paymentsOf(api, mine.id);
    const res = await portalReq(t.app, portal, 'GET', `/api/v1/portal/payments/${p.id}/receipt`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="receipt-/);
    const staffCopy = await api.req('GET', `/api/v1/payments/${p.id}/receipt`);
    expect(staffCopy.rawPayload.equals(res.rawPayload)).toBe(true);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sealbill-receipt-')), 'receipt.pdf');
    writeFileSync(file, res.rawPayload);
    const out = execFileSync('pdfsig', [file], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    expect(out).toMatch(/Signature #1/);
    expect(out).toMatch(/Signature Validation: Signature is Valid/);
    const text = execFileSync('pdftotext', [file, '-'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    expect(text).toContain('Zahlungsbestätigung'); // the client's language, the org's de-DE by default

    // Bob's contact session cannot fetch Alice's receipt; a staff token cannot use portal routes.
    const bob = await portalLogin(t.app, smtp, api.orgId, 'bob@client-b.test');
    expectProblem(await portalReq(t.app, bob, 'GET', `/api/v1/portal/payments/${p.id}/receipt`), 404);
    expectProblem(await api.req('GET', `/api/v1/portal/payments/${p.id}/receipt`), 401);
  });

  it('refuses another client’s invoice with the same 404', async () => {
    for (const [method, url, body] of [
      ['GET', `/api/v1/portal/documents/${theirs.id}/payment`, undefined],
      ['POST', `/api/v1/portal/documents/${theirs.id}/checkout`, { provider: 'stripe' }],
      ['GET', `/api/v1/portal/documents/${theirs.id}/qr.png`, undefined],
      ['GET', '/api/v1/portal/documents/01900000-0000-7000-8000-000000000000/payment', undefined],
    ] as const) {
      expectProblem(await portalReq(t.app, portal, method, url, body), 404, 'not_found');
    }
    expectProblem(
      await portalReq(t.app, { ...portal, csrf: 'wrong' }, 'POST', `/api/v1/portal/documents/${mine.id}/checkout`, {
        provider: 'stripe',
      }),
      403,
      'csrf_failed',
    );
  });
});
