// Payment reminders and dunning (issue #15, item 1), over simulated weeks with a controllable
// clock, through the real worker path (runDue, then the durable jobs) and a real SMTP server on
// loopback: the right steps on the right days, once each, the latest step only after downtime,
// nothing to paid, voided, disputed, paused or opted-out invoices, statutory charges to the cent,
// no second message when a job runs again after its runner died, and each reminder a delivery
// whose signed evidence carries the reminder's facts.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inTx } from '../../src/platform/db/tx.ts';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { pdfsig, pdfText } from '../helpers/pdf-tools.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { usable } from '../helpers/tools.ts';

describeEachDb('payment reminders', (dialect) => {
  let t: TestInstance;
  let smtp: TestSmtp;
  let api: Api;
  const clock = new FixedClock('2026-03-01T09:00:00Z');
  let n = 0;

  /** A client of its own (so mail counts per address are exact) and an issued EUR invoice due on `dueDate`. */
  async function invoiceDue(dueDate: string, total = 100_000) {
    const email = `payer${++n}@client.test`;
    const client = await api.ok('POST', '/api/v1/clients', {
      name: `Client ${n} GmbH`,
      country: 'DE',
      deliveryMode: 'notice-only',
      contacts: [{ name: `Payer ${n}`, email, isPrimary: true }],
    });
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId: client.id,
      currency: 'EUR',
      dueDate,
      lines: [{ description: 'Consulting', quantity: '1', unitPrice: total }],
    });
    const invoice = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    return { client, invoice, email };
  }
  const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));
  const subjects = (email: string) => mailsTo(email).map((m) => m.parsed.subject);

  /** The worker on `day`: queue what came due, then run the jobs. */
  async function workerOn(day: string) {
    clock.set(`${day}T09:00:00Z`);
    const queued = await t.container.services.dunning.runDue();
    await t.container.jobs.settled();
    return queued;
  }
  const remindersOf = (id: string) => api.ok('GET', `/api/v1/invoices/${id}/reminders`);

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, {
      clock,
      env: { SEALBILL_SMTP_URL: smtp.url, SEALBILL_MAIL_FROM: 'Billing <billing@dunning.test>' },
    });
    api = await setupOrg(t.app, 'Dunning GmbH', { timeZone: 'UTC' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('walks the default plan over simulated weeks: one message per step, on its day, with signed evidence', async () => {
    clock.set('2026-03-01T09:00:00Z');
    const { invoice, email } = await invoiceDue('2026-03-31');
    const plan = (await api.ok('GET', '/api/v1/dunning/plans')).items;
    expect(plan).toHaveLength(1);
    expect(plan[0].steps.map((s: { offsetDays: number }) => s.offsetDays)).toEqual([-3, 7, 14, 30]);

    expect((await remindersOf(invoice.id)).next).toEqual({ step: 'd-3', offsetDays: -3, on: '2026-03-28' });
    for (const day of ['2026-03-02', '2026-03-20', '2026-03-27']) await workerOn(day);
    expect(mailsTo(email)).toHaveLength(0);

    await workerOn('2026-03-28');
    // In the client's language (here the org's, German), like the invoice's PDF.
    expect(subjects(email)).toEqual([`Anstehende Zahlung: Rechnung ${invoice.number} von Dunning GmbH`]);
    expect(mailsTo(email)[0]!.parsed.text).toContain('am 31.03.2026 fällig wird');

    // The same day again, and the days between steps: nothing.
    for (const day of ['2026-03-28', '2026-03-31', '2026-04-06']) await workerOn(day);
    expect(mailsTo(email)).toHaveLength(1);

    for (const day of ['2026-04-07', '2026-04-08', '2026-04-14', '2026-04-20', '2026-04-30', '2026-06-30'])
      await workerOn(day);
    const reminder = `Zahlungserinnerung: Rechnung ${invoice.number} von Dunning GmbH`;
    expect(subjects(email)).toEqual([subjects(email)[0], reminder, reminder, reminder]);
    const text = mailsTo(email)[3]!.parsed.text ?? '';
    expect(text).toContain('fällig war und noch nicht vollständig bezahlt ist');
    expect(text).toMatch(/Offener Betrag: 1\.000,00\s€/);
    expect(text).toMatch(/Fingerabdruck: [A-Z2-7]{4}(-[A-Z2-7]{4}){3}/);

    const r = await remindersOf(invoice.id);
    expect(
      r.reminders.map((x: { step: string; status: string; scheduledOn: string }) => [x.step, x.status, x.scheduledOn]),
    ).toEqual([
      ['d-3', 'sent', '2026-03-28'],
      ['d7', 'sent', '2026-04-07'],
      ['d14', 'sent', '2026-04-14'],
      ['d30', 'sent', '2026-04-30'],
    ]);
    expect(r.next).toBeNull();
    // Each reminder is a delivery; its signed 'submitted' evidence records what the reminder said.
    const d = await api.ok('GET', `/api/v1/deliveries/${r.reminders[3].deliveryId}`);
    expect(d.events.map((e: { type: string }) => e.type)).toEqual(['submitted', 'relayed']);
    expect(d.events[0].data.reminder).toMatchObject({ dueDate: '2026-03-31', daysPastDue: 30, outstanding: 100_000 });
  });

  it('sends nothing to paid, voided or disputed invoices, and only the latest step after downtime', async () => {
    clock.set('2026-05-01T09:00:00Z');
    const paid = await invoiceDue('2026-05-10');
    const voided = await invoiceDue('2026-05-10');
    const disputed = await invoiceDue('2026-05-10');
    const late = await invoiceDue('2026-05-10');
    await api.ok('POST', `/api/v1/invoices/${paid.invoice.id}/payments`, { amount: 100_000 }, 201);
    await api.ok('POST', `/api/v1/invoices/${voided.invoice.id}/void`, { reason: 'Wrong client' });
    const part = await api.ok('POST', `/api/v1/invoices/${disputed.invoice.id}/payments`, { amount: 1_000 }, 201);
    await t.container.db
      .insertInto('payment_disputes')
      .values({
        id: '01890000-0000-7000-8000-00000000d15b',
        org_id: api.orgId,
        document_id: disputed.invoice.id,
        payment_id: part.id,
        provider: 'stripe',
        provider_ref: 'dp_test',
        amount: 1_000,
        currency: 'EUR',
        reason: 'fraudulent',
        status: 'open',
        created_at: clock.now().toISOString(),
        updated_at: clock.now().toISOString(),
      })
      .execute();

    // The worker was down from before the friendly reminder until 35 days overdue.
    await workerOn('2026-06-14');
    for (const x of [paid, voided, disputed]) expect(mailsTo(x.email)).toHaveLength(0);
    expect(mailsTo(late.email)).toHaveLength(1);
    expect((await remindersOf(late.invoice.id)).reminders.map((x: { step: string }) => x.step)).toEqual(['d30']);

    // Paid after its reminder was queued: the job looks again, and skips it.
    clock.set('2026-05-20T09:00:00Z');
    const racing = await invoiceDue('2026-06-01');
    await api.ok('POST', `/api/v1/invoices/${racing.invoice.id}/payments`, { amount: 100_000 }, 201);
    const at = clock.now().toISOString();
    const queued = { id: '01890000-0000-7000-8000-0000000000aa', created_at: at, updated_at: at };
    await inTx(t.container.db, async (tx) => {
      await tx
        .insertInto('dunning_reminders')
        .values({
          ...queued,
          org_id: api.orgId,
          document_id: racing.invoice.id,
          step_key: 'd7',
          offset_days: 7,
          scheduled_on: '2026-06-08',
          status: 'queued',
          add_interest: 0,
          add_compensation: 0,
          outstanding: null,
          interest: null,
          compensation: null,
          charges_detail: null,
          delivery_id: null,
          error: null,
          created_by: 'dunning',
        })
        .execute();
      await t.container.jobs.enqueue(tx, t.container.services.dunning.sendJob, {
        orgId: api.orgId,
        reminderId: queued.id,
      });
    });
    await t.container.jobs.settled();
    expect(mailsTo(racing.email)).toHaveLength(0);
    expect((await remindersOf(racing.invoice.id)).reminders[0]).toMatchObject({
      status: 'skipped',
      error: 'the invoice is no longer open',
    });
  });

  it('adds statutory interest and the EUR 40 compensation to the cent, the compensation once', async () => {
    await api.ok('PUT', '/api/v1/dunning/reference-rates', {
      items: [
        { validFrom: '2026-01-01', ratePercent: '2.15' },
        { validFrom: '2026-07-01', ratePercent: '1.90' },
      ],
    });
    const firm = await api.ok(
      'POST',
      '/api/v1/dunning/plans',
      {
        name: 'Firm',
        steps: [
          { offsetDays: 14, interest: true, compensation: true },
          { offsetDays: 28, interest: true, compensation: true },
        ],
      },
      201,
    );
    expect(firm).toMatchObject({ marginPercent: '8.00', isDefault: false });
    clock.set('2026-06-01T09:00:00Z');
    const { client, invoice, email } = await invoiceDue('2026-06-20');
    await api.ok('PUT', `/api/v1/clients/${client.id}/reminders`, { optedOut: false, planId: firm.id });

    await workerOn('2026-07-04');
    // 10 days at 2.15 + 8 = 10.15 % and 4 days at 1.90 + 8 = 9.90 % on 1,000.00, Actual/365:
    // (100000 × 1015 × 10 + 100000 × 990 × 4) / 3,650,000 = 386.575… → 3.87 €.
    const [first] = (await remindersOf(invoice.id)).reminders;
    expect(first).toMatchObject({
      step: 'd14',
      status: 'sent',
      outstanding: 100_000,
      interest: 387,
      compensation: 4000,
    });
    expect(first.chargesDetail.interest.periods).toEqual([
      { from: '2026-06-21', to: '2026-06-30', days: 10, referencePercent: '2.15', annualPercent: '10.15', amount: 278 },
      { from: '2026-07-01', to: '2026-07-04', days: 4, referencePercent: '1.90', annualPercent: '9.90', amount: 109 },
    ]);
    const text = mailsTo(email)[0]!.parsed.text ?? '';
    expect(text).toMatch(/Gesetzliche Verzugszinsen \(Richtlinie 2011\/7\/EU, 9,90 % p\. a\. für 14 Tage\): 3,87\s€/);
    expect(text).toMatch(/Entschädigung für Beitreibungskosten \(Richtlinie 2011\/7\/EU\): 40,00\s€/);
    expect(text).toMatch(/Jetzt fälliger Gesamtbetrag: 1\.043,87\s€/);
    // The issued invoice is unchanged; the charges are on a reminder document of their own,
    // numbered in its series, whose hash the delivery's signed evidence records.
    expect((await api.ok('GET', `/api/v1/invoices/${invoice.id}`)).total).toBe(100_000);
    expect(first).toMatchObject({ number: 'REM-2026-00001', hasDocument: true });
    expect(text).toContain('Beleg der Zahlungserinnerung: REM-2026-00001');
    const pdf = await api.req('GET', `/api/v1/invoices/${invoice.id}/reminders/${first.id}/pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const evidence = await api.ok('GET', `/api/v1/deliveries/${first.deliveryId}`);
    expect(evidence.events[0].data.reminder.document).toEqual({
      number: 'REM-2026-00001',
      sha256: createHash('sha256').update(pdf.rawPayload).digest('hex'),
    });
    // Verifiable like any document (item 1): the downloaded PDF is found by its exact bytes on the
    // public verification page; one changed byte (a forger raising the charges) is not.
    const verifyPdf = (bytes: Buffer) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/verify/pdf',
        headers: { 'content-type': 'application/pdf' },
        payload: bytes,
      });
    const verified = await verifyPdf(pdf.rawPayload);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({
      authentic: true,
      reason: 'verified',
      unaltered: true,
      document: {
        kind: 'reminder',
        number: 'REM-2026-00001',
        issueDate: '2026-07-04',
        currency: 'EUR',
        total: 104_387,
        issuerName: 'Dunning GmbH',
      },
      status: { voided: false, credited: false },
      bankDetails: null,
    });
    const tampered = Buffer.from(pdf.rawPayload);
    const at = tampered.indexOf('/Producer');
    tampered[at] = tampered[at]! ^ 0x01;
    expect((await verifyPdf(tampered)).json()).toMatchObject({ authentic: false, reason: 'no_match', document: null });

    if (usable(['pdfsig', 'pdftotext'], 'the reminder document read by poppler')) {
      expect(pdfsig(pdf.rawPayload)).toMatch(/Signature is Valid/);
      const words = pdfText(pdf.rawPayload).replace(/\s+/g, ' ');
      // The client's language (German, from the organization's locale): itemised per rate period.
      expect(words).toContain('Zahlungserinnerung');
      expect(words).toContain('REM-2026-00001');
      for (const piece of [
        'Verzugszinsen, 10,15 % p. a., 2,78 € 21.06.2026 – 30.06.2026 (10 Tage) auf 1.000,00 €',
        'Verzugszinsen, 9,90 % p. a., 1,09 € 01.07.2026 – 04.07.2026 (4 Tage) auf 1.000,00 €',
        'Pauschale für Beitreibungskosten 40,00 €',
        'Verzugskosten 43,87 €',
        'Jetzt fälliger 1.043,87 € Gesamtbetrag',
        'zuzüglich 8,00 Prozentpunkten',
      ])
        expect(words).toContain(piece);
    }

    await workerOn('2026-07-18');
    const second = (await remindersOf(invoice.id)).reminders[1];
    // 28 days: (100000 × 1015 × 10 + 100000 × 990 × 18) / 3,650,000 = 766.3… → 7.66 €; no second EUR 40.
    expect(second).toMatchObject({ step: 'd28', interest: 766, compensation: null, number: 'REM-2026-00002' });
    expect(second.chargesDetail.compensationNotAdded).toBe('already claimed for this invoice');
  });

  it('never sends a reminder twice: racing workers, and a job run again after its runner died', async () => {
    clock.set('2026-08-01T09:00:00Z');
    const { invoice, email } = await invoiceDue('2026-08-10');
    clock.set('2026-08-17T09:00:00Z');
    const runs = await Promise.all([1, 2, 3, 4].map(() => t.container.services.dunning.runDue()));
    await t.container.jobs.settled();
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    expect(mailsTo(email)).toHaveLength(1);
    const [sent] = (await remindersOf(invoice.id)).reminders;
    const again = async () => {
      await inTx(t.container.db, (tx) =>
        t.container.jobs.enqueue(tx, t.container.services.dunning.sendJob, { orgId: api.orgId, reminderId: sent.id }),
      );
      await t.container.jobs.settled();
    };
    // The runner died after sending, before deleting its job: the job runs again and sends nothing.
    await again();
    expect(mailsTo(email)).toHaveLength(1);
    // The runner died while sending (its claim stands): the message may have left, so the job
    // marks the reminder interrupted for staff to check, and never resends it.
    await t.container.db
      .updateTable('dunning_reminders')
      .set({ status: 'sending' })
      .where('id', '=', sent.id)
      .execute();
    await again();
    await workerOn('2026-08-18');
    expect(mailsTo(email)).toHaveLength(1);
    const [after] = (await remindersOf(invoice.id)).reminders;
    expect(after.status).toBe('interrupted');
    expect(after.error).toMatch(/check the delivery evidence/);
    // The dashboard lists it until a later reminder of the invoice goes out.
    const attention = async () =>
      (await api.ok('GET', '/api/v1/dashboard')).needsAttention.filter(
        (i: { source: string }) => i.source === 'payment_reminder',
      );
    expect(await attention()).toEqual([
      expect.objectContaining({ status: 'interrupted', documentId: invoice.id, number: invoice.number, id: sent.id }),
    ]);
    await api.ok('POST', `/api/v1/invoices/${invoice.id}/reminders`, {}, 201);
    expect(await attention()).toEqual([]);
  });

  it('staff pause, stop and resume, send one now, and opt a client out', async () => {
    clock.set('2026-09-01T09:00:00Z');
    const a = await invoiceDue('2026-09-10');
    const b = await invoiceDue('2026-09-10');
    expect(
      (await api.ok('PUT', `/api/v1/invoices/${a.invoice.id}/reminders/state`, { state: 'paused' })).next,
    ).toBeNull();
    await api.ok('PUT', `/api/v1/clients/${b.client.id}/reminders`, { optedOut: true, planId: null });
    expect((await remindersOf(b.invoice.id)).plan).toBeNull();
    await workerOn('2026-09-18');
    expect(mailsTo(a.email)).toHaveLength(0);
    expect(mailsTo(b.email)).toHaveLength(0);

    // Sent now by hand while paused: one message, recorded as a manual reminder.
    const now = await api.ok('POST', `/api/v1/invoices/${a.invoice.id}/reminders`, {}, 201);
    expect(now).toMatchObject({ step: 'manual', status: 'sent', interest: null, compensation: null });
    expect(mailsTo(a.email)).toHaveLength(1);

    // Resumed: the next run sends the latest step that came due meanwhile.
    const resumed = await api.ok('PUT', `/api/v1/invoices/${a.invoice.id}/reminders/state`, { state: 'active' });
    expect(resumed.next).toMatchObject({ step: 'd7', on: '2026-09-18' });
    await workerOn('2026-09-18');
    expect(mailsTo(a.email)).toHaveLength(2);
    await api.ok('PUT', `/api/v1/invoices/${a.invoice.id}/reminders/state`, { state: 'stopped' });
    await workerOn('2026-10-30');
    expect(mailsTo(a.email)).toHaveLength(2);

    // Paid: no reminder by hand either.
    await api.ok('POST', `/api/v1/invoices/${b.invoice.id}/payments`, { amount: 100_000 }, 201);
    expectProblem(await api.req('POST', `/api/v1/invoices/${b.invoice.id}/reminders`, {}), 422);
  });

  it('rejects bad plans, rates and settings with field errors', async () => {
    const dup = expectProblem(
      await api.req('POST', '/api/v1/dunning/plans', {
        name: 'Twice',
        steps: [{ offsetDays: 7 }, { offsetDays: 7 }],
      }),
      400,
    );
    expect(JSON.stringify(dup)).toContain('two steps on the same day');
    expectProblem(await api.req('POST', '/api/v1/dunning/plans', { name: 'x', steps: [{ offsetDays: 7.5 }] }), 400);
    expectProblem(
      await api.req('PUT', '/api/v1/dunning/reference-rates', {
        items: [{ validFrom: '2026-01-01', ratePercent: '2.155' }],
      }),
      400,
    );
    const { client } = await invoiceDue('2026-12-31');
    expectProblem(
      await api.req('PUT', `/api/v1/clients/${client.id}/reminders`, {
        optedOut: false,
        planId: '01890000-0000-7000-8000-000000000000',
      }),
      422,
    );
    const [standard] = (await api.ok('GET', '/api/v1/dunning/plans')).items.filter(
      (p: { isDefault: boolean }) => p.isDefault,
    );
    expectProblem(
      await api.req('PUT', `/api/v1/dunning/plans/${standard.id}`, { name: 'Standard', steps: [], isDefault: false }),
      422,
    );
  });
});
