// The look-alike domain index (issue #13, item 8): creating a client no longer decrypts every
// client of the organization to learn its known email domains.
// - client_domains: one row per (client, distinct email domain of the client or its contacts):
//   the domain sealed under the org key (domain_enc, AAD = row and column) and its keyed blind
//   index (domain_bidx) for "is this domain already known".
// - client_domain_tokens: per distinct known domain, the keyed blind indexes of its look-alike
//   keys (lookalike-domain.ts: deletion neighbourhood of its confusable skeleton). A new domain's
//   keys are looked up by equality; only the few matching domains are decrypted.
// - client_domain_orgs: organizations whose existing clients have been indexed (the worker
//   backfills the others; the check itself indexes an organization that is not yet marked).
// What the tokens tell a database reader: docs/SECURITY.md, "Look-alike domain index".
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('client_domains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id'))
    .addColumn('domain_bidx', 'text', (c) => c.notNull())
    .addColumn('domain_enc', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('client_domains_client')
    .on('client_domains')
    .columns(['org_id', 'client_id', 'domain_bidx'])
    .unique()
    .execute();
  await db.schema
    .createIndex('client_domains_bidx')
    .on('client_domains')
    .columns(['org_id', 'domain_bidx', 'id'])
    .execute();
  await db.schema
    .createTable('client_domain_tokens')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('domain_bidx', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('client_domain_tokens_pk', ['org_id', 'token', 'domain_bidx'])
    .execute();
  await db.schema
    .createIndex('client_domain_tokens_domain')
    .on('client_domain_tokens')
    .columns(['org_id', 'domain_bidx'])
    .execute();
  await db.schema
    .createTable('client_domain_orgs')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('orgs.id'))
    .addColumn('indexed_at', 'text', (c) => c.notNull())
    .execute();
}
