import { sql, type SqlBool } from 'kysely';
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
}

/** Newest first, keyset on the time-ordered id. */
export function listClientRows(db: Executor, f: ClientPageFilter): Promise<ClientRow[]> {
  let q = db.selectFrom('clients').selectAll().where('org_id', '=', f.orgId);
  if (!f.includeArchived) q = q.where('archived_at', 'is', null);
  if (f.emailIndexes) q = q.where('email_bidx', 'in', f.emailIndexes.length ? f.emailIndexes : ['-']);
  if (f.afterId) q = q.where('id', '<', f.afterId);
  if (f.search === null) q = q.where(sql<SqlBool>`false`);
  else if (f.search?.kind === 'ids') q = q.where('id', 'in', f.search.ids);
  else for (const c of f.search?.conditions ?? []) q = q.where(c);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
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
