// Statements of account (issue #15, item 7), per client, period and currency.
// - The arithmetic ties out to the cent: the balance brought forward across the period boundary
//   (a payment on the first day is in the period, not before it), the running balance, credit
//   notes, a voided invoice with its cancelling credit note, a refund, an over-payment (client
//   credit), and, for a period ending today, the closing balance equals the outstanding amounts of
//   the client's open invoices less its credit. The overdue list is as of the end of the period.
// - The PDF is PAdES-signed (pdfsig: valid; invalid after a one-byte edit), reads right
//   (pdftotext), and its issue is audited with its hash.
// - Attack: org A asks for the statement of org B's client (JSON and PDF): 404, never 403. A
//   portal contact gets only its own client's statement, whatever it puts in the query (the
//   client comes from the session); another client's contact sees nothing of the first client.
// - Bad input (reversed period, impossible date, unknown currency, unknown field): 400
//   problem+json naming the field, never a 500.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { portalLogin, portalReq } from '../helpers/delivery.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { staffSession } from '../helpers/session.ts';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { pdfsig, pdfText as rawPdfText } from '../helpers/pdf-tools.ts';
import { itNeeds } from '../helpers/tools.ts';

// Intl separates amount and symbol with a no-break space: compare with plain spaces.
const pdfText = (pdf: Buffer) => rawPdfText(pdf).replace(/\s+/g, ' ');

