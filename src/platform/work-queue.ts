// A bounded queue for expensive CPU work that anonymous requests can trigger (argon2 password
// hashing, password-strength estimation). At most `concurrency` jobs run at once; at most
// `maxQueued` wait, each for at most `maxWaitMs`. Beyond that the request is shed at once with
// 429 + Retry-After instead of piling up: a flood of sign-in or set-up calls then costs a fixed
// share of the CPU and never starves the other requests (issue #10 item 3). Time here is real
// time on purpose (a load guard, not business time), so it does not use the injected clock.
import { AppError } from './errors.ts';

export interface WorkQueueOptions {
  /** Jobs running at once. */
  concurrency: number;
  /** Jobs allowed to wait for a slot; one more is refused immediately. */
  maxQueued: number;
  /** How long a job may wait for a slot before it is refused. */
  maxWaitMs: number;
}

export interface WorkQueue {
  /** Runs `fn` when a slot is free; throws 429 (rate_limited, Retry-After) when shed. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Throws the same 429 when a job submitted now would be refused at once (cheap pre-check). */
  assertCapacity(): void;
  /** Now running and waiting; since start: jobs started, jobs shed, and the most that ever ran at once. */
  stats(): { running: number; queued: number; started: number; shed: number; peak: number };
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

export function createWorkQueue(opts: WorkQueueOptions): WorkQueue {
  if (opts.concurrency < 1 || opts.maxQueued < 0 || opts.maxWaitMs < 1) throw new Error('work queue: invalid options');
  let running = 0;
  let started = 0;
  let shed = 0;
  let peak = 0;
  const waiting: Waiter[] = [];
  const retryAfterS = Math.max(1, Math.ceil(opts.maxWaitMs / 1000));

  const busy = (): AppError => {
    shed++;
    return new AppError('rate_limited', `The server is busy checking passwords; try again in ${retryAfterS} s.`, {
      headers: { 'retry-after': String(retryAfterS) },
    });
  };

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
    try {
      return await fn();
    } finally {
      release();
    }
  }

  return {
    run<T>(fn: () => Promise<T>): Promise<T> {
      if (running < opts.concurrency) return execute(fn);
      if (waiting.length >= opts.maxQueued) return Promise.reject(busy());
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = {
          start: () => {
            execute(fn).then(resolve, reject);
          },
          timer: setTimeout(() => {
            const i = waiting.indexOf(waiter);
            if (i >= 0) waiting.splice(i, 1);
            reject(busy());
          }, opts.maxWaitMs),
        };
        waiting.push(waiter);
      });
    },

    assertCapacity(): void {
      if (running >= opts.concurrency && waiting.length >= opts.maxQueued) throw busy();
    },

    stats: () => ({ running, queued: waiting.length, started, shed, peak }),
  };
}
