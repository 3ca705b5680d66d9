import type { Executor } from '../../platform/db/kysely.ts';
import type { ClientCreditsTable, PaymentsTable } from './payments.tables.ts';

export type PaymentRow = PaymentsTable;

export async function insertPayment(db: Executor, row: PaymentRow): Promise<void> {
  await db.insertInto('payments').values(row).execute();
}

export function listPaymentsFor(db: Executor, orgId: string, documentId: string): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('document_id', '=', documentId)
    .orderBy('id')
    .execute();
}

export async function insertCredit(db: Executor, row: ClientCreditsTable): Promise<void> {
  await db.insertInto('client_credits').values(row).execute();
}

export async function creditBalances(
  db: Executor,
  orgId: string,
  clientId: string,
): Promise<Array<{ currency: string; amount: number }>> {
  const rows = await db
    .selectFrom('client_credits')
    .select(['currency', (eb) => eb.fn.sum<number>('amount').as('amount')])
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .groupBy('currency')
    .execute();
  return rows.map((r) => ({ currency: r.currency, amount: Number(r.amount) })).filter((r) => r.amount !== 0);
}

export function findPaymentRow(db: Executor, orgId: string, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function findPaymentByProviderRef(
  db: Executor,
  orgId: string,
  provider: string,
  kind: 'payment' | 'refund',
  ref: string,
): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('provider', '=', provider)
    .where('kind', '=', kind)
    .where('provider_ref', '=', ref)
    .executeTakeFirst();
}

/** Refund entries reversing one payment (amount refunded, and the part that came off the invoice). */
export async function reversalsOf(
  db: Executor,
  orgId: string,
  paymentId: string,
): Promise<{ amount: number; applied: number }> {
  const r = await db
    .selectFrom('payments')
    .select([
      (eb) => eb.fn.sum<number>('amount').as('amount'),
      (eb) => eb.fn.sum<number>('applied_amount').as('applied'),
    ])
    .where('org_id', '=', orgId)
    .where('kind', '=', 'refund')
    .where('related_payment_id', '=', paymentId)
    .executeTakeFirst();
  return { amount: Number(r?.amount ?? 0), applied: -Number(r?.applied ?? 0) };
}

export async function updatePaymentRow(
  db: Executor,
  orgId: string,
  id: string,
  patch: Partial<Pick<PaymentRow, 'fee' | 'fee_currency' | 'receipt_file_id'>>,
): Promise<void> {
  await db.updateTable('payments').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}

export function listProviderPaymentsSince(
  db: Executor,
  orgId: string,
  provider: string,
  since: string,
): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('provider', '=', provider)
    .where('kind', '=', 'payment')
    .where('created_at', '>=', since)
    .orderBy('id')
    .execute();
}

/** Every ledger entry of an org in booking order, a page at a time (the data export). */
export function listOrgPaymentRows(
  db: Executor,
  orgId: string,
  afterId: string | null,
  limit: number,
): Promise<PaymentRow[]> {
  let q = db.selectFrom('payments').selectAll().where('org_id', '=', orgId);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

/** The payment a checkout brought in, if it has been booked (by its webhook or by the charge that made it). */
export function findPaymentByCheckout(
  db: Executor,
  orgId: string,
  checkoutId: string,
): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('checkout_id', '=', checkoutId)
    .where('kind', '=', 'payment')
    .executeTakeFirst();
}
