// Re-indexing a row reads its tokens, then writes only the difference (platform/search/search.repo.ts).
// With `search_tokens_row` on (org, entity, entity_id) alone, SQLite without statistics preferred
// the primary key, which covers the query but is ordered by token: every read walked all the
// org's tokens (40 ms per document at 10,000 documents). With the token as its last column the
// row index covers the read and the delete of stale tokens by itself, on both databases.
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema.dropIndex('search_tokens_row').execute();
  await db.schema
    .createIndex('search_tokens_row')
    .on('search_tokens')
    .columns(['org_id', 'entity', 'entity_id', 'token'])
    .execute();
}
