// The search index (issue #13, item 2): one row per (row, term) holding the term's keyed blind
// index, never the term. Owners write their rows' tokens in the transaction that writes the row.
import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../db/kysely.ts';

export type SearchEntity = 'document' | 'client';

/**
 * Makes the row's tokens exactly `tokens`. Only the difference is written: issuing a draft adds
 * its number's few terms to the ~100 it already has, and rewriting them all cost more than the
 * rest of issuing (each token is a random place in the primary key, so a batch of documents
 * dirtied thousands of pages per commit).
 */
export async function replaceSearchTokens(
  ex: Executor,
  orgId: string,
  entity: SearchEntity,
  entityId: string,
  tokens: string[],
): Promise<void> {
  const wanted = new Set(tokens);
  const present = new Set(
    (
      await ex
        .selectFrom('search_tokens')
        .select('token')
        .where('org_id', '=', orgId)
        .where('entity', '=', entity)
        .where('entity_id', '=', entityId)
        .execute()
    ).map((r) => r.token),
  );
  const stale = [...present].filter((t) => !wanted.has(t));
  const added = [...wanted].filter((t) => !present.has(t));
  for (let i = 0; i < stale.length; i += 500)
    await ex
      .deleteFrom('search_tokens')
      .where('org_id', '=', orgId)
      .where('entity', '=', entity)
      .where('entity_id', '=', entityId)
      .where('token', 'in', stale.slice(i, i + 500))
      .execute();
  for (let i = 0; i < added.length; i += 500)
    await ex
      .insertInto('search_tokens')
      .values(added.slice(i, i + 500).map((token) => ({ org_id: orgId, entity, entity_id: entityId, token })))
      .execute();
}

const nonEmpty = (tokens: string[]) => (tokens.length ? tokens : ['']);

/** How many rows hold one of `tokens`, counted up to `cap` (an index range, never more than cap rows). */
export async function countUpTo(
  ex: Executor,
  orgId: string,
  entity: SearchEntity,
  tokens: string[],
  cap: number,
): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from (select 1 from search_tokens
    where org_id = ${orgId} and entity = ${entity} and token in (${sql.join(nonEmpty(tokens))}) limit ${cap}) x`.execute(
    ex,
  );
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * The ids of the org's rows that have every one of `termTokens` (each term given as its tokens
 * under every key the org holds: during a key rotation a row may still carry the old key's).
 * The first term drives the scan and the others are probed through the primary key, so the
 * caller puts the rarest term first.
 */
export function searchMatches(ex: Executor, orgId: string, entity: SearchEntity, termTokens: string[][]) {
  const [first = [''], ...rest] = termTokens;
  let q = ex
    .selectFrom('search_tokens as s0')
    .select('s0.entity_id')
    .where('s0.org_id', '=', orgId)
    .where('s0.entity', '=', entity)
    .where('s0.token', 'in', nonEmpty(first));
  for (const tokens of rest) q = q.where(hasTerm(orgId, entity, tokens, 's0.entity_id'));
  return q;
}

/** The row whose id is `idRef` holds one of `tokens` (one primary-key probe). */
export function hasTerm(orgId: string, entity: SearchEntity, tokens: string[], idRef: string) {
  return sql<SqlBool>`exists (select 1 from search_tokens st where st.org_id = ${orgId} and st.entity = ${entity}
    and st.token in (${sql.join(nonEmpty(tokens))}) and st.entity_id = ${sql.ref(idRef)})`;
}

export type SearchMatches = ReturnType<typeof searchMatches>;
