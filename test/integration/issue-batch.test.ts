// Bulk issuing (issue #14 item 2): drafts issued in batches, one transaction per batch, PDFs
// rendered on a render thread and signed on the main thread. Each invoice is numbered gapless in
// the order given, audited, signed (pdfsig) and stored as one issue would store it; a batch with a
// failing document is rolled back whole (no number drawn) and its other documents issued one by
// one; the render threads end with the container.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { itNeeds } from '../helpers/tools.ts';
import { pdfsig } from '../helpers/pdf-tools.ts';

const ACTOR = { type: 'system' as const, id: 'issue-batch-test' };

describeEachDb('bulk issuing in batches', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let clientId: string;
  const clock = new FixedClock('2026-03-10T09:00:00Z');

  const draft = async (i: number, forClient = clientId) =>
    (
      await t.container.services.documents.create(
        api.orgId,
        'invoice',
        {
          clientId: forClient,
          lines: [{ description: `Work ${i}`, quantity: String(1 + (i % 5)), unitPrice: 1000 + i }],
        },
        ACTOR,
      )
    ).id;
  const numberOf = (n: string | null) => Number(n!.slice(-5));
  const issuedAudit = async () =>
    (
      await t.container.db
        .selectFrom('audit_events')
        .select('object_id')
        .where('org_id', '=', api.orgId)
        .where('action', '=', 'invoice.issued')
        .execute()
    ).map((r) => r.object_id);

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock, env: { SEALBILL_RENDER_THREADS: '1' } });
    api = await setupOrg(t.app, 'Batch AG', { timeZone: 'UTC' });
    clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Client' })).id;
  });
  afterAll(() => t?.close());

  it('issues 25 drafts in batches of 10, numbered in order, audited, signed and stored', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await draft(i));
    const results = await t.container.services.lifecycle.issueBatch(api.orgId, 'invoice', ids, ACTOR, {
      confirmWithoutPayoutDetails: true,
      batchSize: 10,
    });
    expect(results.map((r) => [r.id, r.ok])).toEqual(ids.map((id) => [id, true]));
    const numbers = results.map((r) => (r.ok ? numberOf(r.document.number) : -1));
    expect(numbers).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(new Set(await issuedAudit())).toEqual(new Set(ids));
    expect((await t.container.services.audit.verifyInTx(t.container.db, api.orgId)).ok).toBe(true);
    // What the batch answers for each document (built without reading it back) is what a read gives.
    for (const r of results.slice(0, 3))
      if (r.ok) expect(r.document).toEqual(await api.ok('GET', `/api/v1/invoices/${r.id}`));

    // The stored PDF is what GET …/pdf serves, and its signature verifies (rendered off-thread, signed here).
    const res = await api.req('GET', `/api/v1/invoices/${ids[7]}/pdf`);
    expect(res.statusCode).toBe(200);
    const pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/ByteRange \[0 \d+ \d+ \d+\]/);
    const verify = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify/pdf',
      headers: { 'content-type': 'application/pdf' },
      payload: pdf,
    });
    expect(verify.statusCode).toBe(200);
    expect(JSON.stringify(verify.json())).toContain('INV-2026-00008');
  });

  itNeeds(['pdfsig'], 'signs each batch-issued PDF validly (pdfsig)', async () => {
    const ids = [await draft(100), await draft(101)];
    const results = await t.container.services.lifecycle.issueBatch(api.orgId, 'invoice', ids, ACTOR, {
      confirmWithoutPayoutDetails: true,
    });
    for (const r of results) {
      expect(r.ok).toBe(true);
      const pdf = (await t.container.services.lifecycle.pdf(api.orgId, 'invoice', r.id)).bytes;
      expect(pdfsig(pdf)).toContain('Signature is Valid.');
    }
  });

  it('rolls a batch with a failing document back whole, then issues the others one by one', async () => {
    const issuedBefore = (await issuedAudit()).length;
    const filesBefore = await t.container.db
      .selectFrom('stored_files')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const lastBefore = (await t.container.services.documents.list(api.orgId, 'invoice', { limit: 1, sort: '-number' }))
      .items[0]!.number;
    const ids = [await draft(200), await draft(201), 'doc_does_not_exist', await draft(203)];
    const results = await t.container.services.lifecycle.issueBatch(api.orgId, 'invoice', ids, ACTOR, {
      confirmWithoutPayoutDetails: true,
      batchSize: 10,
    });
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true]);
    const failed = results[2]!;
    expect(!failed.ok && failed.error.message).toMatch(/not found/i);
    // The rolled-back batch drew no number: the three issued follow the last one without a gap.
    const first = numberOf(lastBefore) + 1;
    expect(results.filter((r) => r.ok).map((r) => (r.ok ? numberOf(r.document.number) : 0))).toEqual([
      first,
      first + 1,
      first + 2,
    ]);
    // Nothing of the rolled-back attempt remains: one audit entry and one stored file per issued invoice.
    expect((await issuedAudit()).length).toBe(issuedBefore + 3);
    const filesAfter = await t.container.db
      .selectFrom('stored_files')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(filesAfter.n)).toBe(Number(filesBefore.n) + 3);
    expect((await t.container.services.audit.verifyInTx(t.container.db, api.orgId)).ok).toBe(true);
  });

  it('a batch that fails before it commits leaves its drafts drafts; issuing them again works', async () => {
    const ids = [await draft(300), await draft(301), await draft(302)];
    // The transaction fails after every document of the batch was prepared and rendered (as a crash would end it).
    await expect(
      t.container.db.transaction().execute(async (tx) => {
        await t.container.services.lifecycle.issueManyInTx(tx, api.orgId, 'invoice', ids, ACTOR, {
          confirmWithoutPayoutDetails: true,
        });
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    for (const id of ids)
      expect((await t.container.services.documents.get(api.orgId, 'invoice', id)).status).toBe('draft');
    const results = await t.container.services.lifecycle.issueBatch(api.orgId, 'invoice', ids, ACTOR, {
      confirmWithoutPayoutDetails: true,
    });
    expect(results.every((r) => r.ok)).toBe(true);
    const nums = results.map((r) => (r.ok ? numberOf(r.document.number) : 0));
    expect(nums[1]).toBe(nums[0]! + 1);
    expect(nums[2]).toBe(nums[0]! + 2);
  });

  it('a batch that bills two clients freezes each document with its own client (each read once per batch)', async () => {
    const other = (await api.ok('POST', '/api/v1/clients', { name: 'Other Client' })).id;
    const ids = [await draft(100), await draft(101, other), await draft(102), await draft(103, other)];
    const results = await t.container.services.lifecycle.issueBatch(api.orgId, 'invoice', ids, ACTOR, {
      confirmWithoutPayoutDetails: true,
    });
    expect(results.map((r) => (r.ok ? r.document.clientName : r.ok))).toEqual([
      'Client',
      'Other Client',
      'Client',
      'Other Client',
    ]);
  });
});
