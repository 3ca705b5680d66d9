// Runs once per test run (per project), before any test file: migrates one SQLite database that
// every test instance then copies (test/helpers/sqlite-template.ts) instead of running the
// migrations again on each of its ~90 fresh databases. With TEST_DATABASE_URL it does the same for
// PostgreSQL: a migrated template database that each instance clones with CREATE DATABASE …
// TEMPLATE (a block copy, a fraction of a second, where migrating a fresh schema takes seconds).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/platform/db/kysely.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { pgAdmin, pgDatabaseUrl } from './pg.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated SQLite database file to copy (see sqlite-template.ts). */
    sqliteTemplate: string;
    /** The name of a migrated PostgreSQL database to clone (see instance.ts), or '' without TEST_DATABASE_URL. */
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-template-'));
  const file = path.join(dir, 'sealbill.db');
  const handle = openDatabase({ dialect: 'sqlite', path: file });
  await migrateToLatest(handle);
  await handle.close(); // checkpoints the WAL into the file: the copy is complete on its own
  project.provide('sqliteTemplate', file);

  let pgTemplate = '';
  if (process.env.TEST_DATABASE_URL) {
    pgTemplate = `sealbill_tpl_${randomBytes(6).toString('hex')}`;
    await pgAdmin(`CREATE DATABASE ${pgTemplate}`);
    const pgHandle = openDatabase({ dialect: 'postgres', url: pgDatabaseUrl(pgTemplate) });
    await migrateToLatest(pgHandle);
    await pgHandle.close(); // a template must have no open connections while it is cloned
  }
  project.provide('pgTemplate', pgTemplate);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (pgTemplate) await pgAdmin(`DROP DATABASE IF EXISTS ${pgTemplate} WITH (FORCE)`);
  };
}
