// Group commit for small, frequent units of write work that arrive in floods (failed sign-in
// bookkeeping: throttle counters and their audit entries; docs/DECISIONS.md D15). Units submitted
// while a batch is pending run one after another in ONE transaction, and each caller's promise
// settles only after that transaction committed: nothing is held in memory that a crash could
// lose, and a unit sees the writes of the units before it (so counters stay exact). A durable
// commit (SQLite synchronous=FULL: an fsync on the event loop; PostgreSQL: a WAL flush) is then
// paid once per batch instead of once per unit.
//
// Timing: a unit arriving when no batch ran in the last `maxDelayMs` starts a batch at once (on
// the next turn of the event loop, so units of the same turn share it): a lone sign-in waits for
// nothing. Under load, batches start at most every `maxDelayMs` or as soon as `maxBatch` units
// wait. One batch runs at a time.
//
// Failure isolation: if the batch's transaction fails, it rolled back as a whole, and each unit
// is run again in a transaction of its own, so one bad unit fails only its own caller. Units must
// therefore have no effect outside the transaction they are given.
import { inTx } from './tx.ts';
import type { Database, Tx } from './kysely.ts';

export interface TxBatcherOptions<S> {
  /** Under load, the longest a unit waits for its batch to start. */
  maxDelayMs: number;
  /** A batch never holds more units; a full batch starts at once. */
  maxBatch: number;
  /** Fresh per-batch state, where units leave writes to be made once for the whole batch. */
  open: () => S;
  /** Runs after the batch's units, in the same transaction: the deferred (coalesced) writes. */
  close: (tx: Tx, state: S) => Promise<void>;
}

export interface TxBatcher<S> {
  /** Runs `unit` in the next batch's transaction; resolves with its result once that committed. */
  run<T>(unit: (tx: Tx, state: S) => Promise<T>): Promise<T>;
  /** Since start: units run, transactions committed for them, batches that fell back to one transaction per unit. */
  stats(): { units: number; batches: number; fallbacks: number; largest: number };
  /** Resolves when every unit submitted so far has settled. */
  settled(): Promise<void>;
}

interface Pending<S> {
  unit: (tx: Tx, state: S) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export function createTxBatcher<S>(db: Database, opts: TxBatcherOptions<S>): TxBatcher<S> {
  if (opts.maxBatch < 1 || opts.maxDelayMs < 0) throw new Error('tx batcher: invalid options');
  const queue: Pending<S>[] = [];
  let running: Promise<void> | null = null;
  /** Cancels the scheduled start of the next batch, if one is scheduled. */
  let cancelStart: (() => void) | null = null;
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
    if (running) return;
    const wait = queue.length >= opts.maxBatch ? 0 : lastStart + opts.maxDelayMs - performance.now();
    if (cancelStart && wait > 0) return; // already scheduled
    cancelStart?.();
    if (wait > 0) {
      const t = setTimeout(start, wait);
      cancelStart = () => clearTimeout(t);
    } else {
      const i = setImmediate(start);
      cancelStart = () => clearImmediate(i);
    }
  }

  return {
    run<T>(unit: (tx: Tx, state: S) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ unit, resolve: resolve as (v: unknown) => void, reject });
        schedule();
      });
    },
    stats: () => ({ ...counts }),
    settled: () =>
      running || queue.length > 0 ? new Promise<void>((r) => idleWaiters.push(r)) : Promise.resolve(),
  };
}
