// Single-invoice pay links. Attacks: guessing or altering a token, using an expired or revoked
// link, reading another organization's links, and learning anything beyond the minimal invoice
// view (plus the verification fingerprint printed on the invoice, so the payer can check it before
// paying). The token is shown once and stored only as a hash.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { dumpDatabase, issuedInvoice, seedBankDetails } from '../fakes/payments-fixture.ts';
import { formatAmount } from '../../src/shared/money/money.ts';

describeEachDb('pay links', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  const clock = new FixedClock('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock });
    api = await setupOrg(t.app, 'Linkmaker GmbH');
    other = await setupOrg(t.app, 'Other Tenant AG');
    await seedBankDetails(t, api.orgId);
  });
  afterAll(() => t?.close());

  const open = (token: string) => t.app.inject({ method: 'GET', url: `/api/v1/pay/${token}` });
  const tokenOf = (url: string) => url.split('/pay/')[1]!;

  it('opens the minimal invoice view and nothing more', async () => {
    const inv = await issuedInvoice(api, { email: 'secret-payer@private.test' });
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, { expiresInDays: 14 });
    expect(link.url).toMatch(new RegExp(`^${t.config.publicUrl}/pay/[A-Za-z0-9_-]{43}$`));
    expect(link).toMatchObject({ status: 'active', expiresAt: '2026-03-16T10:00:00.000Z', invoiceId: inv.id });

    const res = await open(tokenOf(link.url));
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const view = res.json();
    expect(Object.keys(view).sort()).toEqual([
      'amountDue',
      'currency',
      'dueDate',
      'invoiceNumber',
      'methods',
      'orgName',
      'status',
      'verification',
    ]);
    expect(view).toMatchObject({
      orgName: 'Linkmaker GmbH',
      invoiceNumber: inv.number,
      currency: 'EUR',
      amountDue: inv.total,
      status: 'open',
    });
    expect(Object.keys(view.methods).sort()).toEqual(['bankTransfer', 'providers']);
    // No client identity, lines, notes or internal ids leak through the link.
    expect(res.body).not.toMatch(/Payer Ltd|secret-payer|Consulting|clientId|"id"/);
    expect(res.body).not.toContain(inv.id);

    const page = await t.app.inject({ method: 'GET', url: `/pay/${tokenOf(link.url)}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(page.body).not.toMatch(/<script(?![^>]*src="\/pay\/assets\/pay\.js")/);
    expect(page.body).not.toMatch(/ style=|<style/);
    expect(page.body).toContain(inv.number);
  });

  it("shows the invoice's verification fingerprint and where to check it, and nothing else new", async () => {
    const inv = await issuedInvoice(api, { email: 'fp-payer@private.test' });
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    const res = await open(tokenOf(link.url));
    const view = res.json();
    const signed = await t.container.db
      .selectFrom('document_signatures')
      .selectAll()
      .where('org_id', '=', api.orgId)
      .where('document_id', '=', inv.id)
      .executeTakeFirstOrThrow();
    // Exactly two fields: the fingerprint printed on the PDF and the public page, prefilled in the fragment.
    expect(view.verification).toEqual({
      fingerprint: signed.fingerprint,
      verifyUrl: `${t.config.publicUrl}/verify#fp=${signed.fingerprint}`,
    });
    expect(view.verification.fingerprint).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    // No signed payload, signature, key id, QR token (its answer names the client) or other new value.
    const stored = [
      signed.signature,
      signed.key_id,
      signed.payload_sha256,
      signed.token_hash,
      signed.pdf_sha256!,
      signed.payload_enc,
    ];
    for (const v of stored) expect(res.body).not.toContain(v);
    expect(res.body).not.toMatch(/\/verify\/[A-Za-z0-9_-]{22}|fp-payer|Payer Ltd|Consulting|clientId|"id"/);
    expect(res.body).not.toContain(inv.id);
    // The server-rendered page shows the same, with a link to the verification page.
    const page = await t.app.inject({ method: 'GET', url: `/pay/${tokenOf(link.url)}` });
    expect(page.body).toContain(`<code>${signed.fingerprint}</code>`);
    expect(page.body).toContain(`href="${t.config.publicUrl}/verify#fp=${signed.fingerprint}"`);
    expect(page.body).not.toMatch(/ style=|<style/);
    // The fingerprint checks out on the public verification API with what the pay page shows.
    const verdict = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify/details',
      payload: {
        fingerprint: view.verification.fingerprint,
        number: view.invoiceNumber,
        amount: formatAmount(inv.total, 'EUR'),
        iban: view.methods.bankTransfer.iban,
      },
    });
    expect(verdict.json()).toMatchObject({ authentic: true, reason: 'verified' });
  });

  it('stores only a hash of the token, and answers every bad token the same way', async () => {
    const inv = await issuedInvoice(api);
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    const token = tokenOf(link.url);
    const dump = await dumpDatabase(t);
    expect(dump).not.toContain(token);
    expect(dump).toContain(createHash('sha256').update(token).digest('hex'));

    const flipped = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const guesses = [
      randomBytes(32).toString('base64url'),
      flipped,
      token.slice(1),
      `${token}x`,
      'short',
      '..%2F..%2Fetc',
    ];
    const bodies = new Set<string>();
    for (const g of guesses) {
      const r = await open(g);
      const body = expectProblem(r, 404, 'not_found');
      bodies.add(body.detail);
    }
    expect([...bodies]).toEqual(['This payment link is invalid or has expired']);
  });

  it('expires', async () => {
    const inv = await issuedInvoice(api);
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, { expiresInDays: 1 });
    expect((await open(tokenOf(link.url))).statusCode).toBe(200);
    clock.advance(86_400_000 + 1000);
    try {
      expectProblem(await open(tokenOf(link.url)), 404);
      expectProblem(
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/pay/${tokenOf(link.url)}/checkout`,
          payload: { provider: 'stripe' },
        }),
        404,
      );
      expect((await t.app.inject({ method: 'GET', url: `/pay/${tokenOf(link.url)}` })).statusCode).toBe(404);
      const listed = await api.ok('GET', `/api/v1/invoices/${inv.id}/pay-links`);
      expect(listed.items[0].status).toBe('expired');
    } finally {
      clock.advance(-(86_400_000 + 1000));
    }
    expectProblem(await api.req('POST', `/api/v1/invoices/${inv.id}/pay-links`, { expiresInDays: 181 }), 400);
  });

  it('is revocable, and only by its own organization', async () => {
    const inv = await issuedInvoice(api);
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    expectProblem(await other.req('POST', `/api/v1/pay-links/${link.id}/revoke`), 404);
    expectProblem(await other.req('GET', `/api/v1/invoices/${inv.id}/pay-links`), 404);
    expectProblem(await other.req('POST', `/api/v1/invoices/${inv.id}/pay-links`, {}), 404);
    expect((await open(tokenOf(link.url))).statusCode).toBe(200);
    const revoked = await api.ok('POST', `/api/v1/pay-links/${link.id}/revoke`);
    expect(revoked.status).toBe('revoked');
    expectProblem(await open(tokenOf(link.url)), 404);
    const actions = (await api.ok('GET', '/api/v1/audit-events?limit=500')).items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['pay_link.created', 'pay_link.revoked']));
  });

  it('is refused for drafts, and shows a paid invoice as paid without payment methods', async () => {
    const client = await api.ok('POST', '/api/v1/clients', { name: 'Draft Client' });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      lines: [{ description: 'x', quantity: '1', unitPrice: 100 }],
    });
    expectProblem(await api.req('POST', `/api/v1/invoices/${draft.id}/pay-links`, {}), 409);

    const inv = await issuedInvoice(api);
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    await api.ok('POST', `/api/v1/invoices/${inv.id}/payments`, { amount: inv.total, method: 'bank_transfer' });
    const view = (await open(tokenOf(link.url))).json();
    expect(view).toMatchObject({ status: 'paid', amountDue: 0, methods: { providers: [], bankTransfer: null } });
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/pay/${tokenOf(link.url)}/checkout`,
        payload: { provider: 'stripe' },
      }),
      409,
    );
  });

  it("rate-limits pay-link requests per client address (last: it spends this minute's budget)", async () => {
    const inv = await issuedInvoice(api);
    const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
    let limited = 0;
    for (let i = 0; i < 70; i++) if ((await open(tokenOf(link.url))).statusCode === 429) limited++;
    expect(limited).toBeGreaterThan(0);
    expectProblem(await open(tokenOf(link.url)), 429, 'rate_limited');
    // Staff routes are not affected.
    expect((await api.req('GET', `/api/v1/invoices/${inv.id}/pay-links`)).statusCode).toBe(200);
  });

  it('keeps the token out of the request log', async () => {
    const { Writable } = await import('node:stream');
    const { buildHttpApp } = await import('../../src/main/app.ts');
    const { baseLoggerOptions } = await import('../../src/platform/logger.ts');
    let log = '';
    const stream = new Writable({ write: (c: Buffer, _e, done) => ((log += c.toString()), done()) });
    const app = await buildHttpApp(t.container, { logger: { ...baseLoggerOptions('info'), stream } });
    try {
      const inv = await issuedInvoice(api);
      const link = await api.ok('POST', `/api/v1/invoices/${inv.id}/pay-links`, {});
      const token = tokenOf(link.url);
      expect((await app.inject({ method: 'GET', url: `/pay/${token}` })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: `/api/v1/pay/${token}` })).statusCode).toBe(200);
      expect(log).toContain('/pay/[redacted]');
      expect(log).not.toContain(token);
    } finally {
      await app.close();
    }
  });
});
