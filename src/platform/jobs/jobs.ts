// Durable side effects. Work that must happen after a change commits (mail above all) is written
// as a job in the change's own transaction: `enqueue(tx, kind, payload)`. If the process dies
// after the commit, the job is still there and the next runner does it; if the transaction rolls
// back, the job never existed. A runner claims a job with a lease (a conditional UPDATE on the
// attempt counter, so two processes never run one attempt twice), runs the kind's handler, then
// deletes the job; a failure is retried with exponential back-off until MAX_ATTEMPTS, then the job
// is 'dead': logged, listed by `sealbill jobs dead` and re-queued by `sealbill jobs retry`.
// Delivery is at least once: a runner that dies after the handler but before the delete leaves
// the job to run again when its lease expires.
// Runners: the worker (`sealbill worker`, and the loop inside `sealbill serve`) polls; every
// process that enqueues is also nudged after its commit, so mail leaves at once.
// Payloads are sealed under the instance key (docs/SECURITY.md, "Job payloads").
import type { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Keyring } from '../crypto/keyring.ts';
import type { Database, Executor } from '../db/kysely.ts';
import { onCommit } from '../db/tx.ts';
import { newId } from '../ids.ts';
import {
  claimJob,
  deleteFinishedJob,
  findClaimable,
  finishJob,
  insertJob,
  listJobsByStatus,
  requeueDeadJob,
  type JobRow,
} from './jobs.repo.ts';

export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;
const DEFAULT_LEASE_MS = 5 * 60_000;
const BATCH = 20;

/** Wait before the next attempt after `attempt` failed: 30 s, 1 min, 2 min … capped at an hour. */
export function retryDelayMs(attempt: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
}

export interface JobKind<P> {
  kind: string;
  schema: z.ZodType<P>;
  handler: (payload: P) => Promise<void>;
}

/** One job kind: its name, the Zod schema of its payload (checked at enqueue and again at run) and its handler. */
export function defineJob<P>(kind: string, schema: z.ZodType<P>, handler: (payload: P) => Promise<void>): JobKind<P> {
  return { kind, schema, handler };
}

interface Log {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface JobsOptions {
  db: Database;
  clock: Clock;
  keyring: Keyring;
  log: Log;
  /** How long a claimed job is reserved for its runner before another may take it over. */
  leaseMs?: number;
}

export type DeadJob = Pick<JobRow, 'id' | 'kind' | 'attempts' | 'last_error' | 'created_at' | 'updated_at'>;

export function createJobs({ db, clock, keyring, log, leaseMs = DEFAULT_LEASE_MS }: JobsOptions) {
  const kinds = new Map<string, JobKind<unknown>>();
  const aad = (id: string) => ({ table: 'jobs', row: id, column: 'payload' });
  let dirty = false;
  let running: Promise<number> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const unsubscribe = onCommit(db, () => {
    if (!dirty || stopped) return;
    dirty = false;
    void runDue();
  });

  async function runOne(seen: Pick<JobRow, 'id' | 'attempts'>): Promise<boolean> {
    const now = clock.now();
    const job = await claimJob(
      db,
      seen.id,
      seen.attempts,
      now.toISOString(),
      new Date(now.getTime() + leaseMs).toISOString(),
    );
    if (!job) return false;
    const attempt = job.attempts;
    try {
      const def = kinds.get(job.kind);
      if (!def) throw new Error(`no handler for job kind ${job.kind}`);
      const payload = def.schema.parse(JSON.parse(keyring.openForInstance(job.payload, aad(job.id))));
      await def.handler(payload);
      await deleteFinishedJob(db, job.id, attempt);
    } catch (err) {
      // The error's message only: a handler's error may quote the payload, which is sealed for a reason.
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const at = clock.now();
      if (attempt >= MAX_ATTEMPTS) {
        await finishJob(db, job.id, attempt, {
          status: 'dead',
          last_error: message,
          locked_until: null,
          updated_at: at.toISOString(),
        });
        log.error(
          { job: job.id, kind: job.kind, attempts: attempt, err: { message } },
          'job is dead after its last attempt (sealbill jobs dead)',
        );
      } else {
        const runAt = new Date(at.getTime() + retryDelayMs(attempt)).toISOString();
        await finishJob(db, job.id, attempt, {
          status: 'pending',
          run_at: runAt,
          last_error: message,
          locked_until: null,
          updated_at: at.toISOString(),
        });
        log.warn({ job: job.id, kind: job.kind, attempt, retryAt: runAt, err: { message } }, 'job failed; will retry');
      }
    }
    return true;
  }

  /** Claims and runs every job due now (several runners may do this at once). Returns how many ran. */
  async function drain(): Promise<number> {
    let ran = 0;
    for (;;) {
      const due = await findClaimable(db, clock.now().toISOString(), BATCH);
      let claimed = 0;
      for (const j of due) if (await runOne(j)) claimed++;
      ran += claimed;
      // Nothing left, or every candidate went to another runner (it will finish them).
      if (due.length < BATCH || claimed === 0) return ran;
    }
  }

  /** One pass at a time per process; a nudge during a pass runs another right after. */
  function runDue(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await drain();
        } while (again && !stopped);
      } catch (err) {
        log.error({ err: { message: (err as Error).message } }, 'running jobs failed');
      } finally {
        running = null;
      }
      return total;
    })();
    return running;
  }

  return {
    register<P>(def: JobKind<P>): void {
      if (kinds.has(def.kind)) throw new Error(`job kind ${def.kind} registered twice`);
      kinds.set(def.kind, def as unknown as JobKind<unknown>);
    },

    /** Writes the job in the caller's transaction; it runs after that transaction commits. */
    async enqueue<P>(tx: Executor, def: JobKind<P>, payload: P, opts: { runAt?: Date } = {}): Promise<string> {
      if (kinds.get(def.kind) !== (def as unknown)) throw new Error(`job kind ${def.kind} is not registered`);
      const now = clock.now();
      const id = newId(now.getTime());
      const sealed = keyring.sealForInstance(JSON.stringify(def.schema.parse(payload)), aad(id));
      await insertJob(tx, {
        id,
        kind: def.kind,
        payload: sealed,
        unique_key: null,
        run_at: (opts.runAt ?? now).toISOString(),
        status: 'pending',
        attempts: 0,
        locked_until: null,
        last_error: null,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      });
      dirty = true;
      return id;
    },

    runDue,

    /** Polls every `everyMs` (the worker, `sealbill serve`); the commit nudge works without it. Returns the stop. */
    poll(everyMs: number): () => Promise<void> {
      if (!timer) {
        timer = setInterval(() => void runDue(), everyMs);
        timer.unref();
        void runDue();
      }
      return async () => {
        if (timer) clearInterval(timer);
        timer = null;
        await running;
      };
    },

    /** Resolves when no job is due and none is running here (tests, the CLI, shutdown). */
    async settled(): Promise<void> {
      for (;;) {
        if (running) await running;
        if ((await runDue()) === 0 && !running) return;
      }
    },

    /** Stops polling and nudges, and waits for the pass in progress (container close). */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      unsubscribe();
      await running;
    },

    listDead: (): Promise<DeadJob[]> => listJobsByStatus(db, 'dead'),
    retryDead: (id: string): Promise<boolean> => requeueDeadJob(db, id, clock.now().toISOString()),
  };
}

export type Jobs = ReturnType<typeof createJobs>;
