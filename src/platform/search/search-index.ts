// Search over encrypted rows without decrypting the organization (issue #13, item 2; the design
// and what a database reader learns: docs/SECURITY.md, "Search"). A row's terms (search-terms.ts)
// are stored as HMAC-SHA-256 blind indexes under the organization's blind-index key, context
// "search"; a query's terms are hashed the same way and a row matches when it has all of them.
import type { OrgCrypto } from '../crypto/org-crypto.ts';
import type { Executor } from '../db/kysely.ts';
import { queryTerms, termsOf } from './search-terms.ts';
import { countUpTo, hasTerm, replaceSearchTokens, searchMatches, type SearchEntity } from './search.repo.ts';

const CONTEXT = 'search';
/** Up to this many matches of the rarest term, the list reads them; above, it probes its own order. */
const SELECTIVE = 2000;
/**
 * A list counts a search's matches (one probe each) only up to this many matches of its rarest
 * term; above, the count would grow with the organization while the page itself does not.
 */
export const SEARCH_COUNT_MAX = 250;

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

/**
 * How a list applies a search: `ids` (a subquery of the matching ids, driven by the rarest term)
 * when some term is rare, else `probe` (the list walks its own order and probes each term by
 * primary key, so a page of a common word stops after a page); null when the query has no term.
 */
export type SearchPlan =
  | { kind: 'ids'; ids: ReturnType<typeof searchMatches>; matches: number }
  | { kind: 'probe'; conditions: Array<ReturnType<typeof hasTerm>> };

export async function searchFilter(
  ex: Executor,
  crypto: OrgCrypto,
  orgId: string,
  entity: SearchEntity,
  query: string,
  idRef: string,
): Promise<SearchPlan | null> {
  const terms = queryTerms(query).map((t) => crypto.blindIndexesAll(t, CONTEXT));
  if (terms.length === 0) return null;
  const counts = await Promise.all(terms.map((tokens) => countUpTo(ex, orgId, entity, tokens, SELECTIVE + 1)));
  const order = terms.map((tokens, i) => ({ tokens, n: counts[i]! })).sort((a, b) => a.n - b.n);
  if (order[0]!.n <= SELECTIVE)
    return {
      kind: 'ids',
      matches: order[0]!.n,
      ids: searchMatches(
        ex,
        orgId,
        entity,
        order.map((o) => o.tokens),
      ),
    };
  return { kind: 'probe', conditions: order.map((o) => hasTerm(orgId, entity, o.tokens, idRef)) };
}

export type { SearchEntity } from './search.repo.ts';
