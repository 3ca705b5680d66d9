// Payment reminders and dunning (issue #15, item 1): plans of steps per organization, a client's
// own plan or opt-out, an invoice's pause or stop, the reference rates for statutory interest,
// and one row per reminder. (org_id, document_id, step_key) is unique: a plan step goes out once
// per invoice, however many workers race for it. A reminder with charges has its own signed PDF,
// numbered in the 'reminder' series (number, file_id).
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('dunning_plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('margin_percent', 'text', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // One default plan per organization (two first uses racing create it once).
  await sql`create unique index dunning_plans_one_default on dunning_plans (org_id) where is_default = 1`.execute(db);

  await db.schema
    .createTable('dunning_clients')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('plan_id', 'text', (c) => c.references('dunning_plans.id'))
    .addColumn('opted_out', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dunning_clients_pk', ['org_id', 'client_id'])
    .execute();

  await db.schema
    .createTable('dunning_invoices')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dunning_invoices_pk', ['org_id', 'document_id'])
    .execute();

  await db.schema
    .createTable('dunning_reference_rates')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('rate_percent', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('dunning_reference_rates_pk', ['org_id', 'valid_from'])
    .execute();

  await db.schema
    .createTable('dunning_reminders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('step_key', 'text', (c) => c.notNull())
    .addColumn('offset_days', 'integer')
    .addColumn('scheduled_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('add_interest', 'integer', (c) => c.notNull())
    .addColumn('add_compensation', 'integer', (c) => c.notNull())
    .addColumn('outstanding', 'bigint')
    .addColumn('interest', 'bigint')
    .addColumn('compensation', 'bigint')
    .addColumn('charges_detail', 'text')
    .addColumn('number', 'text')
    .addColumn('file_id', 'text')
    .addColumn('delivery_id', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('dunning_reminders_step', ['org_id', 'document_id', 'step_key'])
    .execute();
  // The dashboard's failed reminders.
  await db.schema
    .createIndex('dunning_reminders_status')
    .on('dunning_reminders')
    .columns(['org_id', 'status'])
    .execute();
}
