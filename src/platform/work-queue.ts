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
}

export interface WorkQueue {
  /** Runs `fn` when a slot is free; throws 429 (rate_limited, Retry-After) when shed. */
  run<T>(fn: () => Promise<T>, opts?: RunOptions): Promise<T>;
  /** Throws the same 429 when a job submitted now would be refused at once (cheap pre-check). */
  assertCapacity(opts?: RunOptions): void;
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

  const busy = (waitMs = opts.maxWaitMs): AppError => {
    shed++;
    const retryAfterS = Math.max(1, Math.ceil(waitMs / 1000));
    return new AppError('rate_limited', `The server is busy checking passwords; try again in ${retryAfterS} s.`, {
      headers: { 'retry-after': String(retryAfterS) },
    });
  };

  const deadlineOf = (o: RunOptions | undefined, now: number) => (o?.receivedAt ?? now) + opts.maxWaitMs;
  /** How long a job submitted now would wait for a slot, from the jobs ahead of it. */
  const expectedWait = () =>
    running < opts.concurrency ? 0 : Math.ceil((waiting.length + 1) / opts.concurrency) * jobMs;

  /** The reason a job submitted now is refused at once, or null. */
  function refusal(o: RunOptions | undefined): AppError | null {
    const now = performance.now();
    if (running >= opts.concurrency && waiting.length >= opts.maxQueued)
      return busy(jobMs > 0 ? expectedWait() : opts.maxWaitMs);
    const wait = expectedWait();
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
      if (refused) return Promise.reject(refused);
      if (running < opts.concurrency) return execute(fn);
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

    assertCapacity(o?: RunOptions): void {
      const refused = refusal(o);
      if (refused) throw refused;
    },

    stats: () => ({ running, queued: waiting.length, started, shed, late, peak }),
  };
}
