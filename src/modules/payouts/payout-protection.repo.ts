import type { Executor } from '../../platform/db/kysely.ts';
import type { PayoutChangesTable, PayoutPoliciesTable } from './payouts.tables.ts';

export type PayoutChangeRow = PayoutChangesTable;
export type PayoutPolicyRow = PayoutPoliciesTable;

export async function insertPayoutChange(db: Executor, row: PayoutChangeRow): Promise<void> {
  await db.insertInto('payout_changes').values(row).execute();
}

export function findPayoutChange(db: Executor, orgId: string, id: string): Promise<PayoutChangeRow | undefined> {
  return db
    .selectFrom('payout_changes')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findPendingChange(db: Executor, orgId: string): Promise<PayoutChangeRow | undefined> {
  return db
    .selectFrom('payout_changes')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

export function listPayoutChanges(db: Executor, orgId: string, limit: number): Promise<PayoutChangeRow[]> {
  return db
    .selectFrom('payout_changes')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Pending changes whose cooling-off has ended (any org, or one org), oldest first. */
export function findDueChanges(db: Executor, now: string, orgId?: string): Promise<PayoutChangeRow[]> {
  let q = db.selectFrom('payout_changes').selectAll().where('status', '=', 'pending').where('effective_at', '<=', now);
  if (orgId) q = q.where('org_id', '=', orgId);
  return q.orderBy('effective_at').limit(100).execute();
}

/** Compare-and-set from 'pending': true if this caller made the transition (no double apply or cancel). */
export async function settlePendingChange(
  db: Executor,
  orgId: string,
  id: string,
  patch: Partial<PayoutChangeRow>,
): Promise<boolean> {
  const r = await db
    .updateTable('payout_changes')
    .set(patch)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function findPolicy(db: Executor, orgId: string): Promise<PayoutPolicyRow | undefined> {
  return db.selectFrom('payout_policies').selectAll().where('org_id', '=', orgId).executeTakeFirst();
}

export async function upsertPolicy(db: Executor, row: PayoutPolicyRow): Promise<void> {
  await db
    .insertInto('payout_policies')
    .values(row)
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ ...row }))
    .execute();
}
