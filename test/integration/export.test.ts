// The organization data export (POST /api/v1/exports). Security properties, each performed as the
// attack: exporting needs step-up (an API token — even one scoped to data:export — and a session
// that authenticated more than 5 minutes ago are refused with step_up_required); a role without
// data:export is refused; and tenant isolation by export: two organizations are seeded with
// distinctive strings, org A's export (JSON and CSV) must contain none of org B's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOrg, expectProblem, type Api } from '../helpers/api.ts';
import { addUser, signIn } from '../helpers/identity.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { addMember, staffSession, type SessionClient } from '../helpers/session.ts';

const MIN = 60_000;

interface Seeded {
  client: string;
  contact: string;
  taxRate: string;
  item: string;
  invoice: string;
  paidInvoice: string;
  creditNote: string;
  quote: string;
  draft: string;
  payment: string;
  schedule: string;
}

/** Seeds one organization; every string carries the org's marker so an export can be searched for it. */
async function seed(api: Api, m: string): Promise<Seeded> {
  const client = await api.ok('POST', '/api/v1/clients', {
    name: `${m} Client Corporation`,
    email: `billing@${m.toLowerCase()}-client.test`,
    addressLines: [`${m} Street 1`],
    country: 'DE',
    taxId: `DE-${m}-TAX`,
    notes: `${m} private client notes`,
    contacts: [
      {
        name: `${m} Contact Person`,
        email: `contact@${m.toLowerCase()}-client.test`,
        phone: '+49 30 1234',
        isPrimary: true,
      },
    ],
  });
  const taxRate = await api.ok('POST', '/api/v1/tax-rates', { name: `${m} VAT`, rateBp: 1900 });
  const item = await api.ok('POST', '/api/v1/items', {
    name: `${m} consulting day`,
    unitPrice: 95_000,
    currency: 'EUR',
    taxRateId: taxRate.id,
  });
  const line = (d: string, unitPrice: number) => ({
    description: `${m} ${d}`,
    quantity: '2',
    unit: 'd',
    unitPrice,
    taxRateId: taxRate.id,
  });
  const invoice = await api.ok('POST', '/api/v1/invoices', {
    clientId: client.id,
    lines: [line('security review', 95_000)],
    notes: `${m} invoice notes`,
  });
  await api.ok('POST', `/api/v1/invoices/${invoice.id}/issue`, { confirmWithoutPayoutDetails: true });
  const payment = await api.ok('POST', `/api/v1/invoices/${invoice.id}/payments`, {
    amount: 50_000,
    reference: `${m}-PAYMENT-REF`,
  });
  const voided = await api.ok('POST', '/api/v1/invoices', {
    clientId: client.id,
    lines: [line('cancelled work', 10_000)],
  });
  await api.ok('POST', `/api/v1/invoices/${voided.id}/issue`, { confirmWithoutPayoutDetails: true });
  const { creditNote } = await api.ok('POST', `/api/v1/invoices/${voided.id}/void`, { reason: `${m} wrong entity` });
  const quote = await api.ok('POST', '/api/v1/quotes', { clientId: client.id, lines: [line('offer', 70_000)] });
  const draft = await api.ok('POST', '/api/v1/invoices', { clientId: client.id, lines: [line('draft work', 1_000)] });
  const schedule = await api.ok(
    'POST',
    '/api/v1/recurring-schedules',
    { clientId: client.id, frequency: 'monthly', startOn: '2030-01-01', lines: [line('monthly retainer', 9_000)] },
    201,
  );
  return {
    client: client.id,
    contact: client.contacts[0].id,
    taxRate: taxRate.id,
    item: item.id,
    invoice: invoice.id,
    paidInvoice: invoice.id,
    creditNote: creditNote.id,
    quote: quote.id,
    draft: draft.id,
    payment: payment.id,
    schedule: schedule.id,
  };
}

