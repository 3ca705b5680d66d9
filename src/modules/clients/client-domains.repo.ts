// The look-alike domain index (migration 0025): the clients module's queries on client_domains,
// client_domain_tokens and client_domain_orgs. Every query is bounded by an index on org_id first.
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

export async function insertDomainTokens(
  ex: Executor,
  orgId: string,
  domainBidx: string,
  tokens: string[],
): Promise<void> {
  const unique = [...new Set(tokens)];
  for (let i = 0; i < unique.length; i += 500)
    await ex
      .insertInto('client_domain_tokens')
      .values(unique.slice(i, i + 500).map((token) => ({ org_id: orgId, token, domain_bidx: domainBidx })))
      .onConflict((oc) => oc.columns(['org_id', 'token', 'domain_bidx']).doNothing())
      .execute();
}

/** Drops a domain's tokens once no client of the org has that domain any more. */
export async function deleteOrphanDomainTokens(ex: Executor, orgId: string, domainBidx: string): Promise<void> {
  await ex
    .deleteFrom('client_domain_tokens')
    .where('org_id', '=', orgId)
    .where('domain_bidx', '=', domainBidx)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('client_domains').select('id').where('org_id', '=', orgId).where('domain_bidx', '=', domainBidx),
        ),
      ),
    )
    .execute();
}

/**
 * One sealed row per distinct known domain that has one of `tokens` (the look-alike candidates):
 * the token index finds the domains, and the (org, domain, id) index picks one row of each.
 */
export function findDomainsByTokens(
  ex: Executor,
  orgId: string,
  tokens: string[],
): Promise<Array<Pick<ClientDomainsTable, 'id' | 'domain_enc'>>> {
  return ex
    .selectFrom('client_domains')
    .select(['id', 'domain_enc'])
    .where('org_id', '=', orgId)
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('client_domains as d')
        .select((e) => e.fn.min('d.id').as('id'))
        .where('d.org_id', '=', orgId)
        .where('d.domain_bidx', 'in', (e2) =>
          e2
            .selectFrom('client_domain_tokens as t')
            .select('t.domain_bidx')
            .where('t.org_id', '=', orgId)
            .where('t.token', 'in', nonEmpty(tokens)),
        )
        .groupBy('d.domain_bidx'),
    )
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
