// Recurring invoices sent on their own (issue #15, item 5): a schedule's auto_send flag and the
// date it last ran, and one row per issued invoice that is to be sent — its sending's state,
// attempts and last error. The row is written with its job in the transaction that issues the invoice, and a job claims it
// (queued/retrying → sending) before it sends, so a message accepted by the relay never goes
// twice. document_id is unique: one sending per issued invoice, however often a job runs.
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .alterTable('recurring_schedules')
    .addColumn('auto_send', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The last period run: an edit may move the next run only past it ((schedule, period) is unique
  // on documents, so a run on that date again would fail at every worker pass).
  await db.schema.alterTable('recurring_schedules').addColumn('last_run_on', 'text').execute();
  // Who turned automatic sending on: each run checks they still hold invoice:send.
  await db.schema.alterTable('recurring_schedules').addColumn('sender_user_id', 'text').execute();
  await sql`update recurring_schedules set last_run_on = (
    select max(d.recurring_period) from documents d where d.recurring_schedule_id = recurring_schedules.id
  )`.execute(db);

  await db.schema
    .createTable('recurring_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('schedule_id', 'text', (c) => c.notNull().references('recurring_schedules.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('send_status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('delivery_id', 'text')
    .addColumn('error', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('recurring_runs_document', ['org_id', 'document_id'])
    .execute();
  // A schedule's history, and the dashboard's sendings that need attention.
  await db.schema
    .createIndex('recurring_runs_schedule')
    .on('recurring_runs')
    .columns(['org_id', 'schedule_id', 'period'])
    .execute();
  await db.schema
    .createIndex('recurring_runs_status')
    .on('recurring_runs')
    .columns(['org_id', 'send_status'])
    .execute();
}
