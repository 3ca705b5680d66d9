// Housekeeping of the one-time codes (portal sign-in, sealed-link gates) and their quota
// counters: anonymous requests create them, so expired ones are deleted (see pruneCodes).
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { pruneCodesInTx } from './one-time-codes.ts';

export function createDeliveryHousekeeping({ db, clock }: { db: Database; clock: Clock }) {
  return {
    pruneExpired: () => inTx(db, (tx) => pruneCodesInTx(tx, clock.now())),
  };
}

export type DeliveryHousekeeping = ReturnType<typeof createDeliveryHousekeeping>;
