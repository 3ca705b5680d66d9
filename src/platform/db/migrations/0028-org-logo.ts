// The organization's logo (issue #13 item 7): the image itself is a stored file (stored_files,
// sealed under the org's document key like every stored document); the org row says which one
// and what it is (JSON: file id, SHA-256, type, pixel size, size, time set). Null: no logo.
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema.alterTable('orgs').addColumn('logo', 'text').execute();
}
