import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { createWorkQueue } from './work-queue.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job that runs until released, recording how many ran at once. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, job: () => opened };
}

describe('bounded work queue', () => {
  it('runs at most `concurrency` jobs at once, in order, and frees a slot when a job fails', async () => {
    const q = createWorkQueue({ concurrency: 2, maxQueued: 10, maxWaitMs: 5000 });
    const order: number[] = [];
    const g = gate();
    const jobs = Array.from({ length: 6 }, (_, i) =>
      q.run(async () => {
        order.push(i);
        await g.job();
        if (i === 0) throw new Error('boom');
        return i;
      }),
    );
    await sleep(10);
    expect(q.stats()).toMatchObject({ running: 2, queued: 4 });
    g.open();
    const results = await Promise.allSettled(jobs);
    expect(results[0]!.status).toBe('rejected');
    expect(results.slice(1).map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual([1, 2, 3, 4, 5]);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(q.stats()).toMatchObject({ running: 0, queued: 0, started: 6, shed: 0, peak: 2 });
  });

  it('sheds at once with 429 + Retry-After when the queue is full', async () => {
    const q = createWorkQueue({ concurrency: 1, maxQueued: 1, maxWaitMs: 2500 });
    const g = gate();
    const a = q.run(g.job);
    const b = q.run(g.job);
    const err = await q.run(g.job).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'rate_limited', status: 429, headers: { 'retry-after': '3' } });
    expect(() => q.assertCapacity()).toThrow(AppError);
    g.open();
    await Promise.all([a, b]);
    expect(() => q.assertCapacity()).not.toThrow();
    expect(q.stats()).toMatchObject({ started: 2, shed: 2 });
  });

  it('sheds a job that waited longer than its deadline, and never runs it', async () => {
    const q = createWorkQueue({ concurrency: 1, maxQueued: 5, maxWaitMs: 50 });
    const g = gate();
    const first = q.run(g.job);
    let ran = false;
    const late = q.run(async () => {
      ran = true;
    });
    await expect(late).rejects.toMatchObject({ code: 'rate_limited', headers: { 'retry-after': '1' } });
    g.open();
    await first;
    await sleep(10);
    expect(ran).toBe(false);
    expect(q.stats()).toMatchObject({ running: 0, queued: 0 });
  });
});

describe('per-request deadline', () => {
  it('counts the time before the queue: a request that arrived too long ago is shed at once and never runs', async () => {
    const q = createWorkQueue({ concurrency: 1, maxQueued: 5, maxWaitMs: 200 });
    let ran = false;
    const err = await q
      .run(
        async () => {
          ran = true;
        },
        { receivedAt: performance.now() - 250 },
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(Number((err as AppError).headers!['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(ran).toBe(false);
    expect(() => q.assertCapacity({ receivedAt: performance.now() - 250 })).toThrow(AppError);
    expect(q.stats()).toMatchObject({ started: 0, late: 2 });
  });

  it('a waiting job is shed at its request deadline, not maxWaitMs after it was queued', async () => {
    const q = createWorkQueue({ concurrency: 1, maxQueued: 5, maxWaitMs: 300 });
    const g = gate();
    const first = q.run(g.job);
    const t0 = performance.now();
    const waiting = q.run(async () => 1, { receivedAt: t0 - 250 });
    await expect(waiting).rejects.toMatchObject({ code: 'rate_limited' });
    expect(performance.now() - t0).toBeLessThan(200);
    g.open();
    await first;
  });

  it('sheds at once a job the queue cannot start before its deadline, from the recent job time', async () => {
    const q = createWorkQueue({ concurrency: 1, maxQueued: 50, maxWaitMs: 1000 });
    // The queue learns that a job takes ~420 ms: two jobs ahead (~840 ms) still fit in the 1 s
    // deadline, three (~1260 ms) do not. The margins absorb a timer firing a little early or late.
    await q.run(() => sleep(420));
    const g = gate();
    const jobs = [q.run(g.job), q.run(g.job), q.run(g.job)]; // one running, two waiting: ~1260 ms ahead
    const t0 = performance.now();
    const err = await q.run(async () => 1).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(50); // refused at once, not after waiting 1 s
    expect(err).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(q.stats()).toMatchObject({ queued: 2, late: 1 });
    g.open();
    await Promise.all(jobs);
  });
});

describe('admission', () => {
  it('holds a place: requests admitted together cannot overfill the queue, and an admitted job is not refused as full', async () => {
    const q = createWorkQueue({ concurrency: 1, maxQueued: 2, maxWaitMs: 5000 });
    const places = [q.admit(), q.admit(), q.admit()]; // one slot + two waiting places
    expect(() => q.admit()).toThrow(AppError);
    expect(() => q.assertCapacity()).toThrow(AppError);
    const g = gate();
    const jobs = places.map((admission) => q.run(g.job, { admission }));
    expect(q.stats()).toMatchObject({ running: 1, queued: 2 });
    g.open();
    await Promise.all(jobs);
    const unused = q.admit();
    unused.release();
    unused.release();
    expect(q.stats()).toMatchObject({ started: 3, shed: 2, running: 0, queued: 0 });
    expect(() => q.assertCapacity()).not.toThrow();
  });
});
