import type { Executor } from '../../platform/db/kysely.ts';
import type { ItemsTable, TaxRatesTable } from './catalog.tables.ts';

export type TaxRateRow = TaxRatesTable;
export type ItemRow = ItemsTable;

export async function insertTaxRate(db: Executor, row: TaxRateRow): Promise<void> {
  await db.insertInto('tax_rates').values(row).execute();
}
export function findTaxRate(db: Executor, orgId: string, id: string): Promise<TaxRateRow | undefined> {
  return db.selectFrom('tax_rates').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}
export function findTaxRates(db: Executor, orgId: string, ids: string[]): Promise<TaxRateRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('tax_rates').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).execute();
}
export function listTaxRates(db: Executor, orgId: string, includeArchived: boolean): Promise<TaxRateRow[]> {
  let q = db.selectFrom('tax_rates').selectAll().where('org_id', '=', orgId);
  if (!includeArchived) q = q.where('archived_at', 'is', null);
  return q.orderBy('rate_bp').orderBy('id').execute();
}
export async function updateTaxRateRow(
  db: Executor,
  orgId: string,
  id: string,
  patch: Partial<TaxRateRow>,
): Promise<void> {
  await db.updateTable('tax_rates').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** The names of the org's items among `ids` (archived ones too: issued documents still name them). */
export function findItemNames(
  db: Executor,
  orgId: string,
  ids: string[],
): Promise<Array<{ id: string; name: string }>> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('items').select(['id', 'name']).where('org_id', '=', orgId).where('id', 'in', ids).execute();
}
export async function insertItem(db: Executor, row: ItemRow): Promise<void> {
  await db.insertInto('items').values(row).execute();
}
export function findItem(db: Executor, orgId: string, id: string): Promise<ItemRow | undefined> {
  return db.selectFrom('items').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}
export function listItemRows(
  db: Executor,
  orgId: string,
  afterId: string | null,
  limit: number,
  includeArchived: boolean,
): Promise<ItemRow[]> {
  let q = db.selectFrom('items').selectAll().where('org_id', '=', orgId);
  if (!includeArchived) q = q.where('archived_at', 'is', null);
  if (afterId) q = q.where('id', '<', afterId);
  return q.orderBy('id', 'desc').limit(limit).execute();
}
export async function updateItemRow(db: Executor, orgId: string, id: string, patch: Partial<ItemRow>): Promise<void> {
  await db.updateTable('items').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}
