// Runs the migrations under Kysely's migration lock (a row lock on PostgreSQL, the single writer
// on SQLite), so several processes starting at once migrate exactly once.
import { sql } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
import type { DbHandle } from './kysely.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { migrationTypes } from './migrations/types.ts';

export async function migrateToLatest(handle: DbHandle): Promise<string[]> {
  const types = migrationTypes(handle.dialect);
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, m] of Object.entries(MIGRATIONS)) out[name] = { up: (db) => m.up(db, types) };
      return out;
    },
  };
  // Kysely looks for its migration tables in every schema unless told which one; pinned to the
  // connection's own schema, a second Sealbill schema in the same database (or a parallel test
  // schema) cannot make it skip creating its own.
  const migrationTableSchema =
    handle.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(handle.db)).rows[0]?.s : undefined;
  const migrator = new Migrator({ db: handle.db, provider, ...(migrationTableSchema && { migrationTableSchema }) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
