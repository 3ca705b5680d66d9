// The SQL behind the dashboard and the reports (issue #13, item 3): every figure is an aggregate
// over the ledger columns (documents' stored totals and balances, payments), grouped by currency
// and exchange rate so the service converts each group exactly once — never a decryption, never a
// row per document in memory. The conditions use the index expressions of migration 0015, and the
// dashboard's aggregates read only the covering indexes of migration 0030, never the table. The
// aggregates are returned as query builders: the service executes them, list-plans.test.ts
// explains them.
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/kysely.ts';
import { OPEN_INVOICE_STATUSES } from '../documents/documents.tables.ts';

const due = sql<number>`total - amount_paid - amount_credited`;
const issueDay = sql<string>`coalesce(issue_date, '')`;
const sum = (e: ReturnType<typeof sql>) => sql<number>`coalesce(sum(${e}), 0)`;

export interface RateGroup {
  currency: string;
  exchange_rate: string;
}

/** Open invoices: what is due and what of it is overdue (due date before `today`), per currency and rate. */
export function receivables(db: Executor, orgId: string, today: string) {
  return db
    .selectFrom('documents')
    .select(['currency', 'exchange_rate'])
    .select([
      sum(due).as('due'),
      sum(sql`case when due_date < ${today} then ${due} else 0 end`).as('overdue'),
      sql<number>`count(*)`.as('open_count'),
      sum(sql`case when due_date < ${today} then 1 else 0 end`).as('overdue_count'),
    ])
    .where('org_id', '=', orgId)
    .where('kind', '=', 'invoice')
    .where('status', 'in', OPEN_INVOICE_STATUSES)
    .groupBy(['currency', 'exchange_rate']);
}

// Issued invoices count with their full total and credit notes against them, so an invoice voided
// (which always issues its cancelling credit note) nets to zero instead of vanishing from history.
const signedKinds = sql<number>`case when kind = 'credit_note' then -1 else 1 end`;

/** Net billed (invoices less credit notes) per month of issue since `from`, per currency and rate. */
export function billedByMonth(db: Executor, orgId: string, from: string) {
  return db
    .selectFrom('documents')
    .select([
      sql<string>`substr(issue_date, 1, 7)`.as('month'),
      'currency',
      'exchange_rate',
      sum(sql`${signedKinds} * total`).as('amount'),
    ])
    .where('org_id', '=', orgId)
    .where('kind', 'in', ['invoice', 'credit_note'])
    .where(issueDay, '>=', from)
    .where('status', '!=', 'draft')
    .groupBy([sql`substr(issue_date, 1, 7)`, 'currency', 'exchange_rate']);
}

/** Money received (payments less refunds) per month since `from`, at the rate of the document paid. */
export function collectedByMonth(db: Executor, orgId: string, from: string) {
  return db
    .selectFrom('payments as p')
    .innerJoin('documents as d', (j) => j.onRef('d.id', '=', 'p.document_id').onRef('d.org_id', '=', 'p.org_id'))
    .select([
      sql<string>`substr(p.received_on, 1, 7)`.as('month'),
      'p.currency',
      'd.exchange_rate',
      sum(sql`case when p.kind = 'refund' then -p.amount else p.amount end`).as('amount'),
    ])
    .where('p.org_id', '=', orgId)
    .where('p.received_on', '>=', from)
    .groupBy([sql`substr(p.received_on, 1, 7)`, 'p.currency', 'd.exchange_rate']);
}

/** Net revenue (invoices less credit notes) per client issued in [from, to], per currency and rate. */
export function revenueByClient(db: Executor, orgId: string, from: string, to: string) {
  const sign = signedKinds;
  return db
    .selectFrom('documents')
    .select([
      'client_id',
      'currency',
      'exchange_rate',
      sum(sql`${sign} * (subtotal - discount_total)`).as('net'),
      sum(sql`${sign} * tax_total`).as('tax'),
      sum(sql`${sign} * total`).as('total'),
      sum(sql`case when kind = 'invoice' then 1 else 0 end`).as('invoices'),
    ])
    .where('org_id', '=', orgId)
    .where('kind', 'in', ['invoice', 'credit_note'])
    .where('status', '!=', 'draft')
    .where(issueDay, '>=', from)
    .where(issueDay, '<=', to)
    .groupBy(['client_id', 'currency', 'exchange_rate']);
}

/**
 * Accounts-receivable aging per client: the open amount by days past due. `bounds` are the due
 * dates that start each bucket: [today, today-30, today-60, today-90] (ISO dates compare as text).
 */
export function agingByClient(db: Executor, orgId: string, bounds: [string, string, string, string]) {
  const [today, d30, d60, d90] = bounds;
  const bucket = (cond: ReturnType<typeof sql>) => sum(sql`case when ${cond} then ${due} else 0 end`);
  return (
    db
      .selectFrom('documents')
      .select([
        'client_id',
        'currency',
        bucket(sql`due_date is null or due_date >= ${today}`).as('current'),
        bucket(sql`due_date < ${today} and due_date >= ${d30}`).as('days_1_30'),
        bucket(sql`due_date < ${d30} and due_date >= ${d60}`).as('days_31_60'),
        bucket(sql`due_date < ${d60} and due_date >= ${d90}`).as('days_61_90'),
        bucket(sql`due_date < ${d90}`).as('days_over_90'),
        sum(due).as('total'),
      ])
      .where('org_id', '=', orgId)
      .where('kind', '=', 'invoice')
      .where('status', 'in', OPEN_INVOICE_STATUSES)
      // Currency first: grouped by client first, SQLite walks documents_client and reads every
      // row instead of the covering documents_open (migration 0030).
      .groupBy(['currency', 'client_id'])
  );
}

/** Payments and refunds received in [from, to], oldest first, at most `limit` rows. */
export function paymentsReceived(db: Executor, orgId: string, from: string, to: string, limit: number) {
  return db
    .selectFrom('payments as p')
    .innerJoin('documents as d', (j) => j.onRef('d.id', '=', 'p.document_id').onRef('d.org_id', '=', 'p.org_id'))
    .select(['p.id', 'p.received_on', 'p.kind', 'p.amount', 'p.currency', 'p.method', 'p.client_id', 'd.number'])
    .where('p.org_id', '=', orgId)
    .where('p.received_on', '>=', from)
    .where('p.received_on', '<=', to)
    .orderBy('p.received_on')
    .orderBy('p.id')
    .limit(limit)
    .execute();
}

/** The latest issued documents and payments, for the dashboard's activity feed. */
export async function recentActivity(db: Executor, orgId: string, limit: number) {
  const documents = await db
    .selectFrom('documents')
    .select(['id', 'kind', 'number', 'client_id', 'currency', 'total', 'issued_at'])
    .where('org_id', '=', orgId)
    .where('issued_at', 'is not', null)
    .orderBy('issued_at', 'desc')
    .limit(limit)
    .execute();
  const payments = await db
    .selectFrom('payments')
    .select(['id', 'kind', 'document_id', 'client_id', 'currency', 'amount', 'created_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return { documents, payments };
}
