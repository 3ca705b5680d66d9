// The org's known email domains (migrations 0025, 0034): the clients module's queries on
// client_domains, client_domain_seq and client_domain_orgs. Every query is bounded by an index on
// org_id first.
import type { Executor } from '../../platform/db/kysely.ts';
import type { ClientDomainsTable } from './clients.tables.ts';

const nonEmpty = (xs: string[]) => (xs.length ? xs : ['']);

export function listClientDomains(
  ex: Executor,
  orgId: string,
  clientId: string,
): Promise<Array<Pick<ClientDomainsTable, 'id' | 'domain_bidx'>>> {
  return ex
    .selectFrom('client_domains')
    .select(['id', 'domain_bidx'])
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .execute();
}

export async function insertClientDomain(ex: Executor, row: ClientDomainsTable): Promise<void> {
  await ex
    .insertInto('client_domains')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'client_id', 'domain_bidx']).doNothing())
    .execute();
}

export async function deleteClientDomains(
  ex: Executor,
  orgId: string,
  clientId: string,
  domainBidxs: string[],
): Promise<void> {
  await ex
    .deleteFrom('client_domains')
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .where('domain_bidx', 'in', nonEmpty(domainBidxs))
    .execute();
}

/** Whether any client of the org has a domain with one of these blind indexes (one index probe). */
export async function isDomainKnown(ex: Executor, orgId: string, domainBidxs: string[]): Promise<boolean> {
  const r = await ex
    .selectFrom('client_domains')
    .select('id')
    .where('org_id', '=', orgId)
    .where('domain_bidx', 'in', nonEmpty(domainBidxs))
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * The next seq of the org's domain rows (migration 0034), in the caller's transaction. The upsert
 * takes the counter row's lock, held until the transaction ends (client-domains.ts: why that
 * makes seqs visible in commit order). Same statement on SQLite and PostgreSQL.
 */
export async function takeDomainSeq(ex: Executor, orgId: string): Promise<number> {
  const r = await ex
    .insertInto('client_domain_seq')
    .values({ org_id: orgId, seq: 1 })
    .onConflict((oc) => oc.column('org_id').doUpdateSet({ seq: (eb) => eb('client_domain_seq.seq', '+', 1) }))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(r.seq);
}

/** The org's domain rows written after `afterSeq`, in seq order (the (org_id, seq) index). */
export function listClientDomainsAfter(
  ex: Executor,
  orgId: string,
  afterSeq: number,
  limit: number,
): Promise<Array<Pick<ClientDomainsTable, 'id' | 'seq' | 'domain_bidx' | 'domain_enc'>>> {
  return ex
    .selectFrom('client_domains')
    .select(['id', 'seq', 'domain_bidx', 'domain_enc'])
    .where('org_id', '=', orgId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function isOrgDomainIndexed(ex: Executor, orgId: string): Promise<boolean> {
  const r = await ex.selectFrom('client_domain_orgs').select('org_id').where('org_id', '=', orgId).executeTakeFirst();
  return r !== undefined;
}

export async function markOrgDomainIndexed(ex: Executor, orgId: string, at: string): Promise<void> {
  await ex
    .insertInto('client_domain_orgs')
    .values({ org_id: orgId, indexed_at: at })
    .onConflict((oc) => oc.column('org_id').doNothing())
    .execute();
}

/** Organizations with clients written before migration 0025, for the worker to index. */
export async function listDomainUnindexedOrgs(ex: Executor, limit: number): Promise<string[]> {
  const rows = await ex
    .selectFrom('clients as c')
    .select('c.org_id')
    .distinct()
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('client_domain_orgs as o').select('o.org_id').whereRef('o.org_id', '=', 'c.org_id'))),
    )
    .limit(limit)
    .execute();
  return rows.map((r) => r.org_id);
}