describeEachDb('statements of account', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let other: Api;
  let smtp: TestSmtp;
  const clock = new FixedClock('2026-02-10T10:00:00Z');
  const at = (day: string) => clock.set(`${day}T10:00:00Z`);
  const ids: Record<string, string> = {};
  const numbers: Record<string, string> = {};

  async function invoice(key: string, clientId: string, unitPrice: number, dueDate: string, extra = {}) {
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      dueDate,
      ...extra,
      lines: [{ description: 'Work', quantity: '1', unitPrice }],
    });
    const inv = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    ids[key] = inv.id;
    numbers[key] = inv.number;
    return inv;
  }
  async function creditNote(key: string, clientId: string, invoiceId: string, unitPrice: number) {
    const draft = await api.ok('POST', '/api/v1/credit-notes', {
      clientId,
      relatedDocumentId: invoiceId,
      lines: [{ description: 'Goodwill', quantity: '1', unitPrice }],
    });
    const cn = await api.ok('POST', `/api/v1/credit-notes/${draft.id}/issue`, { confirmWithoutPayoutDetails: true });
    ids[key] = cn.id;
    numbers[key] = cn.number;
  }
  const pay = (invoiceId: string, amount: number) =>
    api.ok('POST', `/api/v1/invoices/${invoiceId}/payments`, { amount, method: 'bank_transfer' });
  const statement = (query: string) => api.ok('GET', `/api/v1/clients/${ids.alpha}/statement?${query}`);

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_SMTP_URL: smtp.url } });
    api = await setupOrg(t.app, 'Ledger GmbH');
    other = await setupOrg(t.app, 'Elsewhere AG');
    const client = (name: string, email: string) =>
      api.ok('POST', '/api/v1/clients', {
        name,
        email,
        currency: 'EUR',
        contacts: [{ name: `${name} AP`, email, isPrimary: true }],
      });
    ids.alpha = (await client('Alpha AG', 'ap@alpha.test')).id;
    ids.beta = (await client('Beta SARL', 'ap@beta.test')).id;
    ids.foreign = (await other.ok('POST', '/api/v1/clients', { name: 'Foreign Client', email: 'x@foreign.test' })).id;

    // Before the period (1 April): 1,000 − 400 + 250 − 50 = 800.00 brought forward.
    at('2026-02-10');
    await invoice('inv1', ids.alpha!, 1_000_00, '2026-03-12');
    at('2026-03-20');
    await pay(ids.inv1!, 400_00);
    at('2026-03-25');
    await invoice('inv2', ids.alpha!, 250_00, '2026-04-24');
    at('2026-03-31');
    await creditNote('cn1', ids.alpha!, ids.inv2!, 50_00);
    // A draft never counts, in any period.
    await api.ok('POST', '/api/v1/invoices', {
      clientId: ids.alpha,
      lines: [{ description: 'Draft', quantity: '1', unitPrice: 999_00 }],
    });
    // The first day of the period: in it, not brought forward.
    at('2026-04-01');
    await pay(ids.inv2!, 100_00);
    at('2026-04-10');
    await invoice('inv3', ids.alpha!, 300_00, '2026-05-10');
    at('2026-04-15');
    await invoice('inv4', ids.alpha!, 120_00, '2026-05-15');
    at('2026-04-20');
    const voided = await api.ok('POST', `/api/v1/invoices/${ids.inv4}/void`, { reason: 'Issued by mistake' });
    ids.cnVoid = voided.creditNote.id;
    numbers.cnVoid = voided.creditNote.number;
    at('2026-05-01');
    await invoice('usd', ids.alpha!, 80_00, '2026-05-31', { currency: 'USD', exchangeRate: '0.9' });
    at('2026-05-05');
    const p3 = await pay(ids.inv3!, 300_00);
    ids.p3 = p3.id;
    at('2026-05-06');
    const fresh = await staffSession(t, api.orgId, api.userId);
    const refund = await fresh.req('POST', `/api/v1/invoices/${ids.inv3}/refunds`, { amount: 50_00 });
    expect(refund.statusCode, refund.body).toBe(201);
    // Beta pays 120.00 on a 100.00 invoice: 20.00 of client credit.
    await invoice('beta1', ids.beta!, 100_00, '2026-06-05');
    await pay(ids.beta1!, 120_00);
    at('2026-06-30');
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('brings the balance forward across the boundary and runs it through every line of the period', async () => {
    const s = await statement('from=2026-04-01&to=2026-06-30');
    expect(s).toMatchObject({
      clientId: ids.alpha,
      clientName: 'Alpha AG',
      organization: 'Ledger GmbH',
      currency: 'EUR',
      currencies: ['EUR', 'USD'],
      from: '2026-04-01',
      to: '2026-06-30',
      today: '2026-06-30',
      openingBalance: 800_00,
      totals: { invoiced: 420_00, credited: 120_00, paid: 400_00, refunded: 50_00 },
      closingBalance: 750_00,
    });
    expect(s.lines.map((l: Record<string, unknown>) => [l.date, l.kind, l.number, l.amount, l.balance])).toEqual([
      ['2026-04-01', 'payment', numbers.inv2, -100_00, 700_00],
      ['2026-04-10', 'invoice', numbers.inv3, 300_00, 1_000_00],
      ['2026-04-15', 'invoice', numbers.inv4, 120_00, 1_120_00],
      ['2026-04-20', 'credit_note', numbers.cnVoid, -120_00, 1_000_00],
      ['2026-05-05', 'payment', numbers.inv3, -300_00, 700_00],
      ['2026-05-06', 'refund', numbers.inv3, 50_00, 750_00],
    ]);
    expect(s.lines[4]).toMatchObject({ paymentId: ids.p3, method: 'bank_transfer', documentId: ids.inv3 });
    expect(s.lines[1]).toMatchObject({ documentId: ids.inv3, dueDate: '2026-05-10', paymentId: null });

    // Shifting the start by one day moves the first-day payment into the opening balance.
    const next = await statement('from=2026-04-02&to=2026-06-30');
    expect(next.openingBalance).toBe(700_00);
    expect(next.lines).toHaveLength(5);
    expect(next.closingBalance).toBe(750_00);
    // The period before ends exactly where this one starts.
    const before = await statement('from=2026-01-01&to=2026-03-31');
    expect([before.openingBalance, before.closingBalance]).toEqual([0, 800_00]);
  });

  it('ending today, closes at the outstanding amounts of the open invoices (less client credit)', async () => {
    const open = async (clientId: string) =>
      (
        (await api.ok('GET', '/api/v1/invoices?status=open&limit=200')).items as Array<{
          clientId: string;
          currency: string;
          amountDue: number;
        }>
      )
        .filter((i) => i.clientId === clientId && i.currency === 'EUR')
        .reduce((sum, i) => sum + i.amountDue, 0);
    const alpha = await statement('from=2026-01-01&to=2026-06-30');
    expect(await open(ids.alpha!)).toBe(750_00);
    expect(alpha.closingBalance).toBe(await open(ids.alpha!));

    const beta = await api.ok('GET', `/api/v1/clients/${ids.beta}/statement?from=2026-01-01`);
    const credit = await t.container.services.payments.creditBalance(api.orgId, ids.beta!);
    expect(credit.balances).toEqual([{ currency: 'EUR', amount: 20_00 }]);
    expect(beta.closingBalance).toBe(-20_00);
    expect(beta.closingBalance).toBe((await open(ids.beta!)) - 20_00);
    // Defaults: this year so far, in the client's currency.
    expect(beta).toMatchObject({ from: '2026-01-01', to: '2026-06-30', currency: 'EUR', currencies: ['EUR'] });
  });

  it('counts money once: a payment recorded as "client credit" moves credit already counted', async () => {
    const gamma = await api.ok('POST', '/api/v1/clients', { name: 'Gamma BV', email: 'ap@gamma.test' });
    await invoice('g1', gamma.id, 100_00, '2026-07-30');
    await pay(ids.g1!, 130_00); // 30.00 over-paid: the balance is −30.00
    await invoice('g2', gamma.id, 50_00, '2026-07-30');
    await api.ok('POST', `/api/v1/invoices/${ids.g2}/payments`, { amount: 30_00, method: 'client_credit' });
    const s = await api.ok('GET', `/api/v1/clients/${gamma.id}/statement?from=2026-06-01&to=2026-06-30`);
    expect(s.lines.map((l: { kind: string; amount: number }) => [l.kind, l.amount])).toEqual([
      ['invoice', 100_00],
      ['invoice', 50_00],
      ['payment', -130_00],
    ]);
    expect(s.totals.paid).toBe(130_00);
    // 150.00 billed, 130.00 received: 20.00 owed, exactly what is still due on the second invoice.
    expect(s.closingBalance).toBe(20_00);
    expect((await api.ok('GET', `/api/v1/invoices/${ids.g2}`)).amountDue).toBe(20_00);
  });

  it('lists what was overdue at the end of the period, with days overdue', async () => {
    const now = await statement('from=2026-04-01&to=2026-06-30');
    expect(now.overdue).toEqual({
      asOf: '2026-06-30',
      total: 750_00,
      invoices: [
        {
          documentId: ids.inv1,
          number: numbers.inv1,
          issueDate: '2026-02-10',
          dueDate: '2026-03-12',
          total: 1_000_00,
          outstanding: 600_00,
          daysOverdue: 110,
        },
        expect.objectContaining({ number: numbers.inv2, outstanding: 100_00, daysOverdue: 67 }),
        expect.objectContaining({ number: numbers.inv3, outstanding: 50_00, daysOverdue: 51 }),
      ],
    });
    // On 5 May: the refund had not happened, inv3 was not yet due, the voided invoice was not yet due.
    const may = await statement('from=2026-04-02&to=2026-05-05');
    expect([may.openingBalance, may.closingBalance]).toEqual([700_00, 700_00]);
    expect(may.overdue.invoices.map((i: Record<string, unknown>) => [i.number, i.outstanding, i.daysOverdue])).toEqual([
      [numbers.inv1, 600_00, 54],
      [numbers.inv2, 100_00, 11],
    ]);
    // On 31 March inv1 had 600.00 open, 19 days overdue; inv2 not yet due.
    const march = await statement('from=2026-03-01&to=2026-03-31');
    expect(march.overdue.invoices.map((i: Record<string, unknown>) => [i.number, i.daysOverdue])).toEqual([
      [numbers.inv1, 19],
    ]);
    // The voided invoice never shows as overdue: it was cancelled before its due date.
    expect(now.overdue.invoices.map((i: { documentId: string }) => i.documentId)).not.toContain(ids.inv4);
  });

  it('keeps one statement per currency', async () => {
    const usd = await statement('from=2026-01-01&to=2026-06-30&currency=USD');
    expect(usd).toMatchObject({ currency: 'USD', openingBalance: 0, closingBalance: 80_00 });
    expect(usd.lines.map((l: { number: string }) => l.number)).toEqual([numbers.usd]);
    expect(usd.overdue.invoices.map((i: { number: string }) => i.number)).toEqual([numbers.usd]);
    const gbp = await statement('from=2026-01-01&to=2026-06-30&currency=GBP');
    expect(gbp).toMatchObject({ openingBalance: 0, lines: [], closingBalance: 0, currencies: ['EUR', 'GBP', 'USD'] });
  });

  itNeeds(['pdfsig', 'pdftotext'], 'gives a signed PDF that reads like the JSON, and audits its issue', async () => {
    const res = await api.req('GET', `/api/v1/clients/${ids.alpha}/statement.pdf?from=2026-04-01&to=2026-06-30`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('attachment; filename="statement-2026-04-01-2026-06-30-EUR.pdf"');
    const sig = pdfsig(res.rawPayload);
    expect(sig).toMatch(/Signature #1/);
    expect(sig).toMatch(/Signature Validation: Signature is Valid/);
    // Alpha's language is the org's (de-DE): German words, German dates and amounts.
    const text = pdfText(res.rawPayload);
    expect(text).toContain('Kontoauszug');
    expect(text).toContain('Alpha AG');
    expect(text).toContain('Saldovortrag');
    expect(text).toContain(`Zahlung für ${numbers.inv2} 01.04.2026 100,00 € 700,00 €`);
    expect(text).toContain(`Gutschrift ${numbers.cnVoid}`);
    expect(text).toContain(`Erstattung für ${numbers.inv3} 06.05.2026 50,00 € 750,00 €`);
    expect(text).toMatch(/Anfangssaldo 800,00 €/);
    expect(text).toContain('Endsaldo 750,00 €');
    expect(text).toContain('Zeitraum 01.04.2026 – 30.06.2026');
    // The overdue label wraps in its column: its date lands after the value.
    expect(text).toMatch(new RegExp(`${numbers.inv1}, fällig am 600,00 € \\(110 Tage überfällig\\) 12\\.03\\.2026`));
    expect(text).not.toContain('Statement');
    expect(text).not.toContain('DRAFT');

    const tampered = Buffer.from(res.rawPayload);
    const i = tampered.indexOf('/Producer');
    expect(i).toBeGreaterThan(0);
    tampered[i] = tampered[i]! ^ 0x01;
    expect(pdfsig(tampered)).not.toMatch(/Signature is Valid/);

    const events = (await api.ok('GET', '/api/v1/audit-events?limit=500')).items as Array<{
      action: string;
      objectId: string;
      summary: Record<string, unknown>;
    }>;
    const issued = events.find((e) => e.action === 'statement.issued' && e.objectId === ids.alpha);
    expect(issued?.summary).toMatchObject({
      from: '2026-04-01',
      to: '2026-06-30',
      currency: 'EUR',
      closingBalance: 750_00,
      sha256: res.headers['x-content-sha256'],
      portal: false,
    });
  });

  it("refuses another organization's client with 404, JSON and PDF", async () => {
    expectProblem(await api.req('GET', `/api/v1/clients/${ids.foreign}/statement`), 404);
    expectProblem(await api.req('GET', `/api/v1/clients/${ids.foreign}/statement.pdf`), 404);
    expectProblem(await other.req('GET', `/api/v1/clients/${ids.alpha}/statement`), 404);
    const pdf = await other.req('GET', `/api/v1/clients/${ids.alpha}/statement.pdf?from=2026-01-01`);
    expectProblem(pdf, 404);
    expect(pdf.body).not.toContain('Alpha');
  });

  it('answers bad periods and currencies with 400 naming the field', async () => {
    const bad = async (query: string, field: RegExp) => {
      const res = await api.req('GET', `/api/v1/clients/${ids.alpha}/statement?${query}`);
      const p = expectProblem(res, 400, 'validation_failed');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(p.errors.map((e: { path: string }) => e.path).join(' ')).toMatch(field);
    };
    await bad('from=2026-06-30&to=2026-06-01', /\/querystring\/to/);
    await bad('from=2026-02-30&to=2026-03-01', /\/querystring\/from/);
    await bad('from=yesterday', /\/querystring\/from/);
    await bad('currency=EURO', /\/querystring\/currency/);
    await bad('currency=XYZ', /\/querystring\/currency/);
    await bad('clientId=00000000-0000-0000-0000-000000000000', /\/querystring/);
    expectProblem(await api.req('GET', `/api/v1/clients/${ids.alpha}/statement.pdf?to=2026-13-01`), 400);
    // Only `from`, after today's default end: 422 on from.
    const late = await api.req('GET', `/api/v1/clients/${ids.alpha}/statement?from=2026-07-01`);
    expect(expectProblem(late, 422).errors).toEqual([
      { path: '/querystring/from', message: 'must not be after today (the end of the period when to is not given)' },
    ]);
    expectProblem(await api.req('GET', '/api/v1/clients/not-an-id/statement'), 400);
  });

  itNeeds(['pdfsig'], "gives a portal contact its own client's statement only", async () => {
    const alpha = await portalLogin(t.app, smtp, api.orgId, 'ap@alpha.test');
    const mine = await portalReq(t.app, alpha, 'GET', '/api/v1/portal/statement?from=2026-04-01&to=2026-06-30');
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toEqual(await statement('from=2026-04-01&to=2026-06-30'));
    const pdf = await portalReq(t.app, alpha, 'GET', '/api/v1/portal/statement.pdf?from=2026-04-01&to=2026-06-30');
    expect(pdf.statusCode).toBe(200);
    expect(pdfsig(pdf.rawPayload)).toMatch(/Signature is Valid/);

    // Beta's contact gets Beta's statement; nothing of Alpha, whatever it adds to the query.
    const beta = await portalLogin(t.app, smtp, api.orgId, 'ap@beta.test');
    const theirs = await portalReq(t.app, beta, 'GET', '/api/v1/portal/statement?from=2026-01-01');
    expect(theirs.json()).toMatchObject({ clientId: ids.beta, clientName: 'Beta SARL', closingBalance: -20_00 });
    expect(theirs.body).not.toContain('Alpha');
    expect(theirs.body).not.toContain(ids.alpha);
    expectProblem(await portalReq(t.app, beta, 'GET', `/api/v1/portal/statement?clientId=${ids.alpha}`), 400);
    // The staff route is not a portal route: 401, not Alpha's data.
    const staffRoute = await portalReq(t.app, beta, 'GET', `/api/v1/clients/${ids.alpha}/statement`);
    expect([401, 403]).toContain(staffRoute.statusCode);
    expect(staffRoute.body).not.toContain('Alpha');

    // A contact removed from its client loses the statement at once.
    const client = await api.ok('GET', `/api/v1/clients/${ids.beta}`);
    await api.ok('DELETE', `/api/v1/clients/${ids.beta}/contacts/${client.contacts[0].id}`);
    const gone = await portalReq(t.app, beta, 'GET', '/api/v1/portal/statement');
    expect([401, 404]).toContain(gone.statusCode);
    expect(gone.body).not.toContain('Beta SARL');
  });

  // Issue #15 item 4: the statement speaks its client's language, like the client's invoices.
  itNeeds(['pdftotext'], "writes the statement PDF in the client's language and its formats", async () => {
    const cases = [
      {
        language: 'en-GB',
        words: (n: string) => [
          'Statement of account',
          'Balance brought forward 1 Jul 2026 €0.00',
          `Invoice ${n} 1 Jul 2026 €1,234.56 €1,234.56`,
          `Payment for ${n}, Cash 3 Jul 2026 €234.56 €1,000.00`,
          'Payments received −€234.56',
          'Closing balance €1,000.00',
          'Period 1 Jul 2026 – 20 Jul 2026',
          'Overdue on 20 Jul 2026 €1,000.00',
          `${n}, due 5 Jul 2026 €1,000.00 (15 days overdue)`,
        ],
      },
      {
        language: 'fr-FR',
        words: (n: string) => [
          'Relevé de compte',
          'Solde reporté',
          `Facture ${n} 1 juil. 2026 1 234,56 € 1 234,56 €`,
          `Paiement de ${n}, Espèces 3 juil. 2026 234,56 € 1 000,00 €`,
          'Solde de clôture 1 000,00 €',
          'Période 1 juil. 2026 – 20 juil. 2026',
          `${n}, échue le`,
          '1 000,00 € (en retard de 15 jours)',
        ],
      },
    ];
    try {
      for (const c of cases) {
        at('2026-07-01');
        const client = await api.ok('POST', '/api/v1/clients', { name: `Client ${c.language}`, language: c.language });
        const inv = await invoice(`lang-${c.language}`, client.id, 1_234_56, '2026-07-05');
        at('2026-07-03');
        await api.ok('POST', `/api/v1/invoices/${inv.id}/payments`, { amount: 234_56, method: 'cash' });
        at('2026-07-20');
        const res = await api.req('GET', `/api/v1/clients/${client.id}/statement.pdf?from=2026-07-01&to=2026-07-20`);
        expect(res.statusCode, res.body).toBe(200);
        const text = pdfText(res.rawPayload); // every space, no-break ones too, read as one plain space

        for (const w of c.words(inv.number)) expect(text).toContain(w);
      }
    } finally {
      at('2026-06-30');
    }
  });
});