describeEachDb('data export', (dialect) => {
  const clock = new FixedClock('2026-01-01T09:00:00Z');
  let t: TestInstance;
  let a: Api;
  let b: Api;
  let A: Seeded;
  let B: Seeded;
  const exportAs = (s: SessionClient, body: unknown = {}) => s.req('POST', '/api/v1/exports', body);
  const exportEvents = async (api: Api) =>
    (await api.ok('GET', '/api/v1/audit-events?action=data.exported')).items as Array<{
      actorId: string;
      summary: Record<string, unknown>;
    }>;

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock });
    a = await setupOrg(t.app, 'Alpha Exporters GmbH');
    b = await setupOrg(t.app, 'Zeta Hidden Holdings AG');
    A = await seed(a, 'Alpha');
    B = await seed(b, 'Zeta');
    // After the documents were issued, so the IBANs appear only in the organization profile.
    await seedPayout(t, a.orgId, { accountHolder: 'Alpha Exporters GmbH', iban: 'DE89 3704 0044 0532 0130 00' });
    await seedPayout(t, b.orgId, { accountHolder: 'Zeta Hidden Holdings AG', iban: 'GB82 WEST 1234 5698 7654 32' });
  });
  afterAll(() => t.close());

  it('a freshly signed-in owner downloads everything of the organization as JSON, and the export is audited', async () => {
    const owner = await staffSession(t, a.orgId, a.userId);
    const res = await exportAs(owner);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="sealbill-export-2026-01-01.json"');
    expect(res.headers['cache-control']).toBe('no-store');
    const data = res.json();
    expect(data).toMatchObject({ format: 'sealbill-export', version: 1, exportedAt: '2026-01-01T09:00:00.000Z' });
    expect(data.organization).toMatchObject({
      id: a.orgId,
      name: 'Alpha Exporters GmbH',
      payout: { accountHolder: 'Alpha Exporters GmbH', iban: 'DE89370400440532013000' },
    });

    const client = data.clients.find((c: { id: string }) => c.id === A.client);
    expect(client).toMatchObject({
      name: 'Alpha Client Corporation',
      email: 'billing@alpha-client.test',
      taxId: 'DE-Alpha-TAX',
      notes: 'Alpha private client notes',
    });
    expect(client.contacts).toEqual([
      expect.objectContaining({ id: A.contact, name: 'Alpha Contact Person', email: 'contact@alpha-client.test' }),
    ]);
    expect(data.taxRates.map((r: { id: string }) => r.id)).toEqual([A.taxRate]);
    expect(data.items).toEqual([
      expect.objectContaining({ id: A.item, name: 'Alpha consulting day', unitPrice: 95_000 }),
    ]);

    const byId = new Map<string, Record<string, any>>(data.documents.map((d: { id: string }) => [d.id, d]));
    expect([...byId.keys()].sort()).toEqual(
      [A.invoice, A.creditNote, A.quote, A.draft, data.documents.find((d: any) => d.status === 'void').id].sort(),
    );
    // Lines and totals are the document's own (2 × 950.00 + 19 % VAT), and an issued one carries its frozen parties.
    expect(byId.get(A.invoice)).toMatchObject({
      kind: 'invoice',
      status: 'partially_paid',
      subtotal: 190_000,
      taxTotal: 36_100,
      total: 226_100,
      amountPaid: 50_000,
      notes: 'Alpha invoice notes',
    });
    expect(byId.get(A.invoice)!.lines[0]).toMatchObject({
      description: 'Alpha security review',
      quantity: '2',
      unitPrice: 95_000,
      taxRateBp: 1900,
      amount: 190_000,
    });
    expect(byId.get(A.invoice)!.snapshot).toMatchObject({
      org: { name: 'Alpha Exporters GmbH' },
      client: { name: 'Alpha Client Corporation' },
    });
    expect(byId.get(A.invoice)!.number).toMatch(/^INV-2026-/);
    expect(byId.get(A.creditNote)).toMatchObject({ kind: 'credit_note', status: 'issued' });
    expect(byId.get(A.quote)).toMatchObject({ kind: 'quote', status: 'draft', snapshot: null });
    expect(byId.get(A.draft)).toMatchObject({ kind: 'invoice', status: 'draft', number: null });
    expect(data.payments).toEqual([
      expect.objectContaining({ id: A.payment, invoiceId: A.invoice, amount: 50_000, reference: 'Alpha-PAYMENT-REF' }),
    ]);
    expect(data.recurringSchedules).toEqual([expect.objectContaining({ id: A.schedule, frequency: 'monthly' })]);
    expect(data.recurringSchedules[0].template.lines[0].description).toBe('Alpha monthly retainer');

    const events = await exportEvents(a);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: a.userId,
      summary: { format: 'json', payoutIncluded: true, clients: 1, documents: 5, payments: 1 },
    });
  });

  it('tenant isolation by export: nothing of the other organization appears in either format', async () => {
    const owner = await staffSession(t, a.orgId, a.userId);
    const markers = ['Zeta', 'zeta-client', 'GB82WEST', b.orgId, b.userId, ...Object.values(B)];
    for (const format of ['json', 'invoices-csv']) {
      const res = await exportAs(owner, { format });
      expect(res.statusCode, res.body).toBe(200);
      for (const m of markers) expect(res.body.includes(m), `${format} export of A leaks ${m}`).toBe(false);
      // Smuggling the other org's id into the request is refused, not obeyed.
      expectProblem(await exportAs(owner, { format, orgId: b.orgId }), 400, 'validation_failed');
    }
    // The markers are real: B's own export has them.
    const bOwner = await staffSession(t, b.orgId, b.userId);
    const own = await exportAs(bOwner);
    for (const m of [
      'Zeta Client Corporation',
      'Zeta Contact Person',
      'Zeta-PAYMENT-REF',
      'GB82WEST12345698765432',
      B.schedule,
    ])
      expect(own.body).toContain(m);
    expect(own.body).not.toContain('Alpha');
  });

  it('exports invoices as CSV (one row per invoice, every text cell quoted, formulas neutralized on every ; , or tab part)', async () => {
    const sneaky = await a.ok('POST', '/api/v1/clients', { name: '=HYPERLINK("http://evil.test","x")' });
    const inv = await a.ok('POST', '/api/v1/invoices', {
      clientId: sneaky.id,
      lines: [{ description: 'x', quantity: '1', unitPrice: 1_234 }],
    });
    // Excel in DE/FR/NL splits on ';': the second part of this name would be a live formula.
    const semi = await a.ok('POST', '/api/v1/clients', { name: 'Globex;=1+1;\t@SUM(A1)' });
    const semiInv = await a.ok('POST', '/api/v1/invoices', {
      clientId: semi.id,
      lines: [{ description: 'x', quantity: '1', unitPrice: 1_000 }],
    });
    const owner = await staffSession(t, a.orgId, a.userId);
    const res = await exportAs(owner, { format: 'invoices-csv' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="sealbill-invoices-2026-01-01.csv"');
    const rows = res.body.trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'number,status,client,issue_date,due_date,currency,subtotal,discount,tax,total,paid,credited,due,id',
    );
    expect(rows).toHaveLength(1 + 5); // issued, void, draft, and the two new drafts; no quote or credit note
    const issued = rows.find((r) => r.endsWith(A.invoice))!;
    expect(issued).toMatch(
      /^"INV-2026-\d+","partially_paid","Alpha Client Corporation",2026-01-01,2026-01-31,EUR,1900\.00,0\.00,361\.00,2261\.00,500\.00,0\.00,1761\.00,/,
    );
    expect(rows.find((r) => r.endsWith(inv.id))).toBe(
      `"","draft","'=HYPERLINK(""http://evil.test"",""x"")",,,EUR,12.34,0.00,0.00,12.34,0.00,0.00,12.34,${inv.id}`,
    );
    const semiRow = rows.find((r) => r.endsWith(semiInv.id))!;
    expect(semiRow).toBe(
      `"","draft","Globex;'=1+1;'\t'@SUM(A1)",,,EUR,10.00,0.00,0.00,10.00,0.00,0.00,10.00,${semiInv.id}`,
    );
    // As Excel in Germany reads it (';' separates cells, quotes respected or not): no part starts a formula.
    for (const part of semiRow.replace(/"/g, '').split(/[;,\t]/)) expect(part.trimStart()).not.toMatch(/^[=+\-@]/);
    await a.ok('DELETE', `/api/v1/invoices/${inv.id}`);
    await a.ok('DELETE', `/api/v1/invoices/${semiInv.id}`);
  });

  it('refuses API tokens, even one scoped to data:export: step_up_required, nothing exported or audited', async () => {
    const before = (await exportEvents(a)).length;
    expectProblem(await a.req('POST', '/api/v1/exports', {}), 401, 'step_up_required');
    const { token } = await t.container.db.transaction().execute((tx) =>
      t.container.services.tokens.create(tx, {
        orgId: a.orgId,
        userId: a.userId,
        name: 'exporter',
        scopes: ['data:export'],
        expiresAt: null,
      }),
    );
    const scoped = a.as(token);
    const res = await scoped.req('POST', '/api/v1/exports', { format: 'invoices-csv' });
    expectProblem(res, 401, 'step_up_required');
    expect(res.body).not.toContain('Alpha Client');
    expect((await exportEvents(a)).length).toBe(before);
  });

  it('refuses a session that authenticated more than 5 minutes ago, until the member re-authenticates', async () => {
    await addUser(t, a.orgId, 'accountant', 'acct@alpha.test');
    const acct = await signIn(t.app, 'acct@alpha.test');
    expect(acct.level).toBe('full');
    expect((await acct.req('POST', '/api/v1/exports', {})).statusCode).toBe(200);
    clock.advance(6 * MIN);
    const stale = await acct.req('POST', '/api/v1/exports', {});
    expectProblem(stale, 401, 'step_up_required');
    expect(stale.body).not.toContain('Alpha Client');
    await acct.ok('POST', '/api/v1/auth/reauth', { password: 'correct horse battery staple' });
    const fresh = await acct.req('POST', '/api/v1/exports', {});
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.json().clients.map((c: { name: string }) => c.name)).toContain('Alpha Client Corporation');
  });

  it('refuses members whose role lacks data:export (viewer, sales) with 403', async () => {
    for (const role of ['viewer', 'sales']) {
      const member = await addMember(t, a.orgId, role, `${role}@alpha.test`);
      const res = await exportAs(member);
      expectProblem(res, 403, 'forbidden');
      expect(res.body).not.toContain('Alpha Client');
    }
  });

  it('leaves the payout bank details out for an exporter who may not read them', async () => {
    const owner = await staffSession(t, a.orgId, a.userId);
    const role = await owner.req('PUT', '/api/v1/org/roles/exporter', {
      name: 'Exporter',
      permissions: ['org:read', 'client:read', 'invoice:read', 'data:export'],
    });
    expect(role.statusCode, role.body).toBe(200);
    const exporter = await addMember(t, a.orgId, 'custom:exporter', 'exporter@alpha.test');
    const res = await exportAs(exporter);
    expect(res.statusCode, res.body).toBe(200);
    const data = res.json();
    expect(data.organization.payoutConfigured).toBe(true);
    expect(data.organization).not.toHaveProperty('payout');
    expect(res.body).not.toContain('DE89370400440532013000');
    const events = await exportEvents(a);
    expect(events.at(-1)).toMatchObject({ summary: { format: 'json', payoutIncluded: false } });
  });
});
