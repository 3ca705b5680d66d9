// Recurring schedules (issue #2 §5): after downtime the runner catches up period by period, each
// invoice issued and numbered with its period's date, and never twice for the same period even
// when several runners race (on PostgreSQL from several connections).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectProblem, setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';

describeEachDb('recurring schedules', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let clientId: string;
  const clock = new FixedClock('2026-04-10T09:00:00Z');
  const lines = [{ description: 'Retainer', quantity: '1', unitPrice: 50_000 }];

  // The owner confirms starts in the past (more than one period back needs an owner or admin: recurring-hardening.test.ts).
  const schedule = (extra: Record<string, unknown>) =>
    api.ok(
      'POST',
      '/api/v1/recurring-schedules',
      { clientId, lines, frequency: 'monthly', confirmBackdatedStart: true, ...extra },
      201,
    );
  const invoicesOf = async (scheduleId: string) => {
    const rows = await t.container.db
      .selectFrom('documents')
      .select('id')
      .where('recurring_schedule_id', '=', scheduleId)
      .execute();
    const full = await Promise.all(rows.map((r) => api.ok('GET', `/api/v1/invoices/${r.id}`)));
    return full.sort((a, b) => (a.issueDate < b.issueDate ? -1 : 1));
  };
  const runDue = () => t.container.services.recurring.runDue();

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock });
    api = await setupOrg(t.app, 'Recurring Ltd', { timeZone: 'UTC' });
    clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Subscriber' })).id;
  });
  afterAll(() => t?.close());

  it('catches up a schedule started three months ago with exactly three issued invoices', async () => {
    const s = await schedule({ startOn: '2026-01-20' });
    expect(s.nextRunOn).toBe('2026-01-20');
    expect(await runDue()).toBe(3);

    const invoices = await invoicesOf(s.id);
    expect(invoices.map((d) => [d.status, d.issueDate, d.number])).toEqual([
      ['issued', '2026-01-20', 'INV-2026-00001'],
      ['issued', '2026-02-20', 'INV-2026-00002'],
      ['issued', '2026-03-20', 'INV-2026-00003'],
    ]);
    expect(invoices.every((d) => d.total === 50_000 && d.hasPdf && d.dueDate > d.issueDate)).toBe(true);
    expect((await api.ok('GET', `/api/v1/recurring-schedules/${s.id}`)).nextRunOn).toBe('2026-04-20');

    // Running again, sequentially or concurrently, creates nothing more.
    expect(await runDue()).toBe(0);
    expect(await Promise.all([runDue(), runDue(), runDue()])).toEqual([0, 0, 0]);
    expect(await invoicesOf(s.id)).toHaveLength(3);
  });

  it('never issues a period twice when runners race', async () => {
    const s = await schedule({ startOn: '2026-02-02', frequency: 'weekly' });
    const created = await Promise.all([runDue(), runDue(), runDue(), runDue()]);
    const expected = 10; // 2026-02-02 … 2026-04-06, weekly
    expect(created.reduce((a, b) => a + b, 0)).toBe(expected);
    const invoices = await invoicesOf(s.id);
    expect(invoices).toHaveLength(expected);
    expect(new Set(invoices.map((d) => d.issueDate)).size).toBe(expected);
    expect(new Set(invoices.map((d) => d.number)).size).toBe(expected);
    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' }); // keeps later catch-ups small
  });

  it('races manual issues against the runner without deadlock or gap', async () => {
    // Same year as the manual issues, so both draw from the same sequence row.
    const s = await schedule({ startOn: '2026-02-16', frequency: 'weekly' });
    const drafts = [];
    for (let i = 0; i < 12; i++)
      drafts.push((await api.ok('POST', '/api/v1/invoices', { clientId, lines })).id as string);
    const [runs, ...issued] = await Promise.all([
      runDue(),
      ...drafts.map((id) => api.req('POST', `/api/v1/invoices/${id}/issue`, { confirmWithoutPayoutDetails: true })),
    ]);
    expect(runs).toBe(8); // 2026-02-16 … 2026-04-06, weekly
    expect(issued.filter((r) => r.statusCode !== 200).map((r) => r.body)).toEqual([]);

    const all = await t.container.db
      .selectFrom('documents')
      .select('number')
      .where('org_id', '=', api.orgId)
      .where('kind', '=', 'invoice')
      .where('number', 'is not', null)
      .execute();
    const seqs = all.map((d) => Number(d.number!.slice(-5))).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect((await api.ok('POST', '/api/v1/audit-events/verify')).ok).toBe(true);
    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'ended' });
  });

  it('pauses and resumes without billing the paused periods', async () => {
    const s = await schedule({ startOn: '2026-04-01' });
    expect(await runDue()).toBe(1);
    await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'paused' });
    clock.set('2026-06-15T09:00:00Z');
    await runDue(); // other schedules catch up; this one is paused
    expect(await invoicesOf(s.id)).toHaveLength(1);

    const resumed = await api.ok('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'active' });
    expect(resumed.status).toBe('active');
    expect(resumed.nextRunOn).toBe('2026-07-01');
    await runDue();
    expect((await invoicesOf(s.id)).map((d) => d.issueDate)).toEqual(['2026-04-01']);
    clock.set('2026-07-01T09:00:00Z');
    await runDue();
    expect((await invoicesOf(s.id)).map((d) => d.issueDate)).toEqual(['2026-04-01', '2026-07-01']);
  });

  it('stops at its end date', async () => {
    clock.set('2026-07-01T09:00:00Z');
    const s = await schedule({ startOn: '2026-03-15', endOn: '2026-05-20' });
    await runDue();
    expect((await invoicesOf(s.id)).map((d) => d.issueDate)).toEqual(['2026-03-15', '2026-04-15', '2026-05-15']);
    const ended = await api.ok('GET', `/api/v1/recurring-schedules/${s.id}`);
    expect(ended.status).toBe('ended');
    clock.set('2026-09-01T09:00:00Z');
    await runDue();
    expect(await invoicesOf(s.id)).toHaveLength(3);
    expectProblem(
      await api.req('POST', `/api/v1/recurring-schedules/${s.id}/status`, { status: 'active' }),
      409,
      'conflict',
    );

    const bad = await api.req('POST', '/api/v1/recurring-schedules', {
      clientId,
      lines,
      frequency: 'monthly',
      startOn: '2026-09-10',
      endOn: '2026-09-01',
    });
    expect(expectProblem(bad, 422, 'unprocessable').errors[0].path).toBe('/body/endOn');
  });

  it('keeps running other schedules when one fails', async () => {
    clock.set('2026-09-01T09:00:00Z');
    const doomedClient = (await api.ok('POST', '/api/v1/clients', { name: 'Leaving' })).id;
    const doomed = await api.ok(
      'POST',
      '/api/v1/recurring-schedules',
      { clientId: doomedClient, lines, frequency: 'monthly', startOn: '2026-09-01' },
      201,
    );
    const healthy = await schedule({ startOn: '2026-09-01' });
    await api.ok('DELETE', `/api/v1/clients/${doomedClient}`); // archived: its drafts are refused
    await expect(runDue()).rejects.toThrow(/1 recurring schedule failed/);
    expect(await invoicesOf(healthy.id)).toHaveLength(1);
    expect(await invoicesOf(doomed.id)).toHaveLength(0);
    expect((await api.ok('GET', `/api/v1/recurring-schedules/${doomed.id}`)).nextRunOn).toBe('2026-09-01');
  });
});
