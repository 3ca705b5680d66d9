// Bulk actions on documents (issue #13, item 5): one bulk_jobs row per request, the selection
// resolved to document ids when the job is created (bulk_items, one per document, in order), and
// each item's outcome. The work runs one item per durable job (platform/jobs), so a restart
// continues with the items not yet done.
// - bulk_jobs: who asked (actor_*, user_id: whose permission is checked again per document), what
//   (kind, action, format), progress counters, and the result file (a ZIP or CSV in stored_files).
// - bulk_items: 'pending' → 'done' | 'failed' (error_code, error_message); a sending passes
//   through 'sending', so a runner that died mid-send is recognised and never sends again.
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('bulk_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('format', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('done_count', 'integer', (c) => c.notNull())
    .addColumn('failed_count', 'integer', (c) => c.notNull())
    .addColumn('result_file_id', 'text', (c) => c.references('stored_files.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('bulk_jobs_org').on('bulk_jobs').columns(['org_id', 'created_at']).execute();
  await db.schema
    .createTable('bulk_items')
    .addColumn('job_id', 'text', (c) => c.notNull().references('bulk_jobs.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('number', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bulk_items_pk', ['job_id', 'seq'])
    .execute();
  await db.schema.createIndex('bulk_items_status').on('bulk_items').columns(['job_id', 'status']).execute();
}
