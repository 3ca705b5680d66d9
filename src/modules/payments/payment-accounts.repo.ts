import type { Executor } from '../../platform/db/kysely.ts';
import type { PaymentAccountsTable, PaymentSettingsTable } from './payments.tables.ts';

export type PaymentAccountRow = PaymentAccountsTable;

export function findAccount(db: Executor, orgId: string, provider: string): Promise<PaymentAccountRow | undefined> {
  return db
    .selectFrom('payment_accounts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

/** Webhook deliveries name the account in their URL; the account row then tells us the org. */
export function findAccountById(db: Executor, provider: string, id: string): Promise<PaymentAccountRow | undefined> {
  return db
    .selectFrom('payment_accounts')
    .selectAll()
    .where('id', '=', id)
    .where('provider', '=', provider)
    .executeTakeFirst();
}

export function listAccounts(db: Executor, orgId: string): Promise<PaymentAccountRow[]> {
  return db.selectFrom('payment_accounts').selectAll().where('org_id', '=', orgId).orderBy('provider').execute();
}

export function listEnabledAccountsAllOrgs(db: Executor): Promise<PaymentAccountRow[]> {
  return db.selectFrom('payment_accounts').selectAll().where('enabled', '=', 1).orderBy('org_id').execute();
}

export async function insertAccount(db: Executor, row: PaymentAccountRow): Promise<void> {
  await db.insertInto('payment_accounts').values(row).execute();
}

export async function updateAccount(
  db: Executor,
  orgId: string,
  id: string,
  patch: Partial<Omit<PaymentAccountRow, 'id' | 'org_id' | 'provider'>>,
): Promise<void> {
  await db.updateTable('payment_accounts').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}

export function findSettings(db: Executor, orgId: string): Promise<PaymentSettingsTable | undefined> {
  return db.selectFrom('payment_settings').selectAll().where('org_id', '=', orgId).executeTakeFirst();
}

export async function upsertSettings(db: Executor, row: PaymentSettingsTable): Promise<void> {
  await db
    .insertInto('payment_settings')
    .values(row)
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({ bank_transfer: row.bank_transfer, updated_at: row.updated_at }),
    )
    .execute();
}
