// The search index (issue #13, item 2): one row per (row, term) holding the term's keyed blind
// index, never the term. Owners write their rows' tokens in the transaction that writes the row.
import type { Executor } from '../db/kysely.ts';

export type SearchEntity = 'document' | 'client';

export async function replaceSearchTokens(
  ex: Executor,
  orgId: string,
  entity: SearchEntity,
  entityId: string,
  tokens: string[],
): Promise<void> {
  await ex
    .deleteFrom('search_tokens')
    .where('org_id', '=', orgId)
    .where('entity', '=', entity)
    .where('entity_id', '=', entityId)
    .execute();
  const unique = [...new Set(tokens)];
  for (let i = 0; i < unique.length; i += 500)
    await ex
      .insertInto('search_tokens')
      .values(unique.slice(i, i + 500).map((token) => ({ org_id: orgId, entity, entity_id: entityId, token })))
      .execute();
}

/**
 * The ids of the org's rows that have every one of `termTokens` (each term given as its tokens
 * under every key the org holds: during a key rotation a row may still carry the old key's).
 */
export type SearchMatches = ReturnType<typeof searchMatches>;

export function searchMatches(ex: Executor, orgId: string, entity: SearchEntity, termTokens: string[][]) {
  const all = termTokens.flat();
  // Counting a row's matching tokens counts its matching terms, because a row is indexed under
  // one key at a time (rotation re-indexes it) and tokens of different terms never collide.
  return ex
    .selectFrom('search_tokens')
    .select('entity_id')
    .where('org_id', '=', orgId)
    .where('entity', '=', entity)
    .where('token', 'in', all.length ? all : [''])
    .groupBy('entity_id')
    .having((eb) => eb.fn.count('token'), '=', termTokens.length);
}
