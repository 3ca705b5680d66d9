// The idempotency_keys table (see idempotency.ts for the protocol).
import type { Executor } from '../db/kysely.ts';
import type { IdempotencyKeysTable } from '../db/schema.ts';

export type IdempotencyKeyRow = IdempotencyKeysTable;

export function findIdempotencyKey(ex: Executor, orgId: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  return ex
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** Inserts the key's record unless it exists; true when this call claimed it. */
export async function claimIdempotencyKey(ex: Executor, row: IdempotencyKeyRow): Promise<boolean> {
  const claimed = await ex
    .insertInto('idempotency_keys')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'key']).doNothing())
    .executeTakeFirst();
  return Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function storeIdempotentResponse(
  ex: Executor,
  orgId: string,
  key: string,
  statusCode: number,
  responseBody: string,
): Promise<void> {
  await ex
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response_body: responseBody })
    .where('org_id', '=', orgId)
    .where('key', '=', key)
    .execute();
}
