// Password hashing with argon2id at OWASP's recommended minimum (m = 19 MiB, t = 2, p = 1), and
// the policy check (password-policy.ts). @node-rs/argon2 hashes on libuv's thread pool and the
// policy check runs in a worker thread, so the event loop is never blocked; both go through one
// bounded work queue (platform/work-queue.ts), so anonymous requests (sign-in, set-up, sign-up,
// password reset, invitations) can use at most a configured share of the CPU and are shed with
// 429 + Retry-After beyond it. Stored hashes carry their parameters (PHC string); a hash made with
// weaker parameters is upgraded transparently at the next successful sign-in.
import { Worker } from 'node:worker_threads';
import { hash, verify } from '@node-rs/argon2';
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

async function verifyNow(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, normalizePassword(password));
  } catch {
    return false;
  }
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

/** One worker thread running the policy check; started on first use, restarted if it dies. */
function createStrengthChecker() {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: PasswordCheck) => void; reject: (e: Error) => void }>();

  function failAll(err: Error): void {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = null;
  }

  function start(): Worker {
    const w = new Worker(new URL('./password-strength.worker.ts', import.meta.url));
    w.on('message', (m: { id: number; result?: PasswordCheck; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.result) p.resolve(m.result);
      else p.reject(new Error(`password check failed: ${m.error ?? 'unknown'}`));
    });
    w.on('error', (err) => failAll(err));
    w.on('exit', (code) => {
      if (worker === w) failAll(new Error(`password check worker exited with ${code}`));
    });
    // Only pending checks keep it alive: an idle worker never holds the process open.
    w.unref();
    return w;
  }

  return {
    check(password: string, ctx: PasswordContext): Promise<PasswordCheck> {
      worker ??= start();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, password, ctx: { email: ctx.email ?? null, orgNames: ctx.orgNames ?? [] } });
      });
    },
    async close(): Promise<void> {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}

export function createPasswordService({ queue }: { queue: WorkQueue }) {
  const strength = createStrengthChecker();
  let dummy: Promise<string> | null = null;

  const verifyPassword = (stored: string, password: string, deadline?: RunOptions): Promise<boolean> =>
    queue.run(() => verifyNow(stored, password), deadline);

  return {
    queue,
    hash: (password: string): Promise<string> => queue.run(() => hashPassword(password)),
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
      const r = await queue.run(() => strength.check(password, ctx));
      if (!r.ok)
        throw new AppError('unprocessable', `The password ${r.reason}.`, {
          fieldErrors: [{ path: field, message: r.reason }],
        });
    },

    close: () => strength.close(),
  };
}

export type PasswordService = ReturnType<typeof createPasswordService>;
