import { sql } from 'kysely';
import type { Database, Tx } from './kysely.ts';

const commitListeners = new WeakMap<Database, Set<() => void>>();

/** Runs fn in one transaction: everything it writes commits together or not at all. Only services call this. */
export async function inTx<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await db.transaction().execute(fn);
  for (const listener of commitListeners.get(db) ?? []) listener();
  return result;
}

/**
 * Calls `listener` after each transaction `inTx` commits on `db`: the job runner's wake-up, so
 * work enqueued in a transaction runs as soon as it is visible. Returns the unsubscribe.
 */
export function onCommit(db: Database, listener: () => void): () => void {
  let set = commitListeners.get(db);
  if (!set) commitListeners.set(db, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

const ROLLBACK = Symbol('rollback');

/**
 * Runs fn in one transaction that is always rolled back: a dry run through the real services and
 * constraints (the CSV import's check) that leaves nothing behind. Commit listeners are not told.
 */
export async function inTxRolledBack<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let result: T | undefined;
  try {
    await db.transaction().execute(async (tx) => {
      result = await fn(tx);
      throw ROLLBACK;
    });
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  return result as T;
}

/**
 * Runs fn under a savepoint of the caller's transaction: if fn throws, what it wrote is undone
 * and the transaction goes on (PostgreSQL would otherwise refuse every later statement).
 */
export async function inSavepoint<T>(tx: Tx, name: string, fn: () => Promise<T>): Promise<T> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad savepoint name ${name}`);
  await sql.raw(`savepoint ${name}`).execute(tx);
  try {
    const out = await fn();
    await sql.raw(`release savepoint ${name}`).execute(tx);
    return out;
  } catch (err) {
    await sql.raw(`rollback to savepoint ${name}`).execute(tx);
    await sql.raw(`release savepoint ${name}`).execute(tx);
    throw err;
  }
}
