// Recurring invoices that send themselves (issue #15, item 5), through the real worker path
// (runDue, then the durable jobs) and a real SMTP server on loopback, with a controllable clock:
// - a schedule with autoSend issues and sends each period's invoice exactly once: racing runners,
//   a job run again after its runner died after sending, and one that died mid-send (then
//   'interrupted', never resent) all leave one message per invoice;
// - a relay that refuses the recipient, or a client without an email address: the sending is
//   recorded as retrying, listed on the dashboard, tried again after the back-off, sent once the
//   cause is gone, and 'failed' after the last attempt; a sending some recipients got and others
//   refused is never retried (they would get a second copy);
// - sending relies on the member who turned it on: one who lost invoice:send since gets the
//   invoice issued but not sent ('held', on the dashboard) until someone who may send confirms;
// - editing a schedule: bad input is 400/422 with field errors, nothing changes; a good edit
//   changes the next invoice and the amount shown, with its audit entry.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_ATTEMPTS } from '../../src/platform/jobs/jobs.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { recurringMoves } from '../helpers/recurring.ts';
import { addMember, staffSession } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';

describeEachDb('recurring invoices sent automatically', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  const clock = new FixedClock('2026-04-10T09:00:00Z');
  const lines = [{ description: 'Retainer', quantity: '1', unitPrice: 50_000 }];
  let n = 0;

  /** A client of its own (mail counts per address stay exact), delivered by notice. */
  async function client(extra: Record<string, unknown> = {}) {
    const email = `subscriber${++n}@client.test`;
    const c = await api.ok('POST', '/api/v1/clients', {
      name: `Subscriber ${n} GmbH`,
      language: 'en', // the mail's words are checked in English (the org's locale is German)
      deliveryMode: 'notice-only',
      contacts: [{ name: `Payer ${n}`, email, isPrimary: true }],
      ...extra,
    });
    return { id: c.id as string, email };
  }
  const schedule = (clientId: string, extra: Record<string, unknown> = {}) =>
    api.ok(
      'POST',
      '/api/v1/recurring-schedules',
      { clientId, lines, frequency: 'monthly', startOn: '2026-04-10', autoSend: true, ...extra },
      201,
    );
  const moves = recurringMoves(() => ({ t, api, smtp, clock }));
  const { mailsTo, runsOf, attention, worker, later } = moves;
  const runJobAgain = (runId: string) => moves.runJobAgain(runId, 'sendJob');

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock,
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'Billing <billing@recurring.test>' },
    });
    api = await setupOrg(t.app, 'Recurring Send GmbH', { timeZone: 'UTC' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('issues and sends each period once, with signed evidence, even when runners race', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    const s = await schedule(c.id, { startOn: '2026-02-10', confirmBackdatedStart: true });
    expect(s).toMatchObject({ autoSend: true, nextRunOn: '2026-02-10', amount: { total: 50_000 } });

    const created = await Promise.all([1, 2, 3, 4].map(() => t.container.services.recurring.runDue()));
    await t.container.jobs.settled();
    expect(created.reduce((a, b) => a + b, 0)).toBe(3); // 02-10, 03-10, 04-10
    expect(mailsTo(c.email)).toHaveLength(3);

    const runs = await runsOf(s.id);
    expect(
      runs.map((r: { period: string; sendStatus: string; attempts: number }) => [r.period, r.sendStatus, r.attempts]),
    ).toEqual([
      ['2026-04-10', 'sent', 1],
      ['2026-03-10', 'sent', 1],
      ['2026-02-10', 'sent', 1],
    ]);
    const invoice = await api.ok('GET', `/api/v1/invoices/${runs[0].documentId}`);
    expect(invoice.status).toBe('sent');
    expect(mailsTo(c.email).map((m) => m.parsed.subject)).toContain(
      `Invoice ${invoice.number} from Recurring Send GmbH`,
    );
    const d = await api.ok('GET', `/api/v1/deliveries/${runs[0].deliveryId}`);
    expect(d.events.map((e: { type: string }) => e.type)).toEqual(['submitted', 'relayed']);
    expect(await attention()).toEqual([]);

    // The worker again, the same day: nothing new is issued or sent.
    expect(await worker()).toBe(0);
    expect(mailsTo(c.email)).toHaveLength(3);
    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });
  });

  it('never sends twice when a job runs again after its runner died, before or while sending', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    const s = await schedule(c.id);
    expect(await worker()).toBe(1);
    expect(mailsTo(c.email)).toHaveLength(1);
    const [run] = await runsOf(s.id);

    // Died after sending, before deleting its job: the job runs again and sends nothing.
    await runJobAgain(run.id);
    expect(mailsTo(c.email)).toHaveLength(1);
    expect((await runsOf(s.id))[0]).toMatchObject({ sendStatus: 'sent', attempts: 1 });

    // Died while sending (its claim stands): the message may have left, so it is marked
    // interrupted for staff to check, shown on the dashboard, and never resent.
    await t.container.db
      .updateTable('recurring_runs')
      .set({ send_status: 'sending' })
      .where('id', '=', run.id)
      .execute();
    await runJobAgain(run.id);
    await later(3600_000);
    expect(mailsTo(c.email)).toHaveLength(1);
    const [after] = await runsOf(s.id);
    expect(after).toMatchObject({
      sendStatus: 'interrupted',
      error: expect.stringMatching(/check the invoice's deliveries/),
    });
    expect(await attention()).toEqual([
      expect.objectContaining({
        source: 'recurring_send',
        status: 'interrupted',
        id: run.id,
        documentId: run.documentId,
      }),
    ]);

    // Staff checked (and sent it by hand if needed): resolved, off the dashboard.
    expect((await api.ok('POST', `/api/v1/recurring-runs/${run.id}/resolve`)).sendStatus).toBe('resolved');
    expect(await attention()).toEqual([]);
    expectProblem(await api.req('POST', `/api/v1/recurring-runs/${run.id}/resolve`), 409, 'conflict');
    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });
  });

  it('retries a sending the relay refused with back-off, shows it on the dashboard, and sends it once accepted', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    smtp.refuse = (address) => address === c.email;
    const s = await schedule(c.id);
    await worker();
    expect(mailsTo(c.email)).toHaveLength(0);
    let [run] = await runsOf(s.id);
    expect(run).toMatchObject({
      sendStatus: 'retrying',
      attempts: 1,
      nextAttemptAt: '2026-04-10T09:00:30.000Z',
      error: expect.stringMatching(/relay did not accept/),
    });
    const invoice = await api.ok('GET', `/api/v1/invoices/${run.documentId}`);
    expect(invoice.status).toBe('issued');
    expect(await attention()).toEqual([
      expect.objectContaining({
        source: 'recurring_send',
        status: 'retrying',
        documentId: run.documentId,
        number: invoice.number,
        clientName: invoice.clientName,
        scheduleId: s.id,
        nextAttemptAt: '2026-04-10T09:00:30.000Z',
        reason: expect.stringMatching(/Recipient address rejected/),
      }),
    ]);

    // Not before its back-off; then again (refused), then accepted once the relay takes it.
    await later(10_000);
    expect((await runsOf(s.id))[0].attempts).toBe(1);
    await later(25_000);
    [run] = await runsOf(s.id);
    expect(run).toMatchObject({ sendStatus: 'retrying', attempts: 2, nextAttemptAt: '2026-04-10T09:01:35.000Z' });
    smtp.refuse = null;
    await later(60_000);
    [run] = await runsOf(s.id);
    expect(run).toMatchObject({ sendStatus: 'sent', attempts: 3, nextAttemptAt: null });
    expect(mailsTo(c.email)).toHaveLength(1);
    // Each attempt is in the audit log, by the system actor.
    const trail = (await api.ok('GET', `/api/v1/audit-events?objectId=${run.documentId}&limit=100`)).items.filter(
      (e: { action: string }) => e.action.startsWith('recurring.'),
    );
    expect(trail.map((e: { action: string }) => e.action)).toEqual([
      'recurring.invoice_created',
      'recurring.send_retrying',
      'recurring.send_retrying',
      'recurring.invoice_sent',
    ]);
    expect(trail[3].summary).toMatchObject({ scheduleId: s.id, attempt: 3, deliveryId: run.deliveryId });
    expect(await attention()).toEqual([]);
    await later(24 * 3600_000);
    expect(mailsTo(c.email)).toHaveLength(1);
    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });
  });

  it('retries a sending refused for want of an address until the client has one, and gives up after the last attempt', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const bare = await api.ok('POST', '/api/v1/clients', { name: 'No Address AG', deliveryMode: 'notice-only' });
    const s = await schedule(bare.id);
    await worker();
    let [run] = await runsOf(s.id);
    expect(run).toMatchObject({
      sendStatus: 'retrying',
      attempts: 1,
      error: expect.stringMatching(/no billing email/),
    });
    await api.ok('PATCH', `/api/v1/clients/${bare.id}`, { email: 'accounts@noaddress.test' });
    await later(31_000);
    [run] = await runsOf(s.id);
    expect(run).toMatchObject({ sendStatus: 'sent', attempts: 2 });
    expect(mailsTo('accounts@noaddress.test')).toHaveLength(1);
    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });

    // A relay that never takes it: MAX_ATTEMPTS attempts, then failed (and still on the dashboard).
    const c = await client();
    smtp.refuse = (address) => address === c.email;
    const doomed = await schedule(c.id);
    await worker();
    for (let i = 1; i < MAX_ATTEMPTS; i++) await later(3600_000);
    [run] = await runsOf(doomed.id);
    expect(run).toMatchObject({ sendStatus: 'failed', attempts: MAX_ATTEMPTS, nextAttemptAt: null });
    await later(3600_000);
    expect((await runsOf(doomed.id))[0].attempts).toBe(MAX_ATTEMPTS);
    expect(await attention()).toEqual([expect.objectContaining({ id: run.id, status: 'failed' })]);
    expect(await t.container.jobs.listDead()).toEqual([]);
    smtp.refuse = null;
    await api.ok('POST', `/api/v1/recurring-runs/${run.id}/resolve`);
    await api.ok('POST', `/api/v1/recurring-schedules/${doomed.id}/status`, { status: 'ended' });
  });

  it('does not retry a sending that reached some recipients (the others would get it twice)', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client({ email: 'billing@partial.test' });
    smtp.refuse = (address) => address === 'billing@partial.test';
    const s = await schedule(c.id);
    await worker();
    await later(3600_000);
    smtp.refuse = null;
    await later(3600_000);
    const [run] = await runsOf(s.id);
    expect(run).toMatchObject({
      sendStatus: 'partly_sent',
      attempts: 1,
      error: expect.stringMatching(/billing@partial\.test/),
    });
    expect(mailsTo(c.email)).toHaveLength(1);
    expect(mailsTo('billing@partial.test')).toHaveLength(0);
    expect(await attention()).toEqual([expect.objectContaining({ id: run.id, status: 'partly_sent' })]);
    await api.ok('POST', `/api/v1/recurring-runs/${run.id}/resolve`);
    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });
  });

  it('holds the sending when the member who turned it on may no longer send invoices', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    const s = await schedule(c.id, { autoSend: false, startOn: '2026-04-11' });
    const accountant = await addMember(t, api.orgId, 'accountant', 'ada@recurring-send.test');
    const on = await accountant.req('PATCH', `/api/v1/recurring-schedules/${s.id}`, { autoSend: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ autoSend: true, senderUserId: accountant.userId, issuerUserId: api.userId });
    const owner = await staffSession(t, api.orgId, api.userId);
    const demoted = await owner.req('PATCH', `/api/v1/members/${accountant.userId}`, { role: 'viewer' });
    expect(demoted.statusCode, demoted.body).toBe(200);

    clock.set('2026-04-11T09:00:00Z');
    expect(await worker()).toBe(1);
    let [run] = await runsOf(s.id);
    expect(run).toMatchObject({ sendStatus: 'held', attempts: 0, error: expect.stringMatching(/may no longer send/) });
    expect((await api.ok('GET', `/api/v1/invoices/${run.documentId}`)).status).toBe('issued');
    expect(mailsTo(c.email)).toHaveLength(0);
    expect(await attention()).toEqual([expect.objectContaining({ id: run.id, status: 'held' })]);
    await later(3600_000);
    expect(mailsTo(c.email)).toHaveLength(0);

    // The owner confirms sending (becoming the member checked); the next period goes out.
    const again = await api.ok('PATCH', `/api/v1/recurring-schedules/${s.id}`, { autoSend: true });
    expect(again.senderUserId).toBe(api.userId);
    await api.ok('POST', `/api/v1/recurring-runs/${run.id}/resolve`);
    clock.set('2026-05-11T09:00:00Z');
    expect(await worker()).toBe(1);
    [run] = await runsOf(s.id);
    expect(run).toMatchObject({ period: '2026-05-11', sendStatus: 'sent' });
    expect(mailsTo(c.email)).toHaveLength(1);
    expect(await attention()).toEqual([]);
    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });
  });

  it('sends nothing for a schedule without autoSend, and refuses autoSend on one that creates drafts', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    const s = await schedule(c.id, { autoSend: false });
    await worker();
    expect(await runsOf(s.id)).toEqual([]);
    expect(mailsTo(c.email)).toHaveLength(0);
    const bad = expectProblem(
      await api.req('POST', '/api/v1/recurring-schedules', {
        clientId: c.id,
        lines,
        frequency: 'monthly',
        startOn: '2026-05-01',
        autoIssue: false,
        autoSend: true,
      }),
      422,
      'unprocessable',
    );
    expect(bad.errors).toEqual([{ path: '/body/autoSend', message: 'needs autoIssue' }]);
    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });
  });

  it('edits a schedule: field errors for bad input, and the next invoice follows a good edit', async () => {
    clock.set('2026-04-10T09:00:00Z');
    const c = await client();
    const s = await schedule(c.id, { autoSend: false });
    await worker(); // 2026-04-10 issued; next 2026-05-10
    const url = `/api/v1/recurring-schedules/${s.id}`;
    const unchanged = await api.ok('GET', url);
    expect(unchanged).toMatchObject({ nextRunOn: '2026-05-10', amount: { subtotal: 50_000, total: 50_000 } });

    // Shape errors: 400 with the field named.
    const shape = expectProblem(await api.req('PATCH', url, { nextRunOn: '10.05.2026', lines: [] }), 400);
    expect(shape.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/body/lines', '/body/nextRunOn']);
    expectProblem(await api.req('PATCH', url, { clientId: c.id }), 400);
    expectProblem(await api.req('PATCH', url, { intervalCount: 0 }), 400);
    // Rule errors: 422 with the field named.
    const past = expectProblem(await api.req('PATCH', url, { nextRunOn: '2026-04-09' }), 422, 'unprocessable');
    expect(past.errors).toEqual([{ path: '/body/nextRunOn', message: 'before 2026-04-10' }]);
    const again = expectProblem(await api.req('PATCH', url, { nextRunOn: '2026-04-10' }), 422, 'unprocessable');
    expect(again.errors).toEqual([{ path: '/body/nextRunOn', message: 'not after 2026-04-10' }]);
    const end = expectProblem(await api.req('PATCH', url, { endOn: '2026-05-01' }), 422, 'unprocessable');
    expect(end.errors).toEqual([{ path: '/body/endOn', message: 'before 2026-05-10' }]);
    const rate = expectProblem(
      await api.req('PATCH', url, {
        lines: [{ description: 'x', quantity: '1', unitPrice: 1, taxRateId: '01890000-0000-7000-8000-000000000000' }],
      }),
      422,
      'unprocessable',
    );
    expect(rate.errors).toEqual([{ path: '/body/lines/0/taxRateId', message: 'no such tax rate' }]);
    expect(await api.ok('GET', url)).toEqual(unchanged);

    // A good edit: new lines (the amount follows), a new next run that the later runs keep the day of.
    const vat = await api.ok('POST', '/api/v1/tax-rates', { name: 'VAT 19', rateBp: 1900 }, 201);
    const edited = await api.ok('PATCH', url, {
      lines: [
        { description: 'Hosting', quantity: '2', unitPrice: 10_000, taxRateId: vat.id },
        { description: 'Support', quantity: '1', unitPrice: 5_000 },
      ],
      notes: 'Thank you',
      nextRunOn: '2026-04-20',
      endOn: '2026-12-31',
      autoSend: true,
    });
    expect(edited).toMatchObject({
      nextRunOn: '2026-04-20',
      startOn: '2026-04-20',
      endOn: '2026-12-31',
      autoSend: true,
      amount: { subtotal: 25_000, taxTotal: 3_800, total: 28_800 },
      template: { notes: 'Thank you', clientId: c.id },
    });
    const audit = await api.ok('GET', '/api/v1/audit-events?limit=500');
    expect(audit.items.at(-1)).toMatchObject({
      action: 'recurring.updated',
      objectId: s.id,
      summary: expect.objectContaining({ nextRunOn: '2026-04-20', previousNextRunOn: '2026-05-10', autoSend: true }),
    });
    const list = await api.ok('GET', '/api/v1/recurring-schedules');
    expect(list.items.find((x: { id: string }) => x.id === s.id).amount.total).toBe(28_800);

    clock.set('2026-04-20T09:00:00Z');
    expect(await worker()).toBe(1);
    const [run] = await runsOf(s.id);
    const invoice = await api.ok('GET', `/api/v1/invoices/${run.documentId}`);
    expect(invoice).toMatchObject({ issueDate: '2026-04-20', total: 28_800, notes: 'Thank you', status: 'sent' });
    expect(mailsTo(c.email)).toHaveLength(1);
    expect((await api.ok('GET', url)).nextRunOn).toBe('2026-05-20');

    // Weekly from the next run on, and no more sending: the runs follow, nothing is queued.
    const weekly = await api.ok('PATCH', url, { frequency: 'weekly', autoSend: false });
    expect(weekly).toMatchObject({
      frequency: 'weekly',
      nextRunOn: '2026-05-20',
      startOn: '2026-05-20',
      autoSend: false,
      senderUserId: null,
    });
    clock.set('2026-05-27T09:00:00Z');
    expect(await worker()).toBe(2); // 05-20 and 05-27
    expect((await runsOf(s.id)).map((r: { period: string }) => r.period)).toEqual(['2026-04-20']);
    expect(mailsTo(c.email)).toHaveLength(1);
    expect((await api.ok('GET', url)).nextRunOn).toBe('2026-06-03');

    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });
    expectProblem(await api.req('PATCH', url, { notes: 'late' }), 409, 'conflict');
    expectProblem(await api.req('PATCH', '/api/v1/recurring-schedules/01890000-0000-7000-8000-000000000000', {}), 404);
  });
});
