// The dashboard's "collected per month" at volume (issue #13 item 3): it sums the last 12 months
// of payments, each converted at the rate of the document it paid. It read every such payment's
// row and, through the join, every paid document's row (~8 KB each with its encrypted body): ~77 ms
// with 100,000 paid invoices, over the 50 ms target. Two covering indexes let both databases
// answer it from index entries alone (list-plans.test.ts checks the plans):
// - payments_collected (org_id, received_on, currency, kind, amount, document_id): the range of
//   months and everything the sum needs;
// - documents_rate (id, org_id, exchange_rate): the paid document's rate by its id.
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await sql`create index payments_collected on payments (org_id, received_on, currency, kind, amount, document_id)`.execute(
    db,
  );
  await sql`create index documents_rate on documents (id, org_id, exchange_rate)`.execute(db);
}
