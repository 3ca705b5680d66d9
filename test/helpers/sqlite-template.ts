// Gives a new test instance an already migrated SQLite database, copied from the template that
// test/helpers/global-setup.ts made for this run; createContainer's migrateToLatest then finds
// nothing to apply. Outside a vitest run, for PostgreSQL, or when the file already exists, the
// database is left alone (and migrated as usual).
import { copyFileSync, existsSync } from 'node:fs';
import { inject } from 'vitest';
import type { DatabaseConfig } from '../../src/config/env.ts';

export function seedMigratedSqlite(database: DatabaseConfig): void {
  if (database.dialect !== 'sqlite' || database.path === ':memory:' || existsSync(database.path)) return;
  const template = inject('sqliteTemplate');
  if (template) copyFileSync(template, database.path);
}
