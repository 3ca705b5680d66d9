// Migration tests: a database as an older release left it, on either dialect.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { DatabaseConfig } from '../../src/config/env.ts';
import { openDatabase, type Database, type DbHandle } from '../../src/platform/db/kysely.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { MIGRATIONS } from '../../src/platform/db/migrations/index.ts';
import type { Dialect } from './instance.ts';
import { pgAdmin } from './pg.ts';

/**
 * Runs `use` on a new database (a SQLite file, or a new PostgreSQL schema) migrated up to the
 * migration whose name starts with `migration`, not including it; removes the database afterwards.
 */
export async function withDatabaseBefore(
  dialect: Dialect,
  migration: string,
  use: (handle: DbHandle) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), `sealbill-m${migration}-`));
  const schema = `m_${randomBytes(6).toString('hex')}`;
  const config: DatabaseConfig =
    dialect === 'sqlite'
      ? { dialect, path: path.join(dir, 'db.sqlite') }
      : { dialect, url: process.env.TEST_DATABASE_URL!, schema };
  if (dialect === 'postgres') await pgAdmin(`CREATE SCHEMA ${schema}`);
  const handle = openDatabase(config);
  try {
    await migrateToLatest(
      handle,
      Object.keys(MIGRATIONS).filter((m) => m < migration),
    );
    await use(handle);
  } finally {
    await handle.close();
    if (dialect === 'postgres') await pgAdmin(`DROP SCHEMA ${schema} CASCADE`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An organization row with the columns of the schema before 0034 (its sealed columns hold placeholders). */
export async function insertOrgRow(db: Database, id: string, name: string, now: string): Promise<void> {
  await sql`INSERT INTO orgs (id, name, default_currency, locale, time_zone, payment_terms_days, numbering, profile_enc, payout_enc, payout_updated_at, security_policy, created_at, updated_at)
    VALUES (${id}, ${name}, 'EUR', 'de-DE', 'Europe/Berlin', 30, '{}', 'x', NULL, NULL, '{}', ${now}, ${now})`.execute(
    db,
  );
}
