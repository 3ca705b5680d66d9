import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { SearchPlan } from '../../platform/search/search-index.ts';
import type { ClientContactsTable, ClientsTable } from './clients.tables.ts';

export type ClientRow = ClientsTable;
export type ContactRow = ClientContactsTable;

export async function insertClient(db: Executor, row: ClientRow): Promise<void> {
  await db.insertInto('clients').values(row).execute();
}

export function findClient(db: Executor, orgId: string, id: string): Promise<ClientRow | undefined> {
  return db.selectFrom('clients').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function findClientsByIds(db: Executor, orgId: string, ids: string[]): Promise<ClientRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('clients').selectAll().where('org_id', '=', orgId).where('id', 'in', ids).execute();
}

export async function updateClientRow(
  db: Executor,
  orgId: string,
  id: string,
  patch: Partial<Omit<ClientRow, 'id' | 'org_id'>>,
): Promise<void> {
  await db.updateTable('clients').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}

export interface ClientPageFilter {
  orgId: string;
  afterId: string | null;
  limit: number;
  emailIndexes?: string[];
  includeArchived: boolean;
  /** Ids matching a search (platform/search); null: a query without a searchable word, nothing matches. */
  search?: SearchPlan | null;
  /** Oldest first instead of newest first. */
  ascending?: boolean;
}

/** Newest (or oldest) first, keyset on the time-ordered id: index clients_by_created (migration 0029). */
export function listClientRows(db: Executor, f: ClientPageFilter): Promise<ClientRow[]> {
  return clientListQuery(db, f).execute();
}

/** The list query itself, for the plan tests (test/integration/list-plans.test.ts). */
export function clientListQuery(db: Executor, f: ClientPageFilter) {
  let q = db
    .selectFrom('clients')
    .selectAll()
    .where((eb) => whereListed(eb, f));
  if (f.afterId) q = q.where('id', f.ascending ? '>' : '<', f.afterId);
  return q.orderBy('id', f.ascending ? 'asc' : 'desc').limit(f.limit);
}

/** How many clients match, counting at most `cap` + 1 (bounded at any size of the organization). */
export async function countClientRows(db: Executor, f: ClientPageFilter, cap: number): Promise<number> {
  const matching = db
    .selectFrom('clients')
    .select(sql<number>`1`.as('one'))
    .where((eb) => whereListed(eb, f))
    .limit(cap + 1);
  const r = await db
    .selectFrom(matching.as('m'))
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

function whereListed(eb: ExpressionBuilder<DB, 'clients'>, f: ClientPageFilter): Expression<SqlBool> {
  const c: Array<Expression<SqlBool>> = [eb('org_id', '=', f.orgId)];
  if (!f.includeArchived) c.push(eb('archived_at', 'is', null));
  if (f.emailIndexes) c.push(eb('email_bidx', 'in', f.emailIndexes.length ? f.emailIndexes : ['-']));
  if (f.search === null) c.push(sql<SqlBool>`false`);
  else if (f.search?.kind === 'ids') c.push(eb('id', 'in', f.search.ids));
  else c.push(...(f.search?.conditions ?? []));
  return eb.and(c);
}

export async function insertContact(db: Executor, row: ContactRow): Promise<void> {
  await db.insertInto('client_contacts').values(row).execute();
}

export function findContacts(db: Executor, orgId: string, clientId: string): Promise<ContactRow[]> {
  return db
    .selectFrom('client_contacts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .orderBy('id')
    .execute();
}

export function findContact(
  db: Executor,
  orgId: string,
  clientId: string,
  id: string,
): Promise<ContactRow | undefined> {
  return db
    .selectFrom('client_contacts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteContact(db: Executor, orgId: string, clientId: string, id: string): Promise<number> {
  const r = await db
    .deleteFrom('client_contacts')
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export function findContactsByEmailIndex(db: Executor, orgId: string, indexes: string[]): Promise<ContactRow[]> {
  if (indexes.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('client_contacts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('email_bidx', 'in', indexes)
    .execute();
}

/** Every contact of an org (the data export), oldest first. */
export function listOrgContacts(db: Executor, orgId: string): Promise<ContactRow[]> {
  return db.selectFrom('client_contacts').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
}

/** Rows written before search existed (migration 0020), oldest first, for the worker to index. */
export function listUnindexedClientIds(ex: Executor, limit: number): Promise<Array<{ id: string; org_id: string }>> {
  return ex
    .selectFrom('clients as r')
    .select(['r.id', 'r.org_id'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('search_tokens as s')
            .select('s.entity_id')
            .whereRef('s.org_id', '=', 'r.org_id')
            .where('s.entity', '=', 'client')
            .whereRef('s.entity_id', '=', 'r.id'),
        ),
      ),
    )
    .orderBy('r.id')
    .limit(limit)
    .execute();
}

export function listOrgClientIds(ex: Executor, orgId: string): Promise<Array<{ id: string }>> {
  return ex.selectFrom('clients').select('id').where('org_id', '=', orgId).orderBy('id').execute();
}
