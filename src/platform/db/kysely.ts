// Database connections. SQLite (better-sqlite3) is the embedded default; PostgreSQL is used when
// DATABASE_URL is postgres://…. Both run the same migrations and the same queries.
import { existsSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type Transaction,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../../config/env.ts';
import type { DB } from './schema.ts';
import { ensurePrivateDir, ensurePrivateFile, tightenFile } from '../private-files.ts';

export type Database = Kysely<DB>;
export type Tx = Transaction<DB>;
/** What repos accept as their first argument: the database or an open transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

export interface DbHandle {
  db: Database;
  dialect: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

// int8 (bigint) columns hold money in minor units; refuse values JS numbers cannot hold exactly.
pg.types.setTypeParser(20, (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${v} exceeds the safe integer range`);
  return n;
});

/**
 * Kysely prepares a new better-sqlite3 statement for every query, and the native memory of a
 * prepared statement is not reclaimed when the statement object is garbage-collected: RSS grew by
 * several KB per query, without bound (bench/issue.bench.ts). Statements are therefore prepared
 * once per SQL text and reused (parameters are bound per call; Kysely holds the single connection
 * for the whole of a query or stream, so a statement is never used by two queries at once). The
 * cache is bounded for generated SQL such as `in (?, ?, …)` lists of varying length.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 2000): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close() {
      cache.clear();
      sqlite.close();
    },
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql); // most recently used last, so eviction drops the least recently used
      } else {
        stmt = sqlite.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/**
 * SQLite transactions that write start with BEGIN IMMEDIATE (the write lock at once), not Kysely's
 * deferred BEGIN. A deferred transaction that reads, then writes while another connection (a
 * `sealbill worker` process next to the server, a backup snapshot) has committed, cannot upgrade
 * its snapshot: SQLite answers SQLITE_BUSY at once instead of waiting busy_timeout, so requests
 * failed with 500 whenever the worker process was issuing. Read-only transactions (`setAccessMode
 * ('read only')`, the backup snapshot) stay deferred so they never block writers.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
    await connection.executeQuery(
      CompiledQuery.raw(settings?.accessMode === 'read only' ? 'begin' : 'begin immediate'),
    );
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;
  constructor(database: SqliteDatabase) {
    super({ database });
    this.#database = database;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

export function openDatabase(config: DatabaseConfig): DbHandle {
  if (config.dialect === 'sqlite') {
    // The database holds everything (sealed, but also the clear metadata): 0600 in a 0700
    // directory. The file is created before SQLite opens it, because SQLite creates it with the
    // umask's mode (0644) and then gives the -wal and -shm files the database file's mode.
    const file = config.path === ':memory:' ? null : path.resolve(config.path);
    if (file) {
      if (!existsSync(path.dirname(file))) ensurePrivateDir(path.dirname(file));
      ensurePrivateFile(file);
    }
    const sqlite = new SQLite(config.path);
    sqlite.pragma('journal_mode = WAL');
    if (file) for (const f of [`${file}-wal`, `${file}-shm`]) tightenFile(f);
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<DB>({ dialect: new ImmediateSqliteDialect(withStatementCache(sqlite)) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: config.url, max: 10 });
  if (config.schema) {
    const schema = config.schema;
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid schema name');
    pool.on('connect', (client) => {
      void client.query(`SET search_path TO ${schema}`);
    });
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
