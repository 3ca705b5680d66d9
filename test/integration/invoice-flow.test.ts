import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiFor, expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { seedPayout } from '../helpers/payout.ts';
import { staffSession } from '../helpers/session.ts';

describeEachDb('invoice lifecycle', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let clientId: string;
  let vat20: string;

  beforeAll(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app);
    await seedPayout(t, api.orgId, {
      accountHolder: 'Acme GmbH',
      iban: 'DE89 3704 0044 0532 0130 00',
      bic: 'COBADEFFXXX',
    });
    vat20 = (await api.ok('POST', '/api/v1/tax-rates', { name: 'VAT', rateBp: 2000 })).id;
    const client = await api.ok('POST', '/api/v1/clients', {
      name: 'Ωμέγα Σύμβουλοι ΑΕ',
      email: 'Billing@Omega.test',
      addressLines: ['Οδός Ερμού 1', '105 63 Αθήνα'],
      country: 'GR',
      taxId: 'EL123456789',
      contacts: [{ name: 'Ζωή', email: 'zoe@omega.test', isPrimary: true }],
    });
    clientId = client.id;
    expect(client.email).toBe('billing@omega.test');
    expect(client.currency).toBe('EUR');
    expect(client.contacts).toHaveLength(1);
  });
  afterAll(() => t.close());

  it('creates, issues, renders, pays and settles an invoice', async () => {
    const draft = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [
        { description: 'Consulting', quantity: '10', unit: 'h', unitPrice: 12_000, taxRateId: vat20 },
        { description: 'Travel', quantity: '1', unitPrice: 4_550, discount: { type: 'percent', basisPoints: 1000 } },
      ],
      notes: 'Thank you',
    });
    expect(draft.status).toBe('draft');
    expect(draft.number).toBeNull();
    expect(draft.subtotal).toBe(120_000 + 4_095);
    expect(draft.taxTotal).toBe(24_000);
    expect(draft.total).toBe(148_095);
    expect(draft.clientName).toBe('Ωμέγα Σύμβουλοι ΑΕ');

    const patched = await api.ok('PATCH', `/api/v1/invoices/${draft.id}`, { notes: 'Danke' });
    expect(patched.notes).toBe('Danke');
    expect(patched.total).toBe(148_095);

    const issued = await api.ok('POST', `/api/v1/invoices/${draft.id}/issue`);
    expect(issued.status).toBe('issued');
    expect(issued.number).toMatch(/^INV-\d{4}-00001$/);
    expect(issued.dueDate > issued.issueDate).toBe(true);
    expect(issued.hasPdf).toBe(true);

    // Issued documents are immutable.
    expectProblem(await api.req('PATCH', `/api/v1/invoices/${draft.id}`, { notes: 'changed' }), 409, 'conflict');
    expectProblem(await api.req('DELETE', `/api/v1/invoices/${draft.id}`), 409, 'conflict');
    expectProblem(await api.req('POST', `/api/v1/invoices/${draft.id}/issue`), 409, 'conflict');

    // The PDF is rendered once at issue and served byte-identical afterwards.
    const pdf1 = await api.req('GET', `/api/v1/invoices/${draft.id}/pdf`);
    const pdf2 = await api.req('GET', `/api/v1/invoices/${draft.id}/pdf`);
    expect(pdf1.statusCode).toBe(200);
    expect(pdf1.headers['content-type']).toBe('application/pdf');
    expect(pdf1.headers['content-disposition']).toMatch(/^attachment; filename="INV-\d{4}-00001\.pdf"$/);
    expect(pdf1.headers['cache-control']).toBe('no-store');
    expect(pdf1.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf1.rawPayload.equals(pdf2.rawPayload)).toBe(true);

    await api.ok('POST', `/api/v1/invoices/${draft.id}/mark-sent`);
    const part = await api.ok('POST', `/api/v1/invoices/${draft.id}/payments`, {
      amount: 48_095,
      method: 'bank_transfer',
      reference: 'SEPA 123',
    });
    expect(part.appliedAmount).toBe(48_095);
    expect((await api.ok('GET', `/api/v1/invoices/${draft.id}`)).status).toBe('partially_paid');

    // Over-payment: the excess becomes client credit.
    const rest = await api.ok('POST', `/api/v1/invoices/${draft.id}/payments`, { amount: 100_500 });
    expect(rest.appliedAmount).toBe(100_000);
    const paid = await api.ok('GET', `/api/v1/invoices/${draft.id}`);
    expect(paid.status).toBe('paid');
    expect(paid.amountDue).toBe(0);
    const payments = await api.ok('GET', `/api/v1/invoices/${draft.id}/payments`);
    expect(payments.items.map((p: { reference: string | null }) => p.reference)).toEqual(['SEPA 123', null]);

    expectProblem(await api.req('POST', `/api/v1/invoices/${draft.id}/payments`, { amount: 1 }), 409, 'conflict');

    // A refund reopens the balance. Money going back out needs a fresh interactive sign-in (step-up).
    const owner = await staffSession(t, api.orgId, api.userId);
    const refund = await owner.req('POST', `/api/v1/invoices/${draft.id}/refunds`, { amount: 10_000 });
    expect(refund.statusCode, refund.body).toBe(201);
    const reopened = await api.ok('GET', `/api/v1/invoices/${draft.id}`);
    expect(reopened.status).toBe('partially_paid');
    expect(reopened.amountDue).toBe(10_000);
  });

  it('lists with filters, sorting and keyset pagination', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = await api.ok('POST', '/api/v1/invoices', {
        clientId,
        lines: [{ description: `Item ${i}`, quantity: '1', unitPrice: 1000 * (i + 1) }],
      });
      ids.push(d.id);
    }
    const page1 = await api.ok('GET', '/api/v1/invoices?status=draft&limit=2&sort=-total');
    expect(page1.items.map((d: { total: number }) => d.total)).toEqual([5000, 4000]);
    const page2 = await api.ok('GET', `/api/v1/invoices?status=draft&limit=2&sort=-total&cursor=${page1.nextCursor}`);
    expect(page2.items.map((d: { total: number }) => d.total)).toEqual([3000, 2000]);
    const page3 = await api.ok('GET', `/api/v1/invoices?status=draft&limit=2&sort=-total&cursor=${page2.nextCursor}`);
    expect(page3.items.map((d: { total: number }) => d.total)).toEqual([1000]);
    expect(page3.nextCursor).toBeNull();

    const byClient = await api.ok('GET', `/api/v1/invoices?clientId=${clientId}&limit=200`);
    expect(byClient.items.length).toBeGreaterThanOrEqual(6);
    expectProblem(await api.req('GET', '/api/v1/invoices?cursor=garbage'), 400, 'validation_failed');
    expectProblem(await api.req('GET', '/api/v1/invoices?status=nope'), 400, 'validation_failed');
  });

  it('converts quotes, credits and voids invoices', async () => {
    const quote = await api.ok('POST', '/api/v1/quotes', {
      clientId,
      lines: [{ description: 'Website', quantity: '1', unitPrice: 500_000, taxRateId: vat20 }],
    });
    const issuedQuote = await api.ok('POST', `/api/v1/quotes/${quote.id}/issue`);
    expect(issuedQuote.number).toMatch(/^QUO-\d{4}-00001$/);
    await api.ok('POST', `/api/v1/quotes/${quote.id}/accept`);
    const invoice = await api.ok('POST', `/api/v1/quotes/${quote.id}/convert`);
    expect(invoice.kind).toBe('invoice');
    expect(invoice.total).toBe(600_000);
    expect((await api.ok('GET', `/api/v1/quotes/${quote.id}`)).status).toBe('converted');

    const inv = await api.ok('POST', `/api/v1/invoices/${invoice.id}/issue`);
    const cn = await api.ok('POST', '/api/v1/credit-notes', {
      clientId,
      relatedDocumentId: inv.id,
      lines: [{ description: 'Goodwill', quantity: '1', unitPrice: 100_000, taxRateId: vat20 }],
    });
    const cnIssued = await api.ok('POST', `/api/v1/credit-notes/${cn.id}/issue`);
    expect(cnIssued.number).toMatch(/^CN-\d{4}-00001$/);
    const credited = await api.ok('GET', `/api/v1/invoices/${inv.id}`);
    expect(credited.amountCredited).toBe(120_000);
    expect(credited.amountDue).toBe(480_000);

    // Voiding needs the invoice uncredited: make a fresh one.
    const other = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      lines: [{ description: 'Oops', quantity: '2', unitPrice: 2_500, taxRateId: vat20 }],
    });
    await api.ok('POST', `/api/v1/invoices/${other.id}/issue`);
    const voided = await api.ok('POST', `/api/v1/invoices/${other.id}/void`, { reason: 'Issued by mistake' });
    expect(voided.invoice.status).toBe('void');
    expect(voided.creditNote.total).toBe(6_000);
    expect(voided.creditNote.relatedDocumentId).toBe(other.id);
    expectProblem(await api.req('POST', `/api/v1/invoices/${other.id}/void`, {}), 409);

    // A credit note cannot exceed what is left to credit.
    const tooBig = await api.ok('POST', '/api/v1/credit-notes', {
      clientId,
      relatedDocumentId: inv.id,
      lines: [{ description: 'x', quantity: '1', unitPrice: 500_000, taxRateId: vat20 }],
    });
    expectProblem(await api.req('POST', `/api/v1/credit-notes/${tooBig.id}/issue`), 422, 'unprocessable');
  });

  it('records every change in a verifiable audit chain', async () => {
    const events = await api.ok('GET', '/api/v1/audit-events?limit=500');
    const actions = events.items.map((e: { action: string }) => e.action);
    expect(actions).toContain('org.created');
    expect(actions).toContain('invoice.issued');
    expect(actions).toContain('payment.recorded');
    expect(JSON.stringify(events)).not.toContain('DE89');
    const verify = await api.ok('POST', '/api/v1/audit-events/verify');
    expect(verify.ok).toBe(true);
    expect(verify.count).toBe(events.items.length);
  });

  it('duplicates an issued invoice into a new draft with the same content and no dates', async () => {
    const source = await api.ok('POST', '/api/v1/invoices', {
      clientId,
      issueDate: '2026-03-02',
      supplyDate: '2026-02-27',
      purchaseOrderReference: 'PO-77',
      lines: [
        { description: 'Hosting', quantity: '3', unit: 'mo', unitPrice: 9_900, taxRateId: vat20 },
        { description: 'Setup', quantity: '1', unitPrice: 5_000, discount: { type: 'amount', amount: 500 } },
      ],
      discount: { type: 'percent', basisPoints: 500 },
      notes: 'Monthly plan',
    });
    await api.ok('POST', `/api/v1/invoices/${source.id}/issue`);
    const copy = await api.ok('POST', `/api/v1/invoices/${source.id}/duplicate`, undefined, 201);
    expect(copy.id).not.toBe(source.id);
    expect(copy).toMatchObject({ status: 'draft', number: null, issueDate: null, dueDate: null, clientId });
    expect(copy.lines).toEqual(source.lines);
    expect([copy.discount, copy.notes, copy.total]).toEqual([source.discount, source.notes, source.total]);
    expect(copy.einvoice).toMatchObject({ purchaseOrderReference: 'PO-77', supplyDate: null });
    const events = await api.ok('GET', `/api/v1/audit-events?objectId=${copy.id}`);
    expect(events.items.map((e: { action: string }) => e.action)).toEqual(['invoice.created']);

    // The copy is an ordinary draft: it is issued with the next number; the source is untouched.
    expect((await api.ok('POST', `/api/v1/invoices/${copy.id}/issue`)).number).not.toBe(source.number);
    expect((await api.ok('GET', `/api/v1/invoices/${source.id}`)).status).toBe('issued');
    expectProblem(await api.req('POST', `/api/v1/quotes/${source.id}/duplicate`), 404, 'not_found');
  });

  it('serves the OpenAPI document and refuses anonymous calls', async () => {
    const doc = await apiFor(t.app, '').ok('GET', '/api/v1/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/invoices/{id}/issue');
    expectProblem(await apiFor(t.app, '').req('GET', '/api/v1/invoices'), 401, 'unauthenticated');
    expectProblem(await apiFor(t.app, 'sb_forged').req('GET', '/api/v1/invoices'), 401, 'unauthenticated');
  });
});
