// Reminder documents are verifiable like any issued document (issue #15 item 1): the SHA-256 of
// the signed PDF kept on the reminder row, indexed, so the public verification page finds an
// uploaded reminder by its exact bytes. Rows written before take it from their stored file.
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema.alterTable('dunning_reminders').addColumn('pdf_sha256', 'text').execute();
  await sql`UPDATE dunning_reminders SET pdf_sha256 = (SELECT f.sha256 FROM stored_files f WHERE f.id = dunning_reminders.file_id) WHERE file_id IS NOT NULL`.execute(
    db,
  );
  await db.schema.createIndex('dunning_reminders_pdf').on('dunning_reminders').columns(['pdf_sha256']).execute();
}
