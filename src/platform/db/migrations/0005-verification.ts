// Verifiable invoices: per-org signing identities (X.509 for PAdES/S-MIME, Ed25519 for the
// canonical-JSON signature), one signature record per issued document, and protected payout
// changes (pending requests with a cooling-off period, per-org policy).
// `active_slot` is 1 for the active key and NULL once retired: a unique (org_id, active_slot)
// index then allows exactly one active key per org on both dialects (NULLs never collide).
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('signing_identities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('chain_pem', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('fingerprint_sha256', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('active_slot', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
  await db.schema
    .createIndex('signing_identities_active')
    .unique()
    .on('signing_identities')
    .columns(['org_id', 'active_slot'])
    .execute();

  await db.schema
    .createTable('document_signing_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('key_id', 'text', (c) => c.notNull().unique())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('active_slot', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('retired_at', 'text')
    .execute();
  await db.schema
    .createIndex('document_signing_keys_active')
    .unique()
    .on('document_signing_keys')
    .columns(['org_id', 'active_slot'])
    .execute();

  await db.schema
    .createTable('document_signatures')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('payload_enc', 'text', (c) => c.notNull())
    .addColumn('payload_sha256', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('pdf_sha256', 'text')
    .addColumn('timestamp_token', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('document_signatures_pk', ['org_id', 'document_id'])
    .execute();
  await db.schema.createIndex('document_signatures_pdf').on('document_signatures').columns(['pdf_sha256']).execute();
  await db.schema
    .createIndex('document_signatures_number')
    .on('document_signatures')
    .columns(['org_id', 'number'])
    .execute();
  await db.schema
    .createIndex('document_signatures_fingerprint')
    .on('document_signatures')
    .columns(['fingerprint'])
    .execute();

  await db.schema
    .createTable('payout_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('payout_enc', 'text', (c) => c.notNull())
    .addColumn('ending', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('effective_at', 'text', (c) => c.notNull())
    .addColumn('approval_required', 'integer', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('cancelled_by', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('applied_at', 'text')
    .execute();
  await db.schema.createIndex('payout_changes_org_status').on('payout_changes').columns(['org_id', 'status']).execute();

  await db.schema
    .createTable('payout_policies')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('orgs.id'))
    .addColumn('cooling_off_hours', 'integer', (c) => c.notNull())
    .addColumn('require_second_approval', 'integer', (c) => c.notNull())
    .addColumn('previous_cooling_off_hours', 'integer')
    .addColumn('previous_require_second_approval', 'integer')
    .addColumn('strict_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
