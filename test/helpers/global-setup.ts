// Runs once per test run (per project), before any test file: migrates one SQLite database that
// every test instance then copies (test/helpers/sqlite-template.ts) instead of running the
// migrations again on each of its ~90 fresh databases. PostgreSQL instances still migrate their own
// schema (a schema cannot be copied; instance.ts says why not a database cloned from a template).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/platform/db/kysely.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated SQLite database file to copy (see sqlite-template.ts). */
    sqliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-template-'));
  const file = path.join(dir, 'sealbill.db');
  const handle = openDatabase({ dialect: 'sqlite', path: file });
  await migrateToLatest(handle);
  await handle.close(); // checkpoints the WAL into the file: the copy is complete on its own
  project.provide('sqliteTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
