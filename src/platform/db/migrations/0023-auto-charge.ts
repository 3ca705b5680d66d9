// Recurring invoices charged to a saved payment method (issue #15, item 5).
// - payment_consents: a client's authorisation to charge a payment method it saved at a checkout
//   ("save this method for future invoices"). The provider's customer and payment method refs and
//   the label ("Visa •••• 4242") are sealed together in method_enc (AAD = row and column); the
//   plain columns say only which client, which provider account, what kind, who authorised it and
//   when, and when it was revoked. One consent per checkout (the webhook that saves it may arrive
//   more than once).
// - checkouts: save_method (the payer asked to save the method) and consent_by (who did: a portal
//   contact or a pay link); consent_id for a charge Sealbill made off-session with a consent.
// - recurring_schedules.auto_charge / charger_user_id (who turned charging on; checked each run).
// - recurring_runs.charge_*: the charge of the run's invoice before it is sent (status, attempts,
//   last error, the off-session checkout whose id keys the provider call, when it started).
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('payment_consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('payment_accounts.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('method_enc', 'text', (c) => c.notNull())
    .addColumn('checkout_id', 'text', (c) => c.notNull().references('checkouts.id'))
    .addColumn('authorised_by', 'text', (c) => c.notNull())
    .addColumn('authorised_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('payment_consents_checkout', ['org_id', 'checkout_id'])
    .execute();
  await db.schema
    .createIndex('payment_consents_client')
    .on('payment_consents')
    .columns(['org_id', 'client_id'])
    .execute();

  await db.schema
    .alterTable('checkouts')
    .addColumn('save_method', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('checkouts').addColumn('consent_by', 'text').execute();
  await db.schema.alterTable('checkouts').addColumn('consent_id', 'text').execute();
  // A run found mid-charge asks whether its checkout's payment was booked meanwhile.
  await db.schema.createIndex('payments_checkout').on('payments').columns(['org_id', 'checkout_id']).execute();

  await db.schema
    .alterTable('recurring_schedules')
    .addColumn('auto_charge', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('recurring_schedules').addColumn('charger_user_id', 'text').execute();

  await db.schema.alterTable('recurring_runs').addColumn('charge_status', 'text').execute();
  await db.schema
    .alterTable('recurring_runs')
    .addColumn('charge_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('recurring_runs').addColumn('charge_error', 'text').execute();
  await db.schema.alterTable('recurring_runs').addColumn('charge_checkout_id', 'text').execute();
  await db.schema.alterTable('recurring_runs').addColumn('charge_started_at', 'text').execute();
  await db.schema
    .createIndex('recurring_runs_charge_status')
    .on('recurring_runs')
    .columns(['org_id', 'charge_status'])
    .execute();
}
