// Group commit for small, frequent units of write work that arrive in floods (failed sign-in
// bookkeeping: throttle counters and their audit entries; docs/DECISIONS.md D15). Units submitted
// while a batch is pending run one after another in ONE transaction, and each caller's promise
// settles only after that transaction committed: nothing is held in memory that a crash could
// lose, and a unit sees the writes of the units before it (so counters stay exact). A durable
// commit (SQLite synchronous=FULL: an fsync on the event loop; PostgreSQL: a WAL flush) is then
// paid once per batch instead of once per unit.
//
// Timing: each unit says how long it may wait (`delayMs`, 0 by default); a batch starts when the
// most pressing unit is due, but at most every `minSpacingMs` (under load, units arriving in
// between share the next batch), or at once when `maxBatch` units wait. A unit that may not wait,
// arriving when no batch ran for `minSpacingMs`, starts one on the next turn of the event loop
// (units of the same turn share it): a lone sign-in waits for nothing. Units that may wait ride
// along with the next batch whatever started it. One batch runs at a time.
//
// Failure isolation: if the batch's transaction fails, it rolled back as a whole, and each unit
// is run again in a transaction of its own, so one bad unit fails only its own caller. Units must
// therefore have no effect outside the transaction they are given.
import { inTx } from './tx.ts';
import type { Database, Tx } from './kysely.ts';

export interface TxBatcherOptions<S> {
  /** Batches start at most this often (ms). */
  minSpacingMs: number;
  /** A batch never holds more units; a full batch starts at once. */
  maxBatch: number;
  /** Fresh per-batch state, where units leave writes to be made once for the whole batch. */
  open: () => S;
  /** Runs after the batch's units, in the same transaction: the deferred (coalesced) writes. */
  close: (tx: Tx, state: S) => Promise<void>;
}

export interface TxBatcher<S> {
  /**
   * Runs `unit` in a coming batch's transaction, at the latest about `delayMs` from now (later
   * only when batches are spaced or busy); resolves with its result once that committed.
   */
  run<T>(unit: (tx: Tx, state: S) => Promise<T>, opts?: { delayMs?: number }): Promise<T>;
  /** Since start: units run, transactions committed for them, batches that fell back to one transaction per unit. */
  stats(): { units: number; batches: number; fallbacks: number; largest: number };
  /** Resolves when every unit submitted so far has settled. */
  settled(): Promise<void>;
}

interface Pending<S> {
  /** performance.now() by which the unit should be in a batch. */
  due: number;
  unit: (tx: Tx, state: S) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export function createTxBatcher<S>(db: Database, opts: TxBatcherOptions<S>): TxBatcher<S> {
  if (opts.maxBatch < 1 || opts.minSpacingMs < 0) throw new Error('tx batcher: invalid options');
  const queue: Pending<S>[] = [];
  let running: Promise<void> | null = null;
  /** Cancels the scheduled start of the next batch, if one is scheduled; `startAt` is when. */
  let cancelStart: (() => void) | null = null;
  let startAt = Infinity;
  let lastStart = -Infinity;
  const counts = { units: 0, batches: 0, fallbacks: 0, largest: 0 };
  let idleWaiters: (() => void)[] = [];

  const runOne = (p: Pending<S>): Promise<unknown> =>
    inTx(db, async (tx) => {
      const state = opts.open();
      const result = await p.unit(tx, state);
      await opts.close(tx, state);
      return result;
    });

  async function runBatch(batch: Pending<S>[]): Promise<void> {
    counts.units += batch.length;
    counts.largest = Math.max(counts.largest, batch.length);
    let results: unknown[];
    try {
      counts.batches++;
      results = await inTx(db, async (tx) => {
        const state = opts.open();
        const out: unknown[] = [];
        for (const p of batch) out.push(await p.unit(tx, state));
        await opts.close(tx, state);
        return out;
      });
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      counts.fallbacks++;
      for (const p of batch) {
        counts.batches++;
        await runOne(p).then(p.resolve, p.reject);
      }
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }

  function start(): void {
    cancelStart = null;
    startAt = Infinity;
    if (running || queue.length === 0) return;
    lastStart = performance.now();
    running = runBatch(queue.splice(0, opts.maxBatch)).finally(() => {
      running = null;
      if (queue.length > 0) schedule();
      else {
        for (const wake of idleWaiters) wake();
        idleWaiters = [];
      }
    });
  }

  function schedule(): void {
    if (running || queue.length === 0) return;
    const now = performance.now();
    const due = Math.min(...queue.map((p) => p.due));
    const at = queue.length >= opts.maxBatch ? now : Math.max(due, lastStart + opts.minSpacingMs);
    if (cancelStart && at >= startAt) return; // an earlier start is already scheduled
    cancelStart?.();
    startAt = at;
    if (at > now) {
      const t = setTimeout(start, at - now);
      cancelStart = () => clearTimeout(t);
    } else {
      const i = setImmediate(start);
      cancelStart = () => clearImmediate(i);
    }
  }

  return {
    run<T>(unit: (tx: Tx, state: S) => Promise<T>, o?: { delayMs?: number }): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const due = performance.now() + (o?.delayMs ?? 0);
        queue.push({ due, unit, resolve: resolve as (v: unknown) => void, reject });
        schedule();
      });
    },
    stats: () => ({ ...counts }),
    settled: () => (running || queue.length > 0 ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve()),
  };
}
