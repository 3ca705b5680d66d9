// Applies the migrations, exactly once even when several processes start together:
// PostgreSQL takes a session advisory lock, SQLite a write lock (BEGIN IMMEDIATE) for the whole
// run. We keep Kysely's `kysely_migration` table layout, but not its Migrator: the Migrator
// checks table existence by introspecting every schema, which races with schemas created and
// dropped concurrently (seen as spurious failures with parallel PostgreSQL test schemas).
import { sql, type Kysely } from 'kysely';
import type { DbHandle } from './kysely.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { migrationTypes } from './migrations/types.ts';

const PG_LOCK_KEY = 0x5ea1b111; // arbitrary, constant: "sealbill migrations"

const createMigrationTable = (conn: Kysely<unknown>) =>
  sql`create table if not exists kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(
    conn,
  );

async function pending(conn: Kysely<unknown>, names: string[]): Promise<string[]> {
  await createMigrationTable(conn);
  const done = new Set(
    (await sql<{ name: string }>`select name from kysely_migration`.execute(conn)).rows.map((r) => r.name),
  );
  return names.filter((n) => !done.has(n));
}

/**
 * Forgets which migrations were applied (a restore rebuilds the schema at its backup's level). The
 * table may not exist yet: a new machine's empty database has never been migrated.
 */
export async function forgetAppliedMigrations(handle: DbHandle): Promise<void> {
  const db = handle.db as unknown as Kysely<unknown>;
  await createMigrationTable(db);
  await sql`delete from kysely_migration`.execute(db);
}

/**
 * Applies every migration not yet applied, in order (or only `names`, which a restore uses to
 * rebuild a backup's schema level). Returns the names applied.
 */
export async function migrateToLatest(handle: DbHandle, names: string[] = Object.keys(MIGRATIONS)): Promise<string[]> {
  const types = migrationTypes(handle.dialect);
  const unknown = names.filter((n) => !(n in MIGRATIONS));
  if (unknown.length > 0) throw new Error(`unknown migrations: ${unknown.join(', ')}`);
  const db = handle.db as unknown as Kysely<unknown>;
  const record = (conn: Kysely<unknown>, name: string) =>
    sql`insert into kysely_migration (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(conn);

  return db.connection().execute(async (conn) => {
    if (handle.dialect === 'postgres') {
      await sql`select pg_advisory_lock(${PG_LOCK_KEY})`.execute(conn);
      try {
        const todo = await pending(conn, names);
        for (const name of todo) {
          await conn.transaction().execute(async (tx) => {
            await MIGRATIONS[name]!.up(tx, types);
            await record(tx, name);
          });
        }
        return todo;
      } finally {
        await sql`select pg_advisory_unlock(${PG_LOCK_KEY})`.execute(conn);
      }
    }
    // SQLite: one immediate transaction holds the write lock while we read what is applied.
    await sql`begin immediate`.execute(conn);
    try {
      const todo = await pending(conn, names);
      for (const name of todo) {
        await MIGRATIONS[name]!.up(conn, types);
        await record(conn, name);
      }
      await sql`commit`.execute(conn);
      return todo;
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  });
}

/** The tables whose lists and reports need current planner statistics to pick the list indexes. */
const LIST_TABLES = ['documents', 'clients', 'client_contacts', 'payments', 'deliveries', 'audit_events'] as const;

/**
 * Planner statistics, at start and after bulk work (issue #13): SQLite keeps none unless asked
 * (`PRAGMA optimize` with the 0x10000 flag analyzes only tables that changed a lot since, with a
 * work limit, so it is cheap on every start); PostgreSQL's autovacuum keeps them eventually, and
 * an explicit ANALYZE of the list tables makes them current right after an import.
 */
export async function refreshPlannerStatistics(handle: DbHandle): Promise<void> {
  if (handle.dialect === 'sqlite') await sql`pragma optimize = 0x10002`.execute(handle.db);
  else await sql`analyze ${sql.join(LIST_TABLES.map((t) => sql.id(t)))}`.execute(handle.db);
}
