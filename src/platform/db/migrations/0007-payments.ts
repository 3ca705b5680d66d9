// Online payments: per-org provider accounts (secrets sealed under the org key), single-invoice pay
// links (only a hash of the token is stored), checkouts started with a provider, the webhook event
// store (event ids for idempotency; whitelisted fields only, never a raw payload), disputes,
// reconciliation flags, fees and receipts on ledger entries, and encrypted payment attachments.
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('payment_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('secrets_enc', 'text', (c) => c.notNull())
    .addColumn('secrets_hint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('payment_accounts_org_provider', ['org_id', 'provider'])
    .execute();

  await db.schema
    .createTable('payment_settings')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('orgs.id'))
    .addColumn('bank_transfer', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('pay_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pay_links_document').on('pay_links').columns(['org_id', 'document_id']).execute();

  await db.schema
    .createTable('checkouts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('payment_accounts.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_ref', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('pay_link_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('checkouts_provider_ref', ['provider', 'provider_ref'])
    .execute();
  await db.schema.createIndex('checkouts_org_created').on('checkouts').columns(['org_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('payment_accounts.id'))
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('delivery_sha256', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('payment_ref', 'text')
    .addColumn('object_ref', 'text')
    .addColumn('amount', 'bigint')
    .addColumn('currency', 'text')
    .addColumn('normalized', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'text')
    .addUniqueConstraint('webhook_events_account_event', ['account_id', 'event_id'])
    .execute();
  await db.schema
    .createIndex('webhook_events_deferred')
    .on('webhook_events')
    .columns(['org_id', 'outcome', 'payment_ref'])
    .execute();

  await db.schema
    .createTable('payment_disputes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('document_id', 'text', (c) => c.notNull().references('documents.id'))
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_ref', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('payment_disputes_ref', ['org_id', 'provider', 'provider_ref'])
    .execute();

  await db.schema
    .createTable('reconciliation_flags')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('provider_ref', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addUniqueConstraint('reconciliation_flags_ref_kind', ['org_id', 'provider', 'provider_ref', 'kind'])
    .execute();

  await db.schema
    .createTable('payment_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('file_id', 'text', (c) => c.notNull().references('stored_files.id'))
    .addColumn('filename_enc', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('payment_attachments_payment')
    .on('payment_attachments')
    .columns(['org_id', 'payment_id'])
    .execute();

  // Ledger entries from a provider carry its fee, the checkout they settle, the payment a refund
  // reverses, and the stored receipt. (provider, kind, provider_ref) is unique so that two events
  // announcing the same capture or refund can never both reach the ledger; manual entries have a
  // NULL provider_ref, and NULLs never collide on either dialect.
  await sql`ALTER TABLE payments ADD COLUMN fee bigint`.execute(db);
  await sql`ALTER TABLE payments ADD COLUMN fee_currency text`.execute(db);
  await sql`ALTER TABLE payments ADD COLUMN checkout_id text`.execute(db);
  await sql`ALTER TABLE payments ADD COLUMN related_payment_id text`.execute(db);
  await sql`ALTER TABLE payments ADD COLUMN receipt_file_id text`.execute(db);
  await db.schema
    .createIndex('payments_provider_ref')
    .unique()
    .on('payments')
    .columns(['org_id', 'provider', 'kind', 'provider_ref'])
    .execute();
}
