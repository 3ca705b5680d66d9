// The client portal realm, attacked: enumeration of emails, code guessing, other clients'
// documents, staff tokens on portal routes and portal cookies on staff routes, CSRF, session
// timeouts (injected clock), logout, and removed contacts.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice, cookieFrom, portalLogin, portalReq } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

describeEachDb('client portal', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let clock: FixedClock;
  let mine: Awaited<ReturnType<typeof clientWithInvoice>>;
  let theirs: Awaited<ReturnType<typeof clientWithInvoice>>;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-01-01T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app);
    mine = await clientWithInvoice(api, { name: 'Mine Ltd', email: 'me@mine.test' });
    theirs = await clientWithInvoice(api, { name: 'Theirs Ltd', email: 'them@theirs.test' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  // Each test starts past the sign-in throttle window of the previous one.
  beforeEach(() => clock.advance(16 * 60_000));

  it('signs in with an emailed code; unknown emails get the same answer and no email', async () => {
    const s = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    expect(s.body).toMatchObject({ client: 'Mine Ltd', contact: { email: 'me@mine.test' } });
    const me = await portalReq(t.app, s, 'GET', '/api/v1/portal/me');
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json().csrfToken).toBe(s.csrf);

    const before = smtp.messages.length;
    const known = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/code',
      payload: { orgId: api.orgId, email: 'me@mine.test' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/code',
      payload: { orgId: api.orgId, email: 'nobody@mine.test' },
    });
    const noOrg = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/code',
      payload: { orgId: '01900000-0000-7000-8000-000000000000', email: 'me@mine.test' },
    });
    for (const r of [known, unknown, noOrg]) {
      expect(r.statusCode).toBe(202);
      expect(Object.keys(r.json())).toEqual(['challengeId']);
    }
    await t.container.services.portalAuth.settle();
    expect(smtp.messages.slice(before).map((m) => m.to[0])).toEqual(['me@mine.test']);
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/portal/auth/code/verify',
        payload: { challengeId: unknown.json().challengeId, code: '123456' },
      }),
      401,
    );
  });

  it('throttles codes per email: the sixth request in 15 minutes sends nothing (same answer)', async () => {
    const before = smtp.messages.length;
    for (let i = 0; i < 6; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/portal/auth/code',
        payload: { orgId: api.orgId, email: 'me@mine.test' },
      });
      expect(r.statusCode).toBe(202);
    }
    await t.container.services.portalAuth.settle();
    expect(smtp.messages.length - before).toBe(5);
  });

  it('a code dies after 5 wrong guesses and is single-use', async () => {
    const before = smtp.messages.length;
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/code',
      payload: { orgId: api.orgId, email: 'me@mine.test' },
    });
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before);
    const code = /: (\d{6})\b/.exec(mail.parsed.text ?? '')![1]!;
    const verify = (c: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/portal/auth/code/verify',
        payload: { challengeId: r.json().challengeId, code: c },
      });
    for (let i = 0; i < 5; i++)
      expectProblem(await verify(String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0')), 401);
    expectProblem(await verify(code), 401);
  });

  it('signs in with a magic link, exchanged by POST, once', async () => {
    const before = smtp.messages.length;
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/portal/auth/code',
      payload: { orgId: api.orgId, email: 'me@mine.test' },
    });
    const mail = await smtp.waitFor((m) => smtp.messages.indexOf(m) >= before);
    const token = /\/portal\/magic#t=([A-Za-z0-9_-]+)/.exec(mail.parsed.text ?? '')![1]!;
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/portal/auth/magic', payload: { token } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(cookieFrom(ok, '__Host-sealbill-portal').length).toBeGreaterThan(40);
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly/i);
    expect(String(ok.headers['set-cookie'])).toMatch(/Secure/i);
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/v1/portal/auth/magic', payload: { token } }), 401);
  });

  it('sees only its own client documents: others and drafts are 404', async () => {
    const s = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    const list = await portalReq(t.app, s, 'GET', '/api/v1/portal/documents?kind=invoice');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((d: { id: string }) => d.id)).toEqual([mine.invoice.id]);
    const doc = await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${mine.invoice.id}`);
    expect(doc.json()).toMatchObject({ number: mine.invoice.number, total: 123_456 });
    // The fingerprint printed on the PDF (verification module), as the delivery emails show it.
    expect(doc.json().fingerprint).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);

    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: mine.client.id,
      lines: [{ description: 'draft', quantity: '1', unitPrice: 1 }],
    });
    for (const id of [theirs.invoice.id, draft.id, '01900000-0000-7000-8000-000000000000']) {
      expectProblem(await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${id}`), 404);
      expectProblem(await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${id}/pdf`), 404);
      expectProblem(await portalReq(t.app, s, 'POST', `/api/v1/portal/documents/${id}/acknowledge`), 404);
      expectProblem(await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${id}/deliveries`), 404);
    }
    // The other client's session cannot reach mine either.
    const other = await portalLogin(t.app, smtp, api.orgId, 'them@theirs.test');
    expectProblem(await portalReq(t.app, other, 'GET', `/api/v1/portal/documents/${mine.invoice.id}`), 404);
  });

  it('downloads as an attachment, no-store, recorded as evidence; acknowledges receipt', async () => {
    const s = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    const res = await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${mine.invoice.id}/pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=".+\.pdf"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    expectProblem(
      await portalReq(
        t.app,
        { ...s, csrf: 'wrong' },
        'POST',
        `/api/v1/portal/documents/${mine.invoice.id}/acknowledge`,
      ),
      403,
      'csrf_failed',
    );
    const ack = await portalReq(t.app, s, 'POST', `/api/v1/portal/documents/${mine.invoice.id}/acknowledge`);
    expect(ack.statusCode, ack.body).toBe(200);

    const hist = await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${mine.invoice.id}/deliveries`);
    expect(hist.json().items[0].events.map((e: { type: string }) => e.type)).toEqual(['accessed', 'acknowledged']);
    expect(hist.body).not.toMatch(/"ip"|127\.0\.0\.1|userAgent/);
    const staffView = await api.ok('GET', `/api/v1/invoices/${mine.invoice.id}/deliveries`);
    expect(staffView.items[0].status).toBe('acknowledged');
    expect(staffView.items[0].events[0].data).toMatchObject({ via: 'portal', contactId: mine.contactId });
  });

  it('accepts its own quotes and lists its payments', async () => {
    const q = await api.ok('POST', '/api/v1/quotes', {
      clientId: mine.client.id,
      lines: [{ description: 'Offer', quantity: '1', unitPrice: 5000 }],
    });
    await api.ok('POST', `/api/v1/quotes/${q.id}/issue`);
    await api.ok('POST', `/api/v1/invoices/${mine.invoice.id}/payments`, { amount: 456 });
    await api.ok('POST', `/api/v1/invoices/${theirs.invoice.id}/payments`, { amount: 999 });
    const s = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    const other = await portalLogin(t.app, smtp, api.orgId, 'them@theirs.test');
    expectProblem(await portalReq(t.app, other, 'POST', `/api/v1/portal/quotes/${q.id}/accept`), 404);
    const accepted = await portalReq(t.app, s, 'POST', `/api/v1/portal/quotes/${q.id}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().status).toBe('accepted');
    // The organization hears of it: a mail to its owners and admins, written with the acceptance.
    const notice = await smtp.waitFor(
      (m) =>
        m.to.includes('owner@acmegmbh.test') && /^\[Acme GmbH\] Quote .+ accepted by /.test(m.parsed.subject ?? ''),
    );
    expect(notice.parsed.text).toContain(`/app/quotes/${q.id}`);
    const pays = await portalReq(t.app, s, 'GET', '/api/v1/portal/payments');
    expect(pays.json().items.map((p: { amount: number }) => p.amount)).toEqual([456]);
  });

  it('keeps the realms apart: staff tokens on portal routes and portal cookies on staff routes are 401', async () => {
    const s = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    for (const url of [
      '/api/v1/portal/me',
      '/api/v1/portal/documents',
      `/api/v1/portal/documents/${mine.invoice.id}/pdf`,
    ]) {
      expectProblem(await api.req('GET', url), 401);
    }
    for (const url of ['/api/v1/invoices', `/api/v1/invoices/${mine.invoice.id}`, '/api/v1/clients', '/api/v1/me']) {
      expectProblem(await portalReq(t.app, s, 'GET', url), 401);
    }
    expectProblem(await portalReq(t.app, s, 'POST', `/api/v1/invoices/${mine.invoice.id}/send`, {}), 401);
    // A portal token presented as a bearer token is not a staff credential either.
    expectProblem(await api.as(s.cookie).req('GET', '/api/v1/invoices'), 401);
  });

  it('follows the session rules: idle and absolute timeouts, logout, removed contact', async () => {
    const idle = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    clock.advance(29 * 60_000);
    expect((await portalReq(t.app, idle, 'GET', '/api/v1/portal/me')).statusCode).toBe(200);
    clock.advance(30 * 60_000 + 1000);
    expectProblem(await portalReq(t.app, idle, 'GET', '/api/v1/portal/me'), 401);

    const abs = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    for (let i = 0; i < 40; i++) {
      clock.advance(25 * 60_000);
      if ((await portalReq(t.app, abs, 'GET', '/api/v1/portal/me')).statusCode !== 200) break;
    }
    expectProblem(await portalReq(t.app, abs, 'GET', '/api/v1/portal/me'), 401);

    const out = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    expect((await portalReq(t.app, out, 'POST', '/api/v1/portal/auth/logout')).statusCode).toBe(200);
    expectProblem(await portalReq(t.app, out, 'GET', '/api/v1/portal/me'), 401);

    const gone = await portalLogin(t.app, smtp, api.orgId, 'them@theirs.test');
    await api.ok('DELETE', `/api/v1/clients/${theirs.client.id}/contacts/${theirs.contactId}`);
    expectProblem(await portalReq(t.app, gone, 'GET', '/api/v1/portal/me'), 401);
  });
});
