// Durable jobs (platform/jobs): written in the change's transaction, sealed at rest, claimed
// once, retried with back-off, dead after the last attempt; and two runners over one queue (on
// PostgreSQL: separate connection pools, i.e. real concurrency) run each job exactly once.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '../../src/platform/db/kysely.ts';
import { jobsCommand } from '../../src/main/cli/jobs.commands.ts';
import { inTx } from '../../src/platform/db/tx.ts';
import { createJobs, defineJob, MAX_ATTEMPTS, retryDelayMs } from '../../src/platform/jobs/jobs.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestInstance, describeEachDb, FixedClock, type TestInstance } from '../helpers/instance.ts';

const quiet = { warn: () => {}, error: () => {} };

describeEachDb('durable jobs', (dialect) => {
  let t: TestInstance;
  const clock = new FixedClock('2026-03-02T09:00:00Z');
  beforeEach(async () => {
    t = await createTestInstance(dialect, { clock });
  });
  afterEach(async () => {
    await t.close();
  });

  const rows = () => t.container.db.selectFrom('jobs').selectAll().execute();

  it('runs a job only when its transaction commits, once, sealed at rest, then deletes it', async () => {
    const jobs = createJobs({ db: t.container.db, clock, keyring: t.container.keyring, log: quiet });
    const seen: string[] = [];
    const job = defineJob('test.note', z.object({ secret: z.string() }), async (p) => {
      seen.push(p.secret);
    });
    jobs.register(job);
    await expect(
      inTx(t.container.db, async (tx) => {
        await jobs.enqueue(tx, job, { secret: 'rolled-back-token' });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await rows()).toEqual([]);

    // Written, not yet run: the stored payload does not show the secret.
    await t.container.db.transaction().execute((tx) => jobs.enqueue(tx, job, { secret: 'one-time-link-token' }));
    const [row] = await rows();
    expect(row).toMatchObject({ kind: 'test.note', status: 'pending', attempts: 0 });
    expect(row!.payload).not.toContain('one-time-link-token');
    expect(row!.payload).toMatch(/^v1\./);
    // A payload moved to another row does not open (bound to its row id).
    await t.container.db
      .insertInto('jobs')
      .values({ ...row!, id: `${row!.id}x` })
      .execute();

    await jobs.settled();
    expect(seen).toEqual(['one-time-link-token']);
    const left = await rows();
    expect(left.map((r) => [r.id, r.attempts, r.status])).toEqual([[`${row!.id}x`, 1, 'pending']]);
    expect(left[0]!.last_error).toMatch(/authenticat|decrypt|unable/i);

    // The commit nudge: no settled() call, the job runs once inTx has committed.
    await inTx(t.container.db, (tx) => jobs.enqueue(tx, job, { secret: 'nudged' }));
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(2);
    expect(seen[1]).toBe('nudged');
    await jobs.stop();
  });

  it('retries with exponential back-off, goes dead after the last attempt, and can be queued again', async () => {
    const jobs = createJobs({ db: t.container.db, clock, keyring: t.container.keyring, log: quiet });
    let calls = 0;
    let failing = true;
    const job = defineJob('test.flaky', z.object({ n: z.number() }), async () => {
      calls++;
      if (failing) throw new Error(`relay refused (call ${calls})`);
    });
    jobs.register(job);
    await t.container.db.transaction().execute((tx) => jobs.enqueue(tx, job, { n: 1 }));
    expect(retryDelayMs(1)).toBe(30_000);
    expect(retryDelayMs(2)).toBe(60_000);
    expect(retryDelayMs(20)).toBe(3_600_000);

    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      await jobs.settled();
      expect(calls).toBe(attempt);
      const [r] = await rows();
      expect(r).toMatchObject({ status: 'pending', attempts: attempt, last_error: `relay refused (call ${attempt})` });
      expect(Date.parse(r!.run_at) - clock.now().getTime()).toBe(retryDelayMs(attempt));
      // Not due yet: nothing runs.
      clock.advance(retryDelayMs(attempt) - 1);
      await jobs.settled();
      expect(calls).toBe(attempt);
      clock.advance(1);
    }
    await jobs.settled();
    expect(calls).toBe(MAX_ATTEMPTS);
    const dead = await jobs.listDead();
    expect(dead).toEqual([
      expect.objectContaining({
        kind: 'test.flaky',
        attempts: MAX_ATTEMPTS,
        last_error: `relay refused (call ${MAX_ATTEMPTS})`,
      }),
    ]);
    clock.advance(24 * 3_600_000);
    await jobs.settled();
    expect(calls).toBe(MAX_ATTEMPTS);

    failing = false;
    expect(await jobs.retryDead(dead[0]!.id)).toBe(true);
    await jobs.settled();
    expect(calls).toBe(MAX_ATTEMPTS + 1);
    expect(await rows()).toEqual([]);
    await jobs.stop();
  });

  it('`sealbill jobs dead` lists dead jobs without their payload; `jobs retry` runs one again', async () => {
    // A mail job (the container's kind), written without the commit nudge and forced to its last state.
    await t.container.db.transaction().execute((tx) =>
      t.container.services.identity.notifier.send(tx, {
        to: 'someone@example.test',
        subject: 'Secret link',
        text: 'token=do-not-print',
      }),
    );
    const [row] = await rows();
    await t.container.db
      .updateTable('jobs')
      .set({ status: 'dead', attempts: MAX_ATTEMPTS, last_error: 'relay refused' })
      .where('id', '=', row!.id)
      .execute();

    const listed = await runCli(t, jobsCommand, ['dead']);
    expect(listed.out).toContain(`${row!.id}  mail.send  ${MAX_ATTEMPTS} attempts`);
    expect(listed.out).toContain('relay refused');
    expect(listed.out).not.toMatch(/do-not-print|someone@example/);
    await expect(runCli(t, jobsCommand, ['retry', 'no-such-job'])).rejects.toThrow(/No dead job/);
    await expect(runCli(t, jobsCommand, ['dead', 'extra'])).rejects.toThrow(/usage: sealbill jobs/);

    // No SMTP in this instance: the outbox "sends" it, and the job is gone.
    expect((await runCli(t, jobsCommand, ['retry', row!.id])).out).toMatch(/queued again/);
    expect(await rows()).toEqual([]);
    expect((await runCli(t, jobsCommand, ['dead'])).out).toBe('No dead jobs.\n');
  });

  it('takes over a job whose runner died (its lease expired), never one whose lease holds', async () => {
    const first = createJobs({ db: t.container.db, clock, keyring: t.container.keyring, log: quiet, leaseMs: 60_000 });
    let release!: () => void;
    const hang = new Promise<void>((r) => (release = r));
    let runs = 0;
    const job = defineJob('test.slow', z.object({}), async () => {
      runs++;
      if (runs === 1) await hang;
    });
    first.register(job);
    await t.container.db.transaction().execute((tx) => first.enqueue(tx, job, {}));
    const stuck = first.runDue();
    await expect.poll(() => runs).toBe(1);

    const second = createJobs({ db: t.container.db, clock, keyring: t.container.keyring, log: quiet, leaseMs: 60_000 });
    second.register(job);
    expect(await second.runDue()).toBe(0);
    clock.advance(60_001);
    expect(await second.runDue()).toBe(1);
    expect(runs).toBe(2);
    expect(await rows()).toEqual([]);
    // The first runner finishes late: its lease was lost, so it changes nothing.
    release();
    await stuck;
    expect(await rows()).toEqual([]);
    await first.stop();
    await second.stop();
  });

  it('two runners over one queue run each of 200 jobs exactly once', { timeout: 120_000 }, async () => {
    const other = openDatabase(t.config.database);
    try {
      const ran = new Map<number, number>();
      const job = defineJob('test.count', z.object({ n: z.number() }), async ({ n }) => {
        ran.set(n, (ran.get(n) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 1));
      });
      const a = createJobs({ db: t.container.db, clock, keyring: t.container.keyring, log: quiet });
      const b = createJobs({ db: other.db, clock, keyring: t.container.keyring, log: quiet });
      a.register(job);
      b.register(job);
      const N = 200;
      await t.container.db.transaction().execute(async (tx) => {
        for (let n = 0; n < N; n++) await a.enqueue(tx, job, { n });
      });
      const counts = await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
      await Promise.all([a.settled(), b.settled()]);
      expect([...ran.keys()].sort((x, y) => x - y)).toEqual([...Array(N).keys()]);
      expect([...ran.values()].every((c) => c === 1)).toBe(true);
      expect(await rows()).toEqual([]);
      // Both took part (on SQLite the one connection serializes them, so this is PostgreSQL only).
      if (dialect === 'postgres') expect(counts[0]! > 0 && counts[1]! > 0).toBe(true);
      await a.stop();
      await b.stop();
    } finally {
      await other.close();
    }
  });
});
