import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { SearchPlan } from '../../platform/search/search-index.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { DocumentKind, DocumentsTable } from './documents.tables.ts';
import type { Cursor, CursorValue } from '../../platform/http/pagination.ts';

export type DocumentRow = DocumentsTable;

export async function insertDocument(db: Executor, row: DocumentRow): Promise<void> {
  await db.insertInto('documents').values(row).execute();
}

export function findDocument(
  db: Executor,
  orgId: string,
  id: string,
  kind?: DocumentKind,
): Promise<DocumentRow | undefined> {
  let q = db.selectFrom('documents').selectAll().where('org_id', '=', orgId).where('id', '=', id);
  if (kind) q = q.where('kind', '=', kind);
  return q.executeTakeFirst();
}

/**
 * Reads a document under a row lock held until the transaction ends, for read-modify-write of its
 * status and balances. The lock is a no-op UPDATE (a row lock on PostgreSQL, where READ COMMITTED
 * would otherwise let two writers compute from the same stale balance; SQLite has one writer
 * already) that returns the row: on PostgreSQL an UPDATE that waited for another writer's lock
 * re-reads the row it then locks, so the row returned is the latest committed one. Lock order:
 * document rows, then the number sequence row, then the audit chain.
 */
export async function lockDocument(
  db: Executor,
  orgId: string,
  id: string,
  kind?: DocumentKind,
): Promise<DocumentRow | undefined> {
  let q = db
    .updateTable('documents')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('org_id', '=', orgId)
    .where('id', '=', id);
  if (kind) q = q.where('kind', '=', kind);
  return q.returningAll().executeTakeFirst();
}

/** The documents of a kind that already carry one of these numbers (an import refuses to reuse them). */
export async function findTakenNumbers(
  db: Executor,
  orgId: string,
  kind: DocumentKind,
  numbers: string[],
): Promise<string[]> {
  if (numbers.length === 0) return [];
  const rows = await db
    .selectFrom('documents')
    .select('number')
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where('number', 'in', numbers)
    .execute();
  return rows.flatMap((r) => (r.number === null ? [] : [r.number]));
}

