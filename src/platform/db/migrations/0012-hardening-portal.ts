// One-time-code quotas (issue #10, item 4 and the portal row limits). Counters that must hold
// under concurrency are single rows changed by one conditional statement
// (INSERT … ON CONFLICT DO UPDATE … WHERE n < limit), never read-then-write:
//  - codes issued per throttle key (an email's blind index, a sealed link) per UTC day,
//  - wrong guesses per quota key (an email, a sealed link's contact) per UTC day, across codes,
//  - code requests per client IP per 15-minute window.
// `one_time_codes.quota_key` names the daily guess budget a code draws from (NULL on rows written
// before this migration: their throttle key is used).
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('code_quotas')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('codes', 'integer', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('code_quotas_pk', ['key', 'window_start'])
    .execute();
  await db.schema.createIndex('code_quotas_window').on('code_quotas').columns(['window_start']).execute();
  await db.schema.alterTable('one_time_codes').addColumn('quota_key', 'text').execute();
  // The pruning job deletes by expiry.
  await db.schema.createIndex('one_time_codes_expires').on('one_time_codes').columns(['expires_at']).execute();
}
