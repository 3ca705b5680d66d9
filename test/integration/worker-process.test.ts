// `sealbill worker` as a dedicated process (the scale-out deployment). It used to exit after its
// first pass: its interval timer was unref()ed and nothing else kept the process alive, so no
// scheduled backup, recurring invoice, payout change or checkpoint ever ran again. Here the real
// binary runs against the test's database with a 1-second interval: it must perform a second
// scheduled run (a schedule created after the first run is issued by a later one), and on SIGTERM
// finish the run in progress, close cleanly and exit 0. Meanwhile the in-process server writes to
// the same database.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { setupOrg, type Api } from '../helpers/api.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';
import { childEnv, startSealbill, waitUntil, type Running } from '../helpers/process.ts';
import { RECURRING_BATCH_SIZE } from '../../src/modules/recurring/recurring.service.ts';

describeEachDb('sealbill worker process', (dialect) => {
  let t: TestInstance;
  let api: Api;
  let clientId: string;
  let worker: Running | null = null;
  const lines = [{ description: 'Retainer', quantity: '1', unitPrice: 10_000 }];
  const today = () => new Date().toISOString().slice(0, 10);

  const schedule = async (startOn: string): Promise<string> =>
    (await api.ok('POST', '/api/v1/recurring-schedules', { clientId, lines, frequency: 'monthly', startOn }, 201)).id;
  const issuedFor = async (ids: string[]): Promise<number> =>
    Number(
      (
        await t.container.db
          .selectFrom('documents')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('recurring_schedule_id', 'in', ids)
          .where('status', '!=', 'draft')
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeEach(async () => {
    t = await createTestInstance(dialect);
    api = await setupOrg(t.app, 'Worker Ltd', { timeZone: 'UTC' });
    clientId = (await api.ok('POST', '/api/v1/clients', { name: 'Subscriber' })).id;
  });
  afterEach(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    worker = null;
    await t.close();
  });

  it(
    'keeps running on its interval, and on SIGTERM finishes the run in progress and exits 0',
    { timeout: 180_000 },
    async () => {
      const first = await schedule(today());
      // Due later; made due all at once further down, to catch the worker in the middle of a run.
      // A run commits RECURRING_BATCH_SIZE periods per transaction: enough for three commits.
      const batch: string[] = [];
      for (let i = 0; i < 2 * RECURRING_BATCH_SIZE + 2; i++) batch.push(await schedule('2099-01-01'));

      worker = startSealbill(
        ['worker'],
        childEnv(t.dir, t.config.database, {
          SEALBILL_MASTER_KEY: t.container.keyring.currentMasterKey.key.toString('base64'),
          SEALBILL_WORKER_INTERVAL_SECONDS: '1',
          SEALBILL_LOG_LEVEL: 'info',
        }),
      );
      const w = worker;
      await waitUntil(
        'the first run',
        async () =>
          (await issuedFor([first])) === 1 ||
          (w.child.exitCode !== null ? Promise.reject(new Error(`worker exited:\n${w.output()}`)) : false),
      );

      // Created after the first run: only a later scheduled run can issue it.
      const second = await schedule(today());
      await waitUntil(
        'a later scheduled run',
        async () =>
          (await issuedFor([second])) === 1 ||
          (w.child.exitCode !== null
            ? Promise.reject(new Error(`worker exited after its first pass:\n${w.output()}`))
            : false),
      );
      expect(w.child.exitCode).toBeNull();

      // A run with real work in it, interrupted by SIGTERM as soon as it has started.
      await t.container.db
        .updateTable('recurring_schedules')
        .set({ next_run_on: today() })
        .where('id', 'in', batch)
        .execute();
      const atSignal = await waitUntil(
        'the batch run to start',
        async () => {
          const n = await issuedFor(batch);
          return n > 0 ? n : false;
        },
        60_000,
        10,
      );
      // The server keeps writing while the worker process issues (SQLite: it waits for the write
      // lock instead of failing with SQLITE_BUSY).
      await api.ok('POST', '/api/v1/clients', { name: 'Written during a worker run' }, 201);
      w.child.kill('SIGTERM');
      const exit = await w.exited;
      expect(exit, w.output()).toEqual({ code: 0, signal: null });
      const after = await issuedFor(batch);
      // The run went on after the signal instead of dying mid-way (no half-done run), then stopped:
      // the signal came after its first batch committed, and later batches committed too.
      expect(atSignal).toBeLessThan(batch.length);
      expect(after).toBeGreaterThan(atSignal);
      const log = w.output();
      expect(log).toMatch(/worker stopping after the current run/);
      expect(log.indexOf('worker stopped')).toBeGreaterThan(log.indexOf('worker stopping'));
      // Whatever it issued is whole: every issued invoice has its PDF and moved its schedule on.
      const rows = await t.container.db
        .selectFrom('documents')
        .select(['pdf_file_id', 'recurring_schedule_id'])
        .where('recurring_schedule_id', 'in', batch)
        .execute();
      expect(rows.every((r) => r.pdf_file_id !== null)).toBe(true);
      const advanced = await t.container.db
        .selectFrom('recurring_schedules')
        .select('id')
        .where('id', 'in', batch)
        .where('next_run_on', '>', today())
        .execute();
      expect(advanced.length).toBe(after);
    },
  );
});
