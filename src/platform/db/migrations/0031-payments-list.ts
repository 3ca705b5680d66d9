// The staff-wide payments list (issue #13 item 1): like the document lists, every sort it offers,
// alone or under its indexed filters, has an index matching its ORDER BY and its row-value keyset
// condition exactly, org_id first, so a page reads only the rows it returns at any size of the
// organization. By date, `payments_received` (org_id, received_on, id) from migration 0015
// already matches; the others:
// - by amount: amounts are minor units of their own currency, so "by amount" orders within each
//   currency — (org_id, currency, amount, id); with a currency filter the same index answers the
//   equality and the order;
// - a currency filter sorted by date: (org_id, currency, received_on, id);
// - a client filter (a client's payments), by date and by amount: (org_id, client_id, received_on, id)
//   and (org_id, client_id, currency, amount, id);
// - the refunded amount shown per payment sums the page's refunds by the payment they reverse:
//   (org_id, related_payment_id), partial on refunds: it holds refunds only, so it stays small and a
//   planner never takes it to walk the organization's payments.
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await sql`create index payments_by_amount on payments (org_id, currency, amount, id)`.execute(db);
  await sql`create index payments_by_currency_date on payments (org_id, currency, received_on, id)`.execute(db);
  await sql`create index payments_by_client_date on payments (org_id, client_id, received_on, id)`.execute(db);
  await sql`create index payments_by_client_amount on payments (org_id, client_id, currency, amount, id)`.execute(db);
  await sql`create index payments_refunds_by_payment on payments (org_id, related_payment_id) where kind = 'refund'`.execute(
    db,
  );
}
