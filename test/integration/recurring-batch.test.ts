// Recurring runs commit in batches (issue #14 item 2, docs/DECISIONS.md D17): several due periods of
// several schedules per transaction, each period under its own savepoint.
// Attacks on that:
// - one schedule fails mid-batch (its client was archived after it was set up): only its period
//   is rolled back (the schedule's advance included), the others in the same transaction commit,
//   numbered without a gap and audited in an unbroken chain;
// - the worker process is killed (SIGKILL) in the middle of a batch, after it has issued some
//   periods in the open transaction (a time-stamp authority that stops answering holds it there):
//   nothing of that batch is left half-done, and the next run issues every period exactly once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { onCommit } from '../../src/platform/db/tx.ts';
import { RECURRING_BATCH_SIZE } from '../../src/modules/recurring/recurring.service.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';
import { childEnv, startSealbill, waitUntil, type Running } from '../helpers/process.ts';

const lines = [{ description: 'Retainer', quantity: '1', unitPrice: 50_000 }];

describeEachDb('recurring runs in batches', (dialect) => {
  let t: TestInstance;
  let api: Api;
  const clock = new FixedClock('2026-04-10T09:00:00Z');

  const schedule = async (clientId: string, startOn: string): Promise<string> =>
    (
      await api.ok(
        'POST',
        '/api/v1/recurring-schedules',
        { clientId, lines, frequency: 'monthly', startOn, confirmBackdatedStart: true },
        201,
      )
    ).id;
  const documentsOf = (ids: string[]) =>
    t.container.db
      .selectFrom('documents')
      .select(['id', 'status', 'number', 'recurring_schedule_id', 'recurring_period'])
      .where('recurring_schedule_id', 'in', ids)
      .orderBy('number')
      .execute();

  beforeAll(async () => {
    t = await createTestInstance(dialect, { clock });
    api = await setupOrg(t.app, 'Batch Recurring Ltd', { timeZone: 'UTC' });
  });
  afterAll(() => t?.close());

  it('rolls a failing schedule back alone and commits the others of its batch, gapless and audited', async () => {
    const client = async (name: string) => (await api.ok('POST', '/api/v1/clients', { name })).id;
    const first = await schedule(await client('First'), '2026-02-01');
    const doomedClient = await client('Leaving');
    const doomed = await schedule(doomedClient, '2026-02-01');
    const last = await schedule(await client('Last'), '2026-02-01');
    await api.ok('DELETE', `/api/v1/clients/${doomedClient}`); // archived: its drafts are refused

    let commits = 0;
    const stop = onCommit(t.container.db, () => commits++);
    try {
      await expect(t.container.services.recurring.runDue()).rejects.toThrow(
        /1 recurring schedule failed \(6 invoices created\)/,
      );
    } finally {
      stop();
    }
    // February, March and April of both healthy schedules: one transaction, one commit.
    expect(6).toBeLessThanOrEqual(RECURRING_BATCH_SIZE);
    expect(commits).toBe(1);

    const docs = await documentsOf([first, doomed, last]);
    expect(docs.map((d) => [d.recurring_schedule_id, d.recurring_period]).sort()).toEqual(
      [first, last].flatMap((id) => ['2026-02-01', '2026-03-01', '2026-04-01'].map((p) => [id, p])).sort(),
    );
    expect(docs.every((d) => d.status === 'issued')).toBe(true);
    // Numbered without a gap, in the order they were issued.
    const seqs = docs.map((d) => Number(/(\d+)$/.exec(d.number!)![1]));
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));

    // The failing schedule's advance was rolled back with its period.
    const d = await api.ok('GET', `/api/v1/recurring-schedules/${doomed}`);
    expect([d.nextRunOn, d.lastRunOn]).toEqual(['2026-02-01', null]);
    for (const id of [first, last])
      expect((await api.ok('GET', `/api/v1/recurring-schedules/${id}`)).nextRunOn).toBe('2026-05-01');

    // Every issued invoice is audited once, and the chain is unbroken.
    const audited = await t.container.db
      .selectFrom('audit_events')
      .select(['action', 'object_id'])
      .where('org_id', '=', api.orgId)
      .where('action', 'in', ['invoice.issued', 'recurring.invoice_created'])
      .execute();
    for (const doc of docs)
      expect(
        audited
          .filter((a) => a.object_id === doc.id)
          .map((a) => a.action)
          .sort(),
      ).toEqual(['invoice.issued', 'recurring.invoice_created']);
    expect(await t.container.services.audit.verifyInTx(t.container.db, api.orgId)).toMatchObject({ ok: true });

    // Running again issues nothing twice: the healthy schedules have nothing due, the failing one fails again.
    await expect(t.container.services.recurring.runDue()).rejects.toThrow(
      /1 recurring schedule failed \(0 invoices created\)/,
    );
    expect(await documentsOf([first, doomed, last])).toHaveLength(6);
  });
});

