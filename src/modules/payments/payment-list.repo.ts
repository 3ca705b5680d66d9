// The staff-wide payments list (issue #13 item 1), modelled on the document lists (document.repo.ts):
// ORDER BY and the keyset condition use exactly the columns of an index (migrations 0015 and 0031),
// the next-page condition is a row-value comparison (the OR form degrades to a full sort on
// PostgreSQL once its parameters are bound), and the page selects the columns the list shows only:
// never `reference_enc`, which the list does not display.
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Executor } from '../../platform/db/kysely.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { Cursor, CursorValue } from '../../platform/http/pagination.ts';
import type { PaymentsTable } from './payments.tables.ts';
import type { PAYMENT_STATUSES } from './payment.schemas.ts';

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * What each sort orders by. "date" is the day the money was received (or paid out, for a refund):
 * `payments_received` (org_id, received_on, id). "amount" orders within each currency, since
 * minor units of different currencies do not compare: `payments_by_amount` (org_id, currency,
 * amount, id) — with a currency filter, simply by amount.
 */
const SORT_KEYS = {
  date: [sql.ref<string>('received_on')],
  amount: [sql.ref<string>('currency'), sql.ref<number>('amount')],
} as const;
export type PaymentSortKey = keyof typeof SORT_KEYS;

/** What a cursor holds for each sort, so a crafted cursor is refused before the query. */
export const PAYMENT_CURSOR_VALUES: Record<PaymentSortKey, CursorValue> = {
  date: 'date',
  amount: 'currency_integer',
};

export interface PaymentListFilter {
  orgId: string;
  clientId?: string;
  currency?: string;
  from?: string;
  to?: string;
  method?: string;
  kind?: 'payment' | 'refund';
  status?: PaymentStatus;
}

export interface PaymentPageFilter extends PaymentListFilter {
  sort: PaymentSortKey;
  desc: boolean;
  cursor: Cursor | null;
  limit: number;
}

/** The columns the list shows (plus the sort keys): no encrypted column. */
const LIST_COLUMNS = [
  'id',
  'kind',
  'document_id',
  'client_id',
  'amount',
  'currency',
  'method',
  'received_on',
  'provider',
] as const;
export type PaymentListRow = Pick<PaymentsTable, (typeof LIST_COLUMNS)[number]>;

export function paymentSortValue(row: PaymentListRow, sort: PaymentSortKey): Cursor['v'] {
  return sort === 'amount' ? [row.currency, Number(row.amount)] : row.received_on;
}

/** The list query itself, for the plan tests (test/integration/list-plans.test.ts). */
export function paymentListQuery(db: Executor, f: PaymentPageFilter) {
  const q = db
    .selectFrom('payments')
    .select(LIST_COLUMNS)
    .where((eb) => whereListed(eb, f));
  const dir = f.desc ? 'desc' : 'asc';
  const op = sql.raw(f.desc ? '<' : '>');
  const keys: ReadonlyArray<Expression<string | number>> = SORT_KEYS[f.sort];
  const values = f.cursor ? cursorValues(f.sort, f.cursor) : null;
  const paged =
    f.cursor && values
      ? q.where(sql<SqlBool>`(${sql.join([...keys, sql.ref('id')])}) ${op} (${sql.join([...values, f.cursor.id])})`)
      : q;
  let ordered = paged;
  for (const k of keys) ordered = ordered.orderBy(k, dir);
  return ordered.orderBy('id', dir).limit(f.limit);
}

function cursorValues(sort: PaymentSortKey, c: Cursor): Array<string | number> {
  if (sort === 'amount') {
    const [currency, amount] = Array.isArray(c.v) ? c.v : ['', 0];
    return [currency, amount];
  }
  return [typeof c.v === 'string' ? c.v : ''];
}

export function listPaymentListRows(db: Executor, f: PaymentPageFilter): Promise<PaymentListRow[]> {
  return paymentListQuery(db, f).execute();
}

