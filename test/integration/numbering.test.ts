// Gapless numbering (issue #2 §7): numbers are assigned inside the issuing transaction, once each,
// per org, per document kind and per period. 200 concurrent issues (several PostgreSQL
// connections) must yield 1..200 exactly once, without deadlocks or serialization failures; a
// failing issue must consume no number.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { addMember } from '../helpers/session.ts';

const ACTOR = { type: 'system' as const, id: 'numbering-test' };

describeEachDb('gapless numbering', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let clientId: string;
  const clock = new FixedClock('2026-03-10T09:00:00Z');

  const draft = async (kind: 'invoice' | 'quote' | 'credit_note' = 'invoice', extra: Record<string, unknown> = {}) =>
    (
      await t.container.services.documents.create(
        api.orgId,
        kind,
        { clientId, lines: [{ description: 'Work', quantity: '1', unitPrice: 1000 }], ...extra },
        ACTOR,
      )
    ).id;

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock });
    api = await setupOrg(t.app, 'Numbering AG', { timeZone: 'UTC' });
    clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Client' })).id;
  });
  afterAll(() => t?.close());

  // Issues serialize on the sequence row, and each renders and signs a PDF: minutes on a busy 2-core machine.
  it('issues 200 invoices concurrently with every number exactly once and no gap', { timeout: 240_000 }, async () => {
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(await draft());
    const responses = await Promise.all(
      ids.map((id) => api.req('POST', `/api/v1/invoices/${id}/issue`, { confirmWithoutPayoutDetails: true })),
    );
    const failures = responses.filter((r) => r.statusCode !== 200).map((r) => `${r.statusCode} ${r.body}`);
    expect(failures).toEqual([]);

    const seqs = responses.map((r) => {
      const number: string = r.json().number;
      expect(number).toMatch(/^INV-2026-\d{5}$/);
      return Number(number.slice(-5));
    });
    expect(new Set(seqs).size).toBe(200);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));

    // Every number is stored once, and the audit chain stayed linear under contention.
    const stored = await t.container.db
      .selectFrom('documents')
      .select('number')
      .where('org_id', '=', api.orgId)
      .where('kind', '=', 'invoice')
      .where('number', 'is not', null)
      .execute();
    expect(new Set(stored.map((r) => r.number)).size).toBe(200);
    expect((await api.ok('POST', '/api/v1/audit-events/verify')).ok).toBe(true);
  });

  it('issues a draft once when the same issue arrives concurrently, without burning numbers', async () => {
    const id = await draft();
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        api.req('POST', `/api/v1/invoices/${id}/issue`, { confirmWithoutPayoutDetails: true }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    expect(results.find((r) => r.statusCode === 200)!.json().number).toBe('INV-2026-00201'); // right after the 200 above
    const issuedAudit = await t.container.db
      .selectFrom('audit_events')
      .select('id')
      .where('object_id', '=', id)
      .where('action', '=', 'invoice.issued')
      .execute();
    expect(issuedAudit).toHaveLength(1);
    expect(
      (await api.ok('POST', `/api/v1/invoices/${await draft()}/issue`, { confirmWithoutPayoutDetails: true })).number,
    ).toBe('INV-2026-00202');
  });

  it('keeps a separate series per kind', async () => {
    const quote = await api.ok('POST', `/api/v1/quotes/${await draft('quote')}/issue`);
    expect(quote.number).toBe('QUO-2026-00001');
    const invoice = await api.ok('POST', `/api/v1/invoices/${await draft()}/issue`, {
      confirmWithoutPayoutDetails: true,
    });
    const cn = await api.ok(
      'POST',
      `/api/v1/credit-notes/${await draft('credit_note', { relatedDocumentId: invoice.id })}/issue`,
    );
    expect(cn.number).toBe('CN-2026-00001');
    expect((await api.ok('POST', `/api/v1/quotes/${await draft('quote')}/issue`)).number).toBe('QUO-2026-00002');
  });

  it('restarts a {YYYY} series at 1 in a new year, and a {MM} series every month', async () => {
    const org = await setupOrg(t.app, 'Yearly GmbH', { timeZone: 'UTC' });
    const cid = (await org.ok('POST', '/api/v1/clients', { name: 'C' })).id;
    const issue = async () => {
      const d = await org.ok('POST', '/api/v1/invoices', {
        clientId: cid,
        lines: [{ description: 'x', quantity: '1', unitPrice: 100 }],
      });
      return (await org.ok('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true }))
        .number as string;
    };
    clock.set('2026-12-31T22:00:00Z');
    expect([await issue(), await issue()]).toEqual(['INV-2026-00001', 'INV-2026-00002']);
    clock.set('2027-01-01T08:00:00Z');
    expect(await issue()).toBe('INV-2027-00001');

    // An explicit issue date in the past continues that year's series.
    const back = await org.ok('POST', '/api/v1/invoices', {
      clientId: cid,
      issueDate: '2026-12-30',
      lines: [{ description: 'x', quantity: '1', unitPrice: 100 }],
    });
    expect(
      (await org.ok('POST', `/api/v1/invoices/${back.id}/issue`, { confirmWithoutPayoutDetails: true })).number,
    ).toBe('INV-2026-00003');

    await org.ok('PATCH', '/api/v1/org', {
      numbering: { invoice: 'R{YY}{MM}-{SEQ:3}', quote: 'Q-{SEQ:4}', credit_note: 'CN-{YYYY}-{SEQ:5}' },
    });
    expect(await issue()).toBe('R2701-001');
    clock.set('2027-02-01T08:00:00Z');
    expect(await issue()).toBe('R2702-001');
    clock.set('2026-03-10T09:00:00Z');
  });

  it('previews the next numbers and continues a series from a chosen number, only forward', async () => {
    const org = await setupOrg(t.app, 'Switcher GmbH', { timeZone: 'UTC' });
    const cid = (await org.ok('POST', '/api/v1/clients', { name: 'C' })).id;
    const issue = async () => {
      const d = await org.ok('POST', '/api/v1/invoices', {
        clientId: cid,
        lines: [{ description: 'x', quantity: '1', unitPrice: 100 }],
      });
      return (await org.ok('POST', `/api/v1/invoices/${d.id}/issue`, { confirmWithoutPayoutDetails: true }))
        .number as string;
    };
    expect((await org.ok('GET', '/api/v1/numbering')).items).toEqual([
      { kind: 'invoice', pattern: 'INV-{YYYY}-{SEQ:5}', period: '2026', nextValue: 1, nextNumber: 'INV-2026-00001' },
      { kind: 'quote', pattern: 'QUO-{YYYY}-{SEQ:5}', period: '2026', nextValue: 1, nextNumber: 'QUO-2026-00001' },
      { kind: 'credit_note', pattern: 'CN-{YYYY}-{SEQ:5}', period: '2026', nextValue: 1, nextNumber: 'CN-2026-00001' },
    ]);

    // Switching mid-year from another program that issued up to INV-2026-00417.
    expect(await org.ok('PUT', '/api/v1/numbering/invoice/next', { nextValue: 418 })).toMatchObject({
      nextValue: 418,
      nextNumber: 'INV-2026-00418',
    });
    expect(await issue()).toBe('INV-2026-00418');
    expect((await org.ok('GET', '/api/v1/numbering')).items[0]).toMatchObject({ nextNumber: 'INV-2026-00419' });
    const events = await org.ok('GET', '/api/v1/audit-events?action=numbering.next_set');
    expect(events.items.map((e: { action: string }) => e.action)).toContain('numbering.next_set');

    // Never backwards (it would hand out 418 again), never nonsense, and only for who sets numbering.
    expectProblem(await org.req('PUT', '/api/v1/numbering/invoice/next', { nextValue: 418 }), 409, 'conflict');
    expectProblem(await org.req('PUT', '/api/v1/numbering/invoice/next', { nextValue: 0 }), 400, 'validation_failed');
    expectProblem(await org.req('PUT', '/api/v1/numbering/receipt/next', { nextValue: 5 }), 400, 'validation_failed');
    const sales = await addMember(t, org.orgId, 'sales', 'sales@switcher.test');
    expect((await sales.req('GET', '/api/v1/numbering')).statusCode).toBe(200);
    expectProblem(await sales.req('PUT', '/api/v1/numbering/quote/next', { nextValue: 50 }), 403);
    expect(await issue()).toBe('INV-2026-00419');
  });

  it('consumes no number when issuing fails', async () => {
    const org = await setupOrg(t.app, 'Gapless SA', { timeZone: 'UTC' });
    const cid = (await org.ok('POST', '/api/v1/clients', { name: 'C' })).id;
    const mk = (extra: Record<string, unknown> = {}) =>
      org.ok('POST', '/api/v1/invoices', {
        clientId: cid,
        lines: [{ description: 'x', quantity: '1', unitPrice: 100 }],
        ...extra,
      });
    expect(
      (await org.ok('POST', `/api/v1/invoices/${(await mk()).id}/issue`, { confirmWithoutPayoutDetails: true })).number,
    ).toBe('INV-2026-00001');

    const bad = await mk({ issueDate: '2026-03-10', dueDate: '2026-03-01' });
    const problem = expectProblem(
      await org.req('POST', `/api/v1/invoices/${bad.id}/issue`, { confirmWithoutPayoutDetails: true }),
      422,
      'unprocessable',
    );
    expect(problem.errors).toEqual([{ path: '/body/dueDate', message: 'before issue date' }]);
    expect((await org.ok('GET', `/api/v1/invoices/${bad.id}`)).status).toBe('draft');

    // A failure after the number was drawn (a credit note exceeding its invoice) rolls it back too.
    const inv = await org.ok('POST', `/api/v1/invoices/${(await mk()).id}/issue`, {
      confirmWithoutPayoutDetails: true,
    });
    expect(inv.number).toBe('INV-2026-00002');
    const tooBig = await org.ok('POST', '/api/v1/credit-notes', {
      clientId: cid,
      relatedDocumentId: inv.id,
      lines: [{ description: 'x', quantity: '1', unitPrice: 500 }],
    });
    expectProblem(await org.req('POST', `/api/v1/credit-notes/${tooBig.id}/issue`), 422, 'unprocessable');
    const fine = await org.ok('POST', '/api/v1/credit-notes', {
      clientId: cid,
      relatedDocumentId: inv.id,
      lines: [{ description: 'x', quantity: '1', unitPrice: 50 }],
    });
    expect((await org.ok('POST', `/api/v1/credit-notes/${fine.id}/issue`)).number).toBe('CN-2026-00001');

    expect(
      (await org.ok('POST', `/api/v1/invoices/${(await mk()).id}/issue`, { confirmWithoutPayoutDetails: true })).number,
    ).toBe('INV-2026-00003');
  });
});
