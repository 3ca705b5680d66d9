// Password hashing with argon2id at OWASP's recommended minimum (m = 19 MiB, t = 2, p = 1), and
// the policy check (password-policy.ts). Both run on password threads (password.worker.ts, at a
// lowered scheduling priority on Linux), so the event loop is never blocked; both go through one
// bounded work queue (platform/work-queue.ts), so anonymous requests (sign-in, set-up, sign-up,
// password reset, invitations) can use at most a configured share of the CPU and are shed with
// 429 + Retry-After beyond it. Stored hashes carry their parameters (PHC string); a hash made with
// weaker parameters is upgraded transparently at the next successful sign-in.
import { Worker } from 'node:worker_threads';
import { hash } from '@node-rs/argon2';
import { AppError } from '../../../platform/errors.ts';
import type { RunOptions, WorkQueue } from '../../../platform/work-queue.ts';
import { normalizePassword, type PasswordCheck, type PasswordContext } from './password-policy.ts';

export const ARGON2_PARAMS = {
  algorithm: 2 /* Argon2id */,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

/** Hashes without the queue: test fixtures and the CLI (a trusted local administrator). */
export function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), ARGON2_PARAMS);
}

/** True when a stored hash is not argon2id with at least the current parameters. */
export function needsRehash(stored: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!m) return true;
  return (
    Number(m[1]) < ARGON2_PARAMS.memoryCost ||
    Number(m[2]) < ARGON2_PARAMS.timeCost ||
    Number(m[3]) !== ARGON2_PARAMS.parallelism
  );
}

export type PasswordJob =
  | { op: 'verify'; stored: string; password: string }
  | { op: 'hash'; password: string; params: typeof ARGON2_PARAMS }
  | { op: 'check'; password: string; ctx: PasswordContext };

/**
 * The password threads (password.worker.ts): `size` of them, each started on first use and
 * restarted if it dies; a job goes to the thread with the fewest pending. The work queue in front
 * lets at most `size` jobs run at once, so each thread has at most one.
 */
function createPasswordThreads(size: number, nice: number) {
  interface Slot {
    worker: Worker | null;
    pending: Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>;
  }
  const slots: Slot[] = Array.from({ length: Math.max(1, size) }, () => ({ worker: null, pending: new Map() }));
  let nextId = 1;

  function failAll(slot: Slot, err: Error): void {
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
    slot.worker = null;
  }

  function start(slot: Slot): Worker {
    const w = new Worker(new URL('./password.worker.ts', import.meta.url), { workerData: { nice } });
    w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (m.error === undefined) p.resolve(m.result);
      else p.reject(new Error(`password work failed: ${m.error}`));
    });
    w.on('error', (err) => failAll(slot, err));
    w.on('exit', (code) => {
      if (slot.worker === w) failAll(slot, new Error(`password thread exited with ${code}`));
    });
    // Only pending jobs keep it alive: an idle thread never holds the process open.
    w.unref();
    return w;
  }

  return {
    run<T>(job: PasswordJob): Promise<T> {
      const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const worker = (slot.worker ??= start(slot));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        slot.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
        worker.postMessage({ id, job });
      });
    },
    async close(): Promise<void> {
      const running = slots.map((s) => s.worker).filter((w): w is Worker => w !== null);
      for (const s of slots) s.worker = null;
      await Promise.all(running.map((w) => w.terminate()));
    },
  };
}

export function createPasswordService({
  queue,
  threads = 1,
  nice = 0,
}: {
  queue: WorkQueue;
  threads?: number;
  nice?: number;
}) {
  const pool = createPasswordThreads(threads, nice);
  let dummy: Promise<string> | null = null;

  const verifyPassword = (stored: string, password: string, deadline?: RunOptions): Promise<boolean> =>
    queue.run(() => pool.run<boolean>({ op: 'verify', stored, password: normalizePassword(password) }), deadline);

  return {
    queue,
    hash: (password: string): Promise<string> =>
      queue.run(() => pool.run<string>({ op: 'hash', password: normalizePassword(password), params: ARGON2_PARAMS })),
    verify: verifyPassword,

    /**
     * Spends the same argon2 work as a real verification, for unknown accounts, so a sign-in attempt
     * takes the same time whether or not the email is registered (no enumeration by timing).
     */
    async verifyAgainstDummy(password: string, deadline?: RunOptions): Promise<false> {
      dummy ??= hashPassword('sealbill-dummy-password-for-timing-equalization');
      await verifyPassword(await dummy, password, deadline);
      return false;
    },

    /** Throws 422 with the reason attached to the field (and 429 when the server is saturated). */
    async assertAcceptable(password: string, ctx: PasswordContext, field = '/body/password'): Promise<void> {
      const r = await queue.run(() =>
        pool.run<PasswordCheck>({
          op: 'check',
          password,
          ctx: { email: ctx.email ?? null, orgNames: ctx.orgNames ?? [] },
        }),
      );
      if (!r.ok)
        throw new AppError('unprocessable', `The password ${r.reason}.`, {
          fieldErrors: [{ path: field, message: r.reason }],
        });
    },

    close: () => pool.close(),
  };
}

export type PasswordService = ReturnType<typeof createPasswordService>;
