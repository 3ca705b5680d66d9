// Pruning of expired rows that anonymous requests create (one-time codes and their quotas,
// sessions, throttle counters, emailed-link tokens, WebAuthn challenges), and the result files of
// bulk downloads and exports after a week: each owning module deletes its own
// (identity/housekeeping.service.ts, delivery/housekeeping.service.ts, bulk.service.ts pruneFiles). The worker
// runs it hourly; `sealbill prune` runs it now. Deleting is idempotent, so several workers may
// run it at once.
import type { Container } from './container.ts';

interface Log {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const PRUNE_EVERY_MS = 60 * 60_000;

export type Pruned = Record<string, number>;

export async function pruneExpired(c: Container): Promise<Pruned> {
  const identity = await c.services.identity.housekeeping.pruneExpired();
  const delivery = await c.services.deliveryHousekeeping.pruneExpired();
  const bulkFiles = await c.services.bulk.pruneFiles();
  return { ...identity, ...delivery, bulkFiles };
}

/** The worker's task: prunes at most once per PRUNE_EVERY_MS; logs what it deleted. */
export function createHousekeepingTask(c: Container, log: Log, now: () => number = () => c.clock.now().getTime()) {
  let last = Number.NEGATIVE_INFINITY;
  return async function tick(): Promise<void> {
    if (now() - last < PRUNE_EVERY_MS) return;
    last = now();
    try {
      const pruned = await pruneExpired(c);
      if (Object.values(pruned).some((n) => n > 0)) log.info({ pruned }, 'expired rows pruned');
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'pruning expired rows failed');
    }
  };
}
