// Exchange rates (issue #13, item 4): one table per organization of "units of the organization's
// currency per 1 unit of another currency" on a date, typed by hand or imported from the ECB's
// euro reference-rate files (modules/rates). A document in another currency takes the latest rate
// on or before its issue date unless someone types one; the documents remember where a defaulted
// rate came from (exchange_rate_source / exchange_rate_date, null: typed by a person), so issuing
// re-takes a defaulted rate for the final issue date and never touches a typed one.
//
// Duplicates: one row per (org, base currency, currency, date, source); a re-import replaces its
// own source's row. Between sources on the same date a manual rate wins over a provider's, which
// wins over the ECB's (modules/rates/rates.repo.ts: findRateOn). base_currency is the organization's
// currency when the row was written: rows of a former default currency are never used.
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('exchange_rates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('base_currency', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('rate_date', 'text', (c) => c.notNull())
    .addColumn('rate', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('quoted', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('exchange_rates_key')
    .on('exchange_rates')
    .columns(['org_id', 'base_currency', 'currency', 'rate_date', 'source'])
    .unique()
    .execute();
  await db.schema
    .createIndex('exchange_rates_list')
    .on('exchange_rates')
    .columns(['org_id', 'rate_date', 'id'])
    .execute();

  await db.schema.alterTable('documents').addColumn('exchange_rate_source', 'text').execute();
  await db.schema.alterTable('documents').addColumn('exchange_rate_date', 'text').execute();
}
