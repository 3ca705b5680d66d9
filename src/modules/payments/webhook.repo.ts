import type { Executor } from '../../platform/db/kysely.ts';
import type { PaymentDisputesTable, ReconciliationFlagsTable, WebhookEventsTable } from './payments.tables.ts';

export type WebhookEventRow = WebhookEventsTable;
export type DisputeRow = PaymentDisputesTable;
export type FlagRow = ReconciliationFlagsTable;

export function findEvent(db: Executor, accountId: string, eventId: string): Promise<WebhookEventRow | undefined> {
  return db
    .selectFrom('webhook_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
}

export async function insertEvent(db: Executor, row: WebhookEventRow): Promise<void> {
  await db.insertInto('webhook_events').values(row).execute();
}

export async function updateEvent(
  db: Executor,
  id: string,
  patch: Partial<Pick<WebhookEventRow, 'outcome' | 'normalized' | 'processed_at'>>,
): Promise<void> {
  await db.updateTable('webhook_events').set(patch).where('id', '=', id).execute();
}

/** Events that arrived before the payment they refer to (a refund before its payment succeeded). */
export function listDeferred(
  db: Executor,
  orgId: string,
  provider: string,
  paymentRef: string,
): Promise<WebhookEventRow[]> {
  return db
    .selectFrom('webhook_events')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('provider', '=', provider)
    .where('outcome', '=', 'deferred')
    .where('payment_ref', '=', paymentRef)
    .orderBy('received_at')
    .orderBy('id')
    .execute();
}

export function findDispute(
  db: Executor,
  orgId: string,
  provider: string,
  ref: string,
): Promise<DisputeRow | undefined> {
  return db
    .selectFrom('payment_disputes')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('provider', '=', provider)
    .where('provider_ref', '=', ref)
    .executeTakeFirst();
}

export function findDisputeById(db: Executor, orgId: string, id: string): Promise<DisputeRow | undefined> {
  return db
    .selectFrom('payment_disputes')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function listDisputes(db: Executor, orgId: string): Promise<DisputeRow[]> {
  return db
    .selectFrom('payment_disputes')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
}

export async function insertDispute(db: Executor, row: DisputeRow): Promise<void> {
  await db.insertInto('payment_disputes').values(row).execute();
}

export async function updateDispute(
  db: Executor,
  orgId: string,
  id: string,
  patch: Partial<Pick<DisputeRow, 'status' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('payment_disputes').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** Adds a flag unless the same (reference, kind) is already flagged; true if it is new. */
export async function insertFlag(db: Executor, row: FlagRow): Promise<boolean> {
  const r = await db
    .insertInto('reconciliation_flags')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'provider', 'provider_ref', 'kind']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function listFlags(db: Executor, orgId: string, includeResolved: boolean): Promise<FlagRow[]> {
  let q = db.selectFrom('reconciliation_flags').selectAll().where('org_id', '=', orgId);
  if (!includeResolved) q = q.where('resolved_at', 'is', null);
  return q.orderBy('id', 'desc').limit(500).execute();
}

export async function resolveFlag(db: Executor, orgId: string, id: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('reconciliation_flags')
    .set({ resolved_at: at })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
