// Staff notifications (issue #15, item 6): a quote accepted or declined in the portal, a document
// opened (once) or acknowledged there, a delivery bounced; in the app and by email per member
// preference, only to members who may see the event, written in the event's own transaction,
// stored encrypted (they name clients), each member seeing and marking only their own.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { setupOrg, type Api } from '../helpers/api.ts';
import { clientWithInvoice, portalLogin, portalReq } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { addMember, type SessionClient } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

describeEachDb('staff notifications', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  let clock: FixedClock;
  let mine: Awaited<ReturnType<typeof clientWithInvoice>>;
  const OWNER = 'owner@notifygmbh.test';

  type Caller = Pick<Api, 'ok'>;
  const unread = async (a: Caller = api) => (await a.ok('GET', '/api/v1/notifications?unread=true')).items;
  /** A signed-in member's session, called like the owner's API token. */
  const caller = (c: SessionClient): Caller => ({
    async ok(method: string, url: string, body?: unknown) {
      const r = await c.req(method, url, body);
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json();
    },
  });
  async function issuedQuote() {
    const q = await api.ok('POST', '/api/v1/quotes', {
      clientId: mine.client.id,
      lines: [{ description: 'Offer', quantity: '1', unitPrice: 5000 }],
    });
    return api.ok('POST', `/api/v1/quotes/${q.id}/issue`);
  }

  beforeAll(async () => {
    smtp = await startTestSmtp();
    clock = new FixedClock('2026-01-01T09:00:00Z');
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Notify GmbH');
    mine = await clientWithInvoice(api, { name: 'Mine Ltd', email: 'me@mine.test' });
    await api.ok('POST', `/api/v1/invoices/${mine.invoice.id}/send`, { mode: 'notice-only' }, 201);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });
  beforeEach(() => clock.advance(16 * 60_000)); // past the portal sign-in throttle window

  it('tells staff when a client accepts or declines a quote, in the app and by email', async () => {
    const a = await issuedQuote();
    const b = await issuedQuote();
    const s = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    expect((await portalReq(t.app, s, 'POST', `/api/v1/portal/quotes/${a.id}/accept`)).statusCode).toBe(200);
    expect((await portalReq(t.app, s, 'POST', `/api/v1/portal/quotes/${b.id}/decline`)).statusCode).toBe(200);
    expect((await api.ok('GET', `/api/v1/quotes/${b.id}`)).status).toBe('declined');

    const items = await unread();
    const told = items.map((n: { kind: string; title: string; link: string }) => [n.kind, n.title, n.link]);
    expect(told).toContainEqual([
      'quote_declined',
      `[Notify GmbH] Quote ${b.number} declined by Mine Ltd`,
      `/app/quotes/${b.id}`,
    ]);
    expect(told).toContainEqual([
      'quote_accepted',
      `[Notify GmbH] Quote ${a.number} accepted by Mine Ltd`,
      `/app/quotes/${a.id}`,
    ]);
    await smtp.waitFor(
      (m) => m.to.includes(OWNER) && m.parsed.subject === `[Notify GmbH] Quote ${b.number} declined by Mine Ltd`,
    );

    // Stored encrypted: the client's name is not in the table.
    const raw = JSON.stringify(await t.container.db.selectFrom('notifications').selectAll().execute());
    expect(raw).not.toContain('Mine Ltd');
  });

  it('tells staff once when a client opens a document, and when they acknowledge it or a delivery bounces', async () => {
    await api.ok('POST', '/api/v1/notifications/read', {});
    const s = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    for (let i = 0; i < 2; i++)
      expect((await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${mine.invoice.id}/pdf`)).statusCode).toBe(
        200,
      );
    expect(
      (await portalReq(t.app, s, 'POST', `/api/v1/portal/documents/${mine.invoice.id}/acknowledge`)).statusCode,
    ).toBe(200);
    const [delivery] = (await api.ok('GET', `/api/v1/invoices/${mine.invoice.id}/deliveries`)).items;
    await api.ok('POST', `/api/v1/deliveries/${delivery.id}/bounce`, { diagnostic: '550 5.1.1 user unknown' });

    // (The test clock stands still, so the three share a millisecond: compare them as a set.)
    const kinds = (await unread()).map((n: { kind: string }) => n.kind);
    expect(kinds.sort()).toEqual(['delivery_bounced', 'document_acknowledged', 'document_opened']);
    // Opening is in the app only by default; a bounce also emails.
    await smtp.waitFor((m) => m.to.includes(OWNER) && /bounced|did not receive/.test(m.parsed.subject ?? ''));
    expect(smtp.messages.some((m) => m.to.includes(OWNER) && /opened/.test(m.parsed.subject ?? ''))).toBe(false);
  });

  it('follows each member’s preferences, and each member sees and marks only their own', async () => {
    const accountant = caller(await addMember(t, api.orgId, 'accountant', 'acc@notifygmbh.test'));
    await api.ok('PUT', '/api/v1/me/notification-preferences', {
      items: [{ kind: 'quote_accepted', inApp: false, email: false }],
    });
    const prefs = (await api.ok('GET', '/api/v1/me/notification-preferences')).items;
    expect(prefs.find((p: { kind: string }) => p.kind === 'quote_accepted')).toEqual({
      kind: 'quote_accepted',
      inApp: false,
      email: false,
    });
    await api.ok('POST', '/api/v1/notifications/read', {});
    const acceptedMail = (to: string) =>
      smtp.messages.filter((m) => m.to.includes(to) && / accepted by /.test(m.parsed.subject ?? '')).length;
    const before = acceptedMail(OWNER);
    const q = await issuedQuote();
    const s = await portalLogin(t.app, smtp, api.orgId, 'me@mine.test');
    expect((await portalReq(t.app, s, 'POST', `/api/v1/portal/quotes/${q.id}/accept`)).statusCode).toBe(200);
    expect(await unread()).toEqual([]);
    const theirs = await unread(accountant);
    expect(theirs.map((n: { kind: string }) => n.kind)).toEqual(['quote_accepted']);
    await smtp.waitFor((m) => m.to.includes('acc@notifygmbh.test') && /accepted/.test(m.parsed.subject ?? ''));
    expect(acceptedMail(OWNER)).toBe(before);

    // Marking another member's notification read does nothing.
    expect(await api.ok('POST', '/api/v1/notifications/read', { ids: [theirs[0].id] })).toEqual({ marked: 0 });
    expect(await unread(accountant)).toHaveLength(1);
    expect(await accountant.ok('POST', '/api/v1/notifications/read', { ids: [theirs[0].id] })).toEqual({ marked: 1 });
    expect((await accountant.ok('GET', '/api/v1/notifications')).unread).toBe(0);
  });
});
