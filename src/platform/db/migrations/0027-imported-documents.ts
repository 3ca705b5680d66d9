// Imported documents (issue #13, item 6): invoices brought over from another program keep their
// original number, dates and status, and are marked with the time they were imported. Sealbill
// neither signed nor hashed them: no stored PDF, no row in document_signatures, no ledger rows;
// the verification pages therefore never vouch for them. The existing unique constraint
// documents_number (org_id, kind, number) refuses an imported number that is already taken.
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema.alterTable('documents').addColumn('imported_at', 'text').execute();
}
