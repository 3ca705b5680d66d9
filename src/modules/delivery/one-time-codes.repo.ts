// The one_time_codes and code_quotas tables (the rules are in one-time-codes.ts). Every limit is
// ONE conditional statement whose affected-row count decides; none reads a count to write it back.
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/kysely.ts';
import type { OneTimeCodesTable } from './delivery.tables.ts';

export type OneTimeCodeRow = OneTimeCodesTable;
export type QuotaColumn = 'codes' | 'failures';

/**
 * Takes one unit of a quota counter if it is under `max`, in one statement; false when the limit
 * is reached. The row lock it takes (PostgreSQL) serializes the callers of the same key until commit.
 */
export async function takeQuota(
  tx: Executor,
  key: string,
  window: string,
  column: QuotaColumn,
  max: number,
): Promise<boolean> {
  const r = await tx
    .insertInto('code_quotas')
    .values({ key, window_start: window, codes: column === 'codes' ? 1 : 0, failures: column === 'failures' ? 1 : 0 })
    .onConflict((oc) =>
      oc
        .columns(['key', 'window_start'])
        .doUpdateSet({ [column]: sql`code_quotas.${sql.ref(column)} + 1` })
        .where(`code_quotas.${column}`, '<', max),
    )
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function giveBackQuota(tx: Executor, key: string, window: string, column: QuotaColumn): Promise<void> {
  await tx
    .updateTable('code_quotas')
    .set({ [column]: sql`${sql.ref(column)} - 1` })
    .where('key', '=', key)
    .where('window_start', '=', window)
    .where(column, '>', 0)
    .execute();
}

/** Codes issued for a throttle key after `sinceIso`. */
export async function countCodesSince(tx: Executor, throttleKey: string, sinceIso: string): Promise<number> {
  const recent = await tx
    .selectFrom('one_time_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('throttle_key', '=', throttleKey)
    .where('created_at', '>', sinceIso)
    .executeTakeFirst();
  return Number(recent?.n ?? 0);
}

export async function insertCode(tx: Executor, row: OneTimeCodeRow): Promise<void> {
  await tx.insertInto('one_time_codes').values(row).execute();
}

export function findCode(
  tx: Executor,
  p: { id: string; orgId: string; purpose: OneTimeCodeRow['purpose'] },
): Promise<OneTimeCodeRow | undefined> {
  return tx
    .selectFrom('one_time_codes')
    .selectAll()
    .where('id', '=', p.id)
    .where('org_id', '=', p.orgId)
    .where('purpose', '=', p.purpose)
    .executeTakeFirst();
}

export function findCodeByMagicHash(tx: Executor, magicHash: string): Promise<OneTimeCodeRow | undefined> {
  return tx.selectFrom('one_time_codes').selectAll().where('magic_hash', '=', magicHash).executeTakeFirst();
}

/** Reserves one guess of an unused code if it has attempts left; false otherwise. */
export async function reserveAttempt(tx: Executor, id: string, maxAttempts: number): Promise<boolean> {
  const reserved = await tx
    .updateTable('one_time_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('attempts', '<', maxAttempts)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(reserved.numUpdatedRows) === 1;
}

/** Compare-and-set: marks an unused code used; false when another redemption got there first. */
export async function markCodeUsed(tx: Executor, id: string, nowIso: string): Promise<boolean> {
  const r = await tx
    .updateTable('one_time_codes')
    .set({ used_at: nowIso })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function findCodeOrg(db: Executor, id: string): Promise<string | null> {
  const row = await db.selectFrom('one_time_codes').select(['org_id']).where('id', '=', id).executeTakeFirst();
  return row?.org_id ?? null;
}

/** Deletes codes that expired before `codesBefore` and quota windows that started before `quotasBefore`. */
export async function deleteOldCodes(
  tx: Executor,
  codesBefore: string,
  quotasBefore: string,
): Promise<{ oneTimeCodes: number; codeQuotas: number }> {
  const codes = await tx.deleteFrom('one_time_codes').where('expires_at', '<', codesBefore).executeTakeFirst();
  const quotas = await tx.deleteFrom('code_quotas').where('window_start', '<', quotasBefore).executeTakeFirst();
  return { oneTimeCodes: Number(codes.numDeletedRows), codeQuotas: Number(quotas.numDeletedRows) };
}
