// Lists that stay fast at any organization size (issue #13, item 1): one index per offered sort
// of the document lists, matching the ORDER BY and the keyset condition exactly —
// (org_id, kind, <sort key>, id) — so the first page and every next page read only the rows they
// return instead of sorting the organization. Nullable sort columns are indexed as the same
// coalesce(...) expression the query orders by (SQLite and PostgreSQL both index expressions).
// The old (org_id, kind, created_at, id) index matches no sort and goes. Also the indexes of the
// dashboard and reports (issue #13, item 3).
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

// "created" sorts by id (UUIDv7: creation order), so its index ends at id.
const SORT_INDEXES = {
  documents_by_created: sql`org_id, kind, id`,
  documents_by_issue_date: sql`org_id, kind, (coalesce(issue_date, '')), id`,
  documents_by_due_date: sql`org_id, kind, (coalesce(due_date, '')), id`,
  documents_by_number: sql`org_id, kind, (coalesce(number, '')), id`,
  documents_by_total: sql`org_id, kind, total, id`,
  documents_by_outstanding: sql`org_id, kind, (total - amount_paid - amount_credited), id`,
  documents_by_status: sql`org_id, kind, status, id`,
};

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  for (const [name, columns] of Object.entries(SORT_INDEXES)) {
    await sql`create index ${sql.id(name)} on documents (${columns})`.execute(db);
  }
  await db.schema.dropIndex('documents_list').execute();
  // The dashboard and reports (modules/reports): open invoices by status and due date, the
  // activity feed by issue time, payments by the day received and by recording time.
  await db.schema
    .createIndex('documents_open')
    .on('documents')
    .columns(['org_id', 'kind', 'status', 'due_date'])
    .execute();
  await db.schema.createIndex('documents_issued_at').on('documents').columns(['org_id', 'issued_at']).execute();
  await db.schema.createIndex('payments_received').on('payments').columns(['org_id', 'received_on', 'id']).execute();
  await db.schema.createIndex('payments_created').on('payments').columns(['org_id', 'created_at']).execute();
}
