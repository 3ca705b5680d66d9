// A bounded queue for expensive CPU work that anonymous requests can trigger (argon2 password
// hashing, password-strength estimation). At most `concurrency` jobs run at once; at most
// `maxQueued` wait. Each job has a deadline: `maxWaitMs` after the request that submits it
// ARRIVED (`receivedAt`; submission time when not given), so the time a request already spent
// before reaching the queue (parsing, the throttle's commit) counts against the same budget. A
// job is shed with 429 + Retry-After instead of piling up: at once when the queue is full, at
// once when the queue's expected wait (the jobs ahead of it times the recent job time) would take
// it past its deadline, and at its deadline if it is still waiting then; a shed job never runs.
// A flood of sign-in or set-up calls then costs a fixed share of the CPU and never starves the
// other requests (issue #10 item 3, issue #14 item 4). Time here is real monotonic time on
// purpose (a load guard, not business time), so it does not use the injected clock.
import { AppError } from './errors.ts';

export interface WorkQueueOptions {
  /** Jobs running at once. */
  concurrency: number;
  /** Jobs allowed to wait for a slot; one more is refused immediately. */
  maxQueued: number;
  /** The per-request budget: how long after its request arrived a job may still start. */
  maxWaitMs: number;
}

export interface RunOptions {
  /** When the request arrived (`performance.now()`); the deadline is `receivedAt + maxWaitMs`. */
  receivedAt?: number | undefined;
  /** A place taken earlier with `admit` (the job then cannot find the queue full). */
  admission?: Admission | undefined;
}

/** A place in the queue, held while the request does its cheap work before the job. */
export interface Admission {
  /** Gives the place back (idempotent; running a job with it gives it back too). */
  release(): void;
}

export interface WorkQueue {
  /** Runs `fn` when a slot is free; throws 429 (rate_limited, Retry-After) when shed. */
  run<T>(fn: () => Promise<T>, opts?: RunOptions): Promise<T>;
  /** The 429 a job submitted now would get at once, or null (a cheap pre-check). */
  refusal(opts?: RunOptions): AppError | null;
  /** Throws that 429. */
  assertCapacity(opts?: RunOptions): void;
  /**
   * Takes a place for a job to come, or throws the same 429: requests that pass at the same
   * moment cannot all find room and then be shed after their cheap work (a sign-in would be
   * counted against the account without its password being checked).
   */
  admit(opts?: RunOptions): Admission;
  /** Now running and waiting; since start: jobs started, jobs shed (full, predicted late, or late), the most that ever ran at once. */
  stats(): { running: number; queued: number; started: number; shed: number; late: number; peak: number };
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

/** Weight of the newest job in the running average of job times. */
const EWMA = 0.2;

export function createWorkQueue(opts: WorkQueueOptions): WorkQueue {
  if (opts.concurrency < 1 || opts.maxQueued < 0 || opts.maxWaitMs < 1) throw new Error('work queue: invalid options');
  let running = 0;
  let started = 0;
  let shed = 0;
  let late = 0;
  let peak = 0;
  /** Running average of a job's time (ms); 0 until one finished, so nothing is predicted late before. */
  let jobMs = 0;
  const waiting: Waiter[] = [];
  /** Places taken with `admit` and not yet used or given back. */
  const admitted = new Set<Admission>();

  const busy = (waitMs = opts.maxWaitMs): AppError => {
    shed++;
    const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
    return new AppError('rate_limited', `The server is busy checking passwords; try again in ${retryAfterS} s.`, {
      headers: { 'retry-after': String(retryAfterS) },
    });
  };

  const deadlineOf = (o: RunOptions | undefined, now: number) => (o?.receivedAt ?? now) + opts.maxWaitMs;
  /** Jobs running, waiting or announced (admitted), not counting the asking one's own place. */
  const ahead = (o: RunOptions | undefined) =>
    running + waiting.length + admitted.size - (o?.admission && admitted.has(o.admission) ? 1 : 0);
  /** How long a job submitted now would wait for a slot, from the jobs ahead of it. */
  const expectedWait = (o?: RunOptions) => {
    const queued = ahead(o) + 1 - opts.concurrency;
    return queued <= 0 ? 0 : Math.ceil(queued / opts.concurrency) * jobMs;
  };

  /** The reason a job submitted now is refused at once, or null. */
  function refusal(o: RunOptions | undefined): AppError | null {
    const now = performance.now();
    if (!(o?.admission && admitted.has(o.admission)) && ahead(o) >= opts.concurrency + opts.maxQueued)
      return busy(jobMs > 0 ? expectedWait(o) : opts.maxWaitMs);
    const wait = expectedWait(o);
    if (now + wait > deadlineOf(o, now)) {
      late++;
      return busy(Math.max(wait, 1000));
    }
    return null;
  }

  function release(): void {
    running--;
    const next = waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.start();
    }
  }

  async function execute<T>(fn: () => Promise<T>): Promise<T> {
    running++;
    started++;
    peak = Math.max(peak, running);
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      const ms = performance.now() - t0;
      jobMs = jobMs === 0 ? ms : jobMs + EWMA * (ms - jobMs);
      release();
    }
  }

  return {
    run<T>(fn: () => Promise<T>, o?: RunOptions): Promise<T> {
      const refused = refusal(o);
      o?.admission?.release();
      if (refused) return Promise.reject(refused);
      if (running < opts.concurrency && waiting.length === 0) return execute(fn);
      const now = performance.now();
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = {
          start: () => {
            execute(fn).then(resolve, reject);
          },
          timer: setTimeout(
            () => {
              const i = waiting.indexOf(waiter);
              if (i >= 0) waiting.splice(i, 1);
              late++;
              reject(busy(Math.max(expectedWait(), 1000)));
            },
            Math.max(0, deadlineOf(o, now) - now),
          ),
        };
        waiting.push(waiter);
      });
    },

    refusal,

    assertCapacity(o?: RunOptions): void {
      const refused = refusal(o);
      if (refused) throw refused;
    },

    admit(o?: RunOptions): Admission {
      const refused = refusal(o);
      if (refused) throw refused;
      const place: Admission = { release: () => void admitted.delete(place) };
      admitted.add(place);
      return place;
    },

    stats: () => ({ running, queued: waiting.length, started, shed, late, peak }),
  };
}