/**
 * How many payments match a list's filter, counting at most `cap` + 1 of them: the count reads the
 * matching index entries and stops there (the list shows "10,000+" above the cap).
 */
export function paymentCountQuery(db: Executor, f: PaymentListFilter, cap: number) {
  const matching = db
    .selectFrom('payments')
    .select(sql<number>`1`.as('one'))
    .where((eb) => whereListed(eb, f))
    .limit(cap + 1);
  return db.selectFrom(matching.as('m')).select((eb) => eb.fn.countAll<number | string | bigint>().as('n'));
}

export async function countPaymentListRows(db: Executor, f: PaymentListFilter, cap: number): Promise<number> {
  const r = await paymentCountQuery(db, f, cap).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The filter conditions of the list, shared by the page and its count. */
function whereListed(eb: ExpressionBuilder<DB, 'payments'>, f: PaymentListFilter): Expression<SqlBool> {
  const c: Array<Expression<SqlBool>> = [eb('org_id', '=', f.orgId)];
  if (f.clientId) c.push(eb('client_id', '=', f.clientId));
  if (f.currency) c.push(eb('currency', '=', f.currency));
  if (f.from) c.push(eb('received_on', '>=', f.from));
  if (f.to) c.push(eb('received_on', '<=', f.to));
  if (f.method) c.push(eb('method', '=', f.method));
  if (f.kind) c.push(eb('kind', '=', f.kind));
  if (f.status) c.push(statusIs(eb, f.status));
  return eb.and(c);
}

/**
 * A status as a condition on the row, the same rule as the list's `statusOf` (payment-list.service.ts):
 * a refund is paid_out; a payment is received until something is refunded against it, then
 * partially_refunded, and refunded once its refunds reach its amount. The refunds are summed per
 * row from the partial index payments_refunds_by_payment (`kind = 'refund'` as a literal, as in
 * `refundedQuery`), so the list still walks its sort's index and probes each row it passes.
 */
function statusIs(eb: ExpressionBuilder<DB, 'payments'>, status: PaymentStatus): Expression<SqlBool> {
  if (status === 'paid_out') return eb('kind', '=', 'refund');
  const back = sql<number>`coalesce((${eb
    .selectFrom('payments as r')
    .select((r) => r.fn.sum<number>('r.amount').as('s'))
    .whereRef('r.org_id', '=', 'payments.org_id')
    .whereRef('r.related_payment_id', '=', 'payments.id')
    .where(sql<SqlBool>`r.kind = 'refund'`)}), 0)`;
  const c = [eb('kind', '=', 'payment')];
  if (status === 'received') c.push(eb(back, '<=', 0));
  else c.push(eb(back, '>', 0), eb(back, status === 'refunded' ? '>=' : '<', eb.ref('payments.amount')));
  return eb.and(c);
}

/**
 * The refunds of a page's payments, summed per payment. `kind = 'refund'` is written as a literal,
 * not a bound parameter: only then can SQLite and PostgreSQL prove the query is within the partial
 * index payments_refunds_by_payment (migration 0031).
 */
export function refundedQuery(db: Executor, orgId: string, paymentIds: string[]) {
  return db
    .selectFrom('payments')
    .select(['related_payment_id', (eb) => eb.fn.sum<number | string>('amount').as('amount')])
    .where('org_id', '=', orgId)
    .where('related_payment_id', 'in', paymentIds)
    .where(sql<SqlBool>`kind = 'refund'`)
    .groupBy('related_payment_id');
}

export async function refundedAmounts(db: Executor, orgId: string, paymentIds: string[]): Promise<Map<string, number>> {
  if (paymentIds.length === 0) return new Map();
  const rows = await refundedQuery(db, orgId, paymentIds).execute();
  return new Map(rows.flatMap((r) => (r.related_payment_id ? [[r.related_payment_id, Number(r.amount)]] : [])));
}