export async function updateDocumentRow(
  db: Executor,
  orgId: string,
  id: string,
  patch: Partial<Omit<DocumentRow, 'id' | 'org_id'>>,
): Promise<void> {
  await db.updateTable('documents').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** Compare-and-set on status: the update happens only if the row is still in `from`. */
export async function transitionStatus(
  db: Executor,
  orgId: string,
  id: string,
  from: string[],
  patch: Partial<DocumentRow>,
): Promise<boolean> {
  const r = await db
    .updateTable('documents')
    .set(patch)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteDraft(db: Executor, orgId: string, id: string): Promise<number> {
  const r = await db
    .deleteFrom('documents')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Whether the org has issued any invoice (drafts excluded; voided ones count: clients saw them). */
/** Which of `ids` are documents of this kind in the org (with their numbers); other ids are absent. */
export async function findDocumentNumbers(
  db: Executor,
  orgId: string,
  kind: DocumentKind,
  ids: string[],
): Promise<Array<{ id: string; number: string | null }>> {
  const out: Array<{ id: string; number: string | null }> = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('documents')
      .select(['id', 'number'])
      .where('org_id', '=', orgId)
      .where('kind', '=', kind)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    out.push(...rows);
  }
  return out;
}

export async function hasIssuedInvoice(db: Executor, orgId: string): Promise<boolean> {
  const row = await db
    .selectFrom('documents')
    .select('id')
    .where('org_id', '=', orgId)
    .where('kind', '=', 'invoice')
    .where('issued_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export function findCreditNotesFor(db: Executor, orgId: string, invoiceId: string): Promise<DocumentRow[]> {
  return db
    .selectFrom('documents')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('kind', '=', 'credit_note')
    .where('related_document_id', '=', invoiceId)
    .execute();
}

/**
 * What each list sort orders by: exactly the expression of its documents_by_* index (migration
 * 0015), so the index answers the ORDER BY and the keyset condition. Nullable text columns sort as
 * '' so the keyset comparison is total; "created" is the id (UUIDv7: creation order).
 */
const SORT_KEYS = {
  created: sql<string>`id`,
  issue_date: sql<string>`coalesce(issue_date, '')`,
  due_date: sql<string>`coalesce(due_date, '')`,
  number: sql<string>`coalesce(number, '')`,
  total: sql<number>`total`,
  outstanding: sql<number>`(total - amount_paid - amount_credited)`,
  status: sql<string>`status`,
  // Grouped by client, clients in creation order: names are encrypted and no sortable form of
  // them is stored (docs/DECISIONS.md D16). Index documents_by_client (migration 0029).
  client: sql<string>`client_id`,
} as const;
export type SortKey = keyof typeof SORT_KEYS;

/** What sortValue puts in a cursor for each sort, so a crafted cursor is refused before the query. */
export const SORT_CURSOR_VALUES: Record<SortKey, CursorValue> = {
  created: 'id',
  issue_date: 'date',
  due_date: 'date',
  number: 'text',
  total: 'integer',
  outstanding: 'integer',
  status: 'text',
  client: 'id',
};

export interface DocumentFilter {
  orgId: string;
  kind: DocumentKind;
  statuses?: string[];
  overdueBefore?: string;
  clientId?: string;
  from?: string;
  to?: string;
  number?: string;
  currency?: string;
  minTotal?: number;
  maxTotal?: number;
  /** Ids matching a search (platform/search); null: a query without a searchable word, nothing matches. */
  search?: SearchPlan | null;
  sort: SortKey;
  desc: boolean;
  cursor: Cursor | null;
  limit: number;
}

/** The columns a list shows: never the encrypted body (a list must not decrypt what it does not display). */
const SUMMARY_COLUMNS = [
  'id',
  'kind',
  'status',
  'number',
  'client_id',
  'currency',
  'issue_date',
  'due_date',
  'total',
  'amount_paid',
  'amount_credited',
  'created_at',
  'imported_at',
] as const;
export type DocumentSummaryRow = Pick<DocumentRow, (typeof SUMMARY_COLUMNS)[number]>;

export function sortValue(row: DocumentSummaryRow, sort: SortKey): string | number {
  switch (sort) {
    case 'created':
      return row.id;
    case 'total':
      return Number(row.total);
    case 'outstanding':
      return Number(row.total) - Number(row.amount_paid) - Number(row.amount_credited);
    case 'status':
      return row.status;
    case 'client':
      return row.client_id;
    default:
      return row[sort] ?? '';
  }
}

/**
 * One page of a document list. ORDER BY and the keyset condition use exactly the expressions of
 * the documents_by_* indexes (migration 0015), and the condition is a row-value comparison: the
 * equivalent OR form degrades to a full sort once its parameters are bound.
 */
export function listDocumentRows(db: Executor, f: DocumentFilter): Promise<DocumentSummaryRow[]> {
  return documentListQuery(db, f).execute();
}

/** The list query itself, for the plan tests (test/integration/list-plans.test.ts). */
export function documentListQuery(db: Executor, f: DocumentFilter) {
  const q = db
    .selectFrom('documents')
    .select(SUMMARY_COLUMNS)
    .where((eb) => whereListed(eb, f));
  const dir = f.desc ? 'desc' : 'asc';
  const op = sql.raw(f.desc ? '<' : '>');
  if (f.sort === 'created' && f.search?.kind === 'ids') {
    // A search newest (or oldest) first is driven by the rarest term's index entries, which are
    // ordered by row id: the page stops after `limit` matches instead of collecting every match
    // of the term and sorting them (a term a thousand invoices share costs a page, not a thousand).
    // CROSS JOIN: SQLite keeps this join order whatever its statistics say (PostgreSQL plans it by cost).
    const driven = db
      .selectFrom(f.search.ids.as('m'))
      .crossJoin('documents')
      .whereRef('documents.id', '=', 'm.entity_id')
      .select(SUMMARY_COLUMNS)
      .where((eb) => whereListed(eb, { ...f, search: undefined }));
    return (f.cursor ? driven.where(sql<SqlBool>`m.entity_id ${op} ${f.cursor.id}`) : driven)
      .orderBy('m.entity_id', dir)
      .limit(f.limit);
  }
  if (f.sort === 'created') {
    if (f.cursor)
      return q
        .where(sql<SqlBool>`id ${op} ${f.cursor.id}`)
        .orderBy('id', dir)
        .limit(f.limit);
    return q.orderBy('id', dir).limit(f.limit);
  }
  const key: Expression<string | number> = SORT_KEYS[f.sort];
  const paged = f.cursor ? q.where(sql<SqlBool>`(${key}, id) ${op} (${f.cursor.v ?? ''}, ${f.cursor.id})`) : q;
  return paged.orderBy(key, dir).orderBy('id', dir).limit(f.limit);
}

/**
 * How many documents match a list's filter, counting at most `cap` + 1 of them: the count reads
 * the matching index entries and stops there, so it costs at most `cap` rows at any size of the
 * organization (the list shows "10,000+" above the cap).
 */
export function documentCountQuery(db: Executor, f: ListFilter, cap: number) {
  const matching = db
    .selectFrom('documents')
    .select(sql<number>`1`.as('one'))
    .where((eb) => whereListed(eb, f))
    .limit(cap + 1);
  return db.selectFrom(matching.as('m')).select((eb) => eb.fn.countAll<number | string | bigint>().as('n'));
}

export async function countDocumentRows(db: Executor, f: ListFilter, cap: number): Promise<number> {
  const r = await documentCountQuery(db, f, cap).executeTakeFirstOrThrow();
  return Number(r.n);
}

type ListFilter = Omit<DocumentFilter, 'sort' | 'desc' | 'cursor' | 'limit'>;

/** The filter conditions of a list, shared by the page and its count. */
function whereListed(eb: ExpressionBuilder<DB, 'documents'>, f: ListFilter): Expression<SqlBool> {
  const c: Array<Expression<SqlBool>> = [eb('org_id', '=', f.orgId), eb('kind', '=', f.kind)];
  if (f.statuses) c.push(eb('status', 'in', f.statuses));
  if (f.overdueBefore) c.push(eb('due_date', '<', f.overdueBefore));
  if (f.clientId) c.push(eb('client_id', '=', f.clientId));
  // Dates are compared as documents_by_issue_date indexes them (coalesce(issue_date, '')), so a
  // month's first page and its count seek that month's index entries instead of walking the
  // organization from its first date. A draft has no date (''): a bound excludes it, as
  // `issue_date <= to` would (null), hence '' as the exclusive lower bound when only `to` is given.
  const issued = sql<string>`coalesce(issue_date, '')`;
  if (f.from) c.push(eb(issued, '>=', f.from));
  else if (f.to) c.push(eb(issued, '>', ''));
  if (f.to) c.push(eb(issued, '<=', f.to));
  if (f.number) c.push(eb('number', '=', f.number));
  if (f.currency) c.push(eb('currency', '=', f.currency));
  if (f.minTotal !== undefined) c.push(eb('total', '>=', f.minTotal));
  if (f.maxTotal !== undefined) c.push(eb('total', '<=', f.maxTotal));
  if (f.search === null) c.push(sql<SqlBool>`false`);
  else if (f.search?.kind === 'ids') c.push(eb('id', 'in', f.search.ids));
  else c.push(...(f.search?.conditions ?? []));
  return eb.and(c);
}

/** Every document of an org in creation order, a page at a time (the data export). */
export function listOrgDocumentRows(
  db: Executor,
  orgId: string,
  afterId: string | null,
  limit: number,
): Promise<DocumentRow[]> {
  let q = db.selectFrom('documents').selectAll().where('org_id', '=', orgId);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

/**
 * Gapless numbering: draws the (org, kind, period) counter's value inside the issuing transaction,
 * in one statement: the first draw of a period creates the counter (drawing 1), later ones
 * increment it under its row lock (held until the transaction ends).
 */
export async function nextSequenceValue(db: Executor, orgId: string, kind: string, period: string): Promise<number> {
  const row = await db
    .insertInto('number_sequences')
    .values({ org_id: orgId, kind, period, next_value: 2 })
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'kind', 'period'])
        .doUpdateSet((eb) => ({ next_value: eb('number_sequences.next_value', '+', 1) })),
    )
    .returning('next_value')
    .executeTakeFirstOrThrow();
  return Number(row.next_value) - 1;
}

/** The value the next number of a series and period will take (1 when none was drawn yet). */
export async function peekSequenceValue(db: Executor, orgId: string, kind: string, period: string): Promise<number> {
  const row = await db
    .selectFrom('number_sequences')
    .select('next_value')
    .where('org_id', '=', orgId)
    .where('kind', '=', kind)
    .where('period', '=', period)
    .executeTakeFirst();
  return row ? Number(row.next_value) : 1;
}

/** Moves a series' counter for one period to `next` (the caller checked it only moves forward). */
export async function setSequenceValue(
  db: Executor,
  orgId: string,
  kind: string,
  period: string,
  next: number,
): Promise<void> {
  await db
    .insertInto('number_sequences')
    .values({ org_id: orgId, kind, period, next_value: next })
    .onConflict((oc) => oc.columns(['org_id', 'kind', 'period']).doUpdateSet({ next_value: next }))
    .execute();
}

/** Rows written before search existed (migration 0020), oldest first, for the worker to index. */
export function listUnindexedDocumentIds(ex: Executor, limit: number): Promise<Array<{ id: string; org_id: string }>> {
  return ex
    .selectFrom('documents as r')
    .select(['r.id', 'r.org_id'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('search_tokens as s')
            .select('s.entity_id')
            .whereRef('s.org_id', '=', 'r.org_id')
            .where('s.entity', '=', 'document')
            .whereRef('s.entity_id', '=', 'r.id'),
        ),
      ),
    )
    .orderBy('r.id')
    .limit(limit)
    .execute();
}
