// Search over encrypted rows without decrypting the organization (issue #13, item 2; the design
// and what a database reader learns: docs/SECURITY.md, "Search"). A row's terms (search-terms.ts)
// are stored as HMAC-SHA-256 blind indexes under the organization's blind-index key, context
// "search"; a query's terms are hashed the same way and a row matches when it has all of them.
import type { OrgCrypto } from '../crypto/org-crypto.ts';
import type { Executor } from '../db/kysely.ts';
import { queryTerms, termsOf } from './search-terms.ts';
import { replaceSearchTokens, searchMatches, type SearchEntity } from './search.repo.ts';

const CONTEXT = 'search';

/** Writes a row's tokens (in the caller's transaction, with the row). */
export async function indexForSearch(
  tx: Executor,
  crypto: OrgCrypto,
  orgId: string,
  entity: SearchEntity,
  entityId: string,
  texts: Array<string | null | undefined>,
  amounts: number[] = [],
): Promise<void> {
  const tokens = termsOf(texts, amounts).map((t) => crypto.blindIndex(t, CONTEXT));
  await replaceSearchTokens(tx, orgId, entity, entityId, tokens);
}

/** The subquery of ids matching every term of `query`, or null when the query has no term. */
export function searchFilter(ex: Executor, crypto: OrgCrypto, orgId: string, entity: SearchEntity, query: string) {
  const terms = queryTerms(query);
  if (terms.length === 0) return null;
  return searchMatches(
    ex,
    orgId,
    entity,
    terms.map((t) => crypto.blindIndexesAll(t, CONTEXT)),
  );
}

export type { SearchEntity, SearchMatches } from './search.repo.ts';
