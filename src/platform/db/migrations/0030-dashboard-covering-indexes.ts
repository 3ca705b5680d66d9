// The dashboard under 50 ms at 100,000 invoices (issue #13): its aggregates read only index
// entries, never the documents' rows (which carry the encrypted bodies, ~8 KB each: a scan of the
// table at 100k reads ~800 MB). Two of migration 0015's indexes get the columns the aggregates
// sum and group by, after the columns their lists and filters already use, so they keep serving
// those too:
// - documents_by_issue_date (the list sorted by issue date, keyset on id) also covers billed per
//   month and revenue per client (status, currency, rate, client, amounts, the raw issue_date);
// - documents_open (open invoices by status and due date) also covers what is due and overdue and
//   the aging report (currency, client, rate, amounts).
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

const ISSUE_DATE = sql`org_id, kind, (coalesce(issue_date, '')), id, status, currency, exchange_rate, client_id, total, subtotal, discount_total, tax_total, issue_date`;
const OPEN = sql`org_id, kind, status, due_date, currency, client_id, exchange_rate, total, amount_paid, amount_credited`;

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema.dropIndex('documents_by_issue_date').execute();
  await sql`create index documents_by_issue_date on documents (${ISSUE_DATE})`.execute(db);
  await db.schema.dropIndex('documents_open').execute();
  await sql`create index documents_open on documents (${OPEN})`.execute(db);
}