describeEachDb('a worker killed in the middle of a recurring batch', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let tsa: Server;
  let worker: Running | null = null;
  const monthStart = (back: number) => {
    const d = new Date();
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 10);
  };

  afterEach(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    worker = null;
    tsa?.closeAllConnections();
    await new Promise((resolve) => tsa?.close(resolve));
    await t?.close();
  });

  it('leaves nothing of the batch half-done; the next run issues every period once', { timeout: 180_000 }, async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app, 'Crash Recurring Ltd', { timeZone: 'UTC' });
    const ids: string[] = [];
    for (const name of ['One', 'Two']) {
      const clientId = (await api.ok('POST', '/api/v1/clients', { name })).id;
      ids.push(
        (
          await api.ok(
            'POST',
            '/api/v1/recurring-schedules',
            { clientId, lines, frequency: 'monthly', startOn: monthStart(2), confirmBackdatedStart: true },
            201,
          )
        ).id,
      );
    }

    // The time-stamp authority refuses the first requests (issuing goes on without a token) and
    // then stops answering: the worker waits inside its open batch, with periods already issued in it.
    let requests = 0;
    let stuck!: () => void;
    const isStuck = new Promise<void>((resolve) => (stuck = resolve));
    tsa = createServer((req, res) => {
      requests++;
      req.resume();
      if (requests <= 3) {
        res.writeHead(500).end();
        return;
      }
      stuck();
    });
    await new Promise<void>((resolve) => tsa.listen(0, '127.0.0.1', resolve));

    worker = startSealbill(
      ['worker'],
      childEnv(t.dir, t.config.database, {
        SEALBILL_MASTER_KEY: t.container.keyring.currentMasterKey.key.toString('base64'),
        SEALBILL_WORKER_INTERVAL_SECONDS: '3600',
        SEALBILL_TSA_URL: `http://127.0.0.1:${(tsa.address() as AddressInfo).port}/tsa`,
        SEALBILL_DOCUMENT_TIMESTAMPS: 'true',
      }),
    );
    const w = worker;
    await Promise.race([isStuck, w.exited.then(() => Promise.reject(new Error(`worker exited:\n${w.output()}`)))]);
    w.child.kill('SIGKILL');
    expect(await w.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Three periods were issued in the killed batch: none of them is left, nor any schedule advance.
    expect(await documentsCount(t, ids)).toBe(0);
    for (const id of ids)
      expect((await api.ok('GET', `/api/v1/recurring-schedules/${id}`)).nextRunOn).toBe(monthStart(2));

    // The next run (here, without a time-stamp authority) issues all six periods, once each.
    await waitUntil('the killed batch to be rolled back', async () => {
      try {
        expect(await t.container.services.recurring.runDue()).toBe(6);
        return true;
      } catch (err) {
        if (/lock|busy/i.test((err as Error).message)) return false;
        throw err;
      }
    });
    expect(await t.container.services.recurring.runDue()).toBe(0);
    const docs = await t.container.db
      .selectFrom('documents')
      .select(['status', 'number', 'recurring_schedule_id', 'recurring_period'])
      .where('recurring_schedule_id', 'in', ids)
      .orderBy('number')
      .execute();
    expect(docs).toHaveLength(6);
    expect(new Set(docs.map((d) => `${d.recurring_schedule_id}|${d.recurring_period}`)).size).toBe(6);
    expect(docs.every((d) => d.status === 'issued')).toBe(true);
    expect(await t.container.services.audit.verifyInTx(t.container.db, api.orgId)).toMatchObject({ ok: true });
  });
});

async function documentsCount(t: TestInstance, ids: string[]): Promise<number> {
  const r = await t.container.db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('recurring_schedule_id', 'in', ids)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
