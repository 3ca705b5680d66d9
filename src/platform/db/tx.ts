import type { Database, Tx } from './kysely.ts';

/** Runs fn in one transaction: everything it writes commits together or not at all. Only services call this. */
export function inTx<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}
