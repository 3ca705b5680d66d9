// Search over encrypted data (issue #13, item 2): the keyed blind-index tokens of each searchable
// row's terms. The primary key serves the search (org, entity, token → rows); the second index
// serves re-indexing a row. Rows written before this migration are indexed by the worker.
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('search_tokens')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_tokens_pk', ['org_id', 'entity', 'token', 'entity_id'])
    .execute();
  await db.schema
    .createIndex('search_tokens_row')
    .on('search_tokens')
    .columns(['org_id', 'entity', 'entity_id'])
    .execute();
}
