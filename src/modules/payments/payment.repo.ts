import type { Executor } from '../../platform/db/kysely.ts';
import type { ClientCreditsTable, PaymentsTable } from '../../platform/db/schema.ts';

export type PaymentRow = PaymentsTable;

export async function insertPayment(db: Executor, row: PaymentRow): Promise<void> {
  await db.insertInto('payments').values(row).execute();
}

export function listPaymentsFor(db: Executor, orgId: string, documentId: string): Promise<PaymentRow[]> {
  return db.selectFrom('payments').selectAll().where('org_id', '=', orgId).where('document_id', '=', documentId).orderBy('id').execute();
}

export async function insertCredit(db: Executor, row: ClientCreditsTable): Promise<void> {
  await db.insertInto('client_credits').values(row).execute();
}

export async function creditBalances(db: Executor, orgId: string, clientId: string): Promise<Array<{ currency: string; amount: number }>> {
  const rows = await db
    .selectFrom('client_credits')
    .select(['currency', (eb) => eb.fn.sum<number>('amount').as('amount')])
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .groupBy('currency')
    .execute();
  return rows.map((r) => ({ currency: r.currency, amount: Number(r.amount) })).filter((r) => r.amount !== 0);
}
