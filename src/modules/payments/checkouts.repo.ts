import type { Executor } from '../../platform/db/kysely.ts';
import type { CheckoutsTable } from './payments.tables.ts';

export type CheckoutRow = CheckoutsTable;

export async function insertCheckout(db: Executor, row: CheckoutRow): Promise<void> {
  await db.insertInto('checkouts').values(row).execute();
}

/** Provider return pages carry only the checkout id (random); the row names its org. */
export function findCheckout(db: Executor, id: string): Promise<CheckoutRow | undefined> {
  return db.selectFrom('checkouts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCheckoutInOrg(db: Executor, orgId: string, id: string): Promise<CheckoutRow | undefined> {
  return db.selectFrom('checkouts').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function findCheckoutByRef(
  db: Executor,
  orgId: string,
  provider: string,
  ref: string,
): Promise<CheckoutRow | undefined> {
  return db
    .selectFrom('checkouts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('provider', '=', provider)
    .where('provider_ref', '=', ref)
    .executeTakeFirst();
}

export async function updateCheckout(
  db: Executor,
  orgId: string,
  id: string,
  patch: Partial<Pick<CheckoutRow, 'provider_ref' | 'status' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('checkouts').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}

export function listCheckoutsSince(db: Executor, accountId: string, since: string): Promise<CheckoutRow[]> {
  return db
    .selectFrom('checkouts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('created_at', '>=', since)
    .where('provider_ref', 'is not', null)
    .orderBy('created_at')
    .execute();
}
