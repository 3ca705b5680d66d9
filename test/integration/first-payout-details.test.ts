// The first bank details and day-one invoices (issue #10 §21). The cooling-off protects clients
// from a swap of details they have already seen; an organization that has issued nothing has no
// such details, so its first ones take effect at once (still step-up, audited, announced to every
// owner and admin). Issuing an invoice without payout details (signed and frozen without them)
// needs an explicit confirmation, and the portal never points a client to bank details "printed
// on the invoice" when the invoice carries none.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { portalLogin, portalReq } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { staffSession } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

const IBAN = 'DE89370400440532013000';
const HOUR = 3_600_000;

describeEachDb('first payout details, and issuing without them', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  const clock = new FixedClock('2026-02-02T09:00:00Z');

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const draft = async (api: Api, clientId: string) =>
    (
      await api.ok('POST', '/api/v1/invoices', {
        clientId,
        lines: [{ description: 'Day one', quantity: '1', unitPrice: 50_000 }],
      })
    ).id as string;

  it('takes the first details of an org that has issued nothing at once (audited, announced); later changes cool off', async () => {
    const api = await setupOrg(t.app, 'Day One GmbH');
    const owner = await staffSession(t, api.orgId, api.userId);
    expectProblem(
      await api.req('PUT', '/api/v1/org/payout', { accountHolder: 'Day One GmbH', iban: IBAN }),
      401,
      'step_up_required',
    ); // still step-up

    const before = smtp.messages.length;
    const res = await owner.req('PUT', '/api/v1/org/payout', { accountHolder: 'Day One GmbH', iban: IBAN });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'applied', ending: '3000', effectiveAt: clock.now().toISOString() });
    expect(await api.ok('GET', '/api/v1/org/payout')).toMatchObject({ payout: { iban: IBAN }, pending: null });
    const mail = await smtp.waitFor(
      (m) => smtp.messages.indexOf(m) >= before && /Payout bank details set/.test(m.parsed.subject ?? ''),
    );
    expect(mail.parsed.text).toContain('Account ending: 3000');
    expect(mail.parsed.text).not.toContain(IBAN);
    const audit = (await api.ok('GET', '/api/v1/audit-events?limit=20')).items.map(
      (e: { action: string; summary: Record<string, unknown> }) => [e.action, e.summary.firstDetails ?? null],
    );
    expect(audit).toEqual(
      expect.arrayContaining([
        ['payout.change_requested', true],
        ['payout.change_applied', null],
      ]),
    );

    // A day-one invoice now carries them.
    const clientId = (await api.ok('POST', '/api/v1/clients', { name: 'First Client' })).id;
    const inv = await api.ok('POST', `/api/v1/invoices/${await draft(api, clientId)}/issue`);
    expect(inv.payoutPrinted).toBe(true);

    // Details clients have seen are protected: the next change waits out the cooling-off.
    const change = await (
      await staffSession(t, api.orgId, api.userId)
    ).req('PUT', '/api/v1/org/payout', { accountHolder: 'Day One GmbH', iban: 'GB82WEST12345698765432' });
    expect(change.statusCode, change.body).toBe(202);
    expect(Date.parse(change.json().effectiveAt) - clock.now().getTime()).toBe(24 * HOUR);
    expect((await api.ok('GET', '/api/v1/org/payout')).payout.iban).toBe(IBAN);
  });

  it('once an invoice was issued (without details), even the first details cool off', async () => {
    const api = await setupOrg(t.app, 'Hasty Ltd');
    const clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Hasty Client' }, 201)).id;
    await api.ok('POST', `/api/v1/invoices/${await draft(api, clientId)}/issue`, { confirmWithoutPayoutDetails: true });
    const res = await (
      await staffSession(t, api.orgId, api.userId)
    ).req('PUT', '/api/v1/org/payout', { accountHolder: 'Hasty Ltd', iban: IBAN });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().status).toBe('pending');
    expect((await api.ok('GET', '/api/v1/org/payout')).payout).toBeNull();
  });

  it('refuses to issue an invoice without payout details unless confirmed; quotes and credit notes are not asked', async () => {
    const api = await setupOrg(t.app, 'No Details AG');
    const client = await api.ok('POST', '/api/v1/clients', {
      name: 'Portal Client',
      contacts: [{ name: 'Pat', email: 'pat@portal-client.test', isPrimary: true }],
    });
    const id = await draft(api, client.id);
    for (const body of [undefined, {}, { confirmWithoutPayoutDetails: false }]) {
      const refused = expectProblem(await api.req('POST', `/api/v1/invoices/${id}/issue`, body), 409, 'conflict');
      expect(refused.errors).toEqual([{ path: '/body/confirmWithoutPayoutDetails', message: expect.any(String) }]);
      expect(refused.detail).toMatch(/payout bank details/i);
    }
    const still = await api.ok('GET', `/api/v1/invoices/${id}`);
    expect([still.status, still.number]).toEqual(['draft', null]); // no number consumed
    expectProblem(
      await api.req('POST', `/api/v1/invoices/${id}/issue`, { confirmWithoutPayoutDetails: 'yes' }),
      400,
      'validation_failed',
    );

    const issued = await api.ok('POST', `/api/v1/invoices/${id}/issue`, { confirmWithoutPayoutDetails: true });
    expect(issued).toMatchObject({ status: 'issued', number: 'INV-2026-00001', payoutPrinted: false });
    const audit = (await api.ok('GET', '/api/v1/audit-events?action=invoice.issued')).items;
    expect(audit).toHaveLength(1);

    const quote = await api.ok('POST', '/api/v1/quotes', {
      clientId: client.id,
      lines: [{ description: 'Offer', quantity: '1', unitPrice: 100 }],
    });
    expect((await api.ok('POST', `/api/v1/quotes/${quote.id}/issue`)).status).toBe('issued');

    // The portal: no bank transfer panel, and nothing that says the invoice carries details.
    const s = await portalLogin(t.app, smtp, api.orgId, 'pat@portal-client.test');
    const page = await portalReq(t.app, s, 'GET', `/api/v1/portal/documents/${id}/payment`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({
      status: 'open',
      payoutPrinted: false,
      methods: { bankTransfer: null, providers: [] },
    });
  });
});
