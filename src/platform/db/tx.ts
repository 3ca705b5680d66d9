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
