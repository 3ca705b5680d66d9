// Audit checkpoint key endorsements (issue #10 item 10). Before rotate-org destroys an
// organization's old data key, the checkpoint key derived from the new one signs the old
// checkpoint key's public key; verification trusts an old key only through such a signature,
// never because a row or a log entry inside the database announces it.
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('audit_key_endorsements')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('endorser_public_key', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_key_endorsements_pk', ['org_id', 'public_key', 'endorser_public_key'])
    .execute();
}
