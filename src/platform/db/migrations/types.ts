import type { Kysely } from 'kysely';

/** Dialect-specific column types, so one migration file serves SQLite and PostgreSQL. */
export interface MigrationTypes {
  dialect: 'sqlite' | 'postgres';
  bytes: 'blob' | 'bytea';
  /** integer primary key that auto-increments */
  autoId: 'integer' | 'bigserial';
}

export interface SealbillMigration {
  up(db: Kysely<unknown>, t: MigrationTypes): Promise<void>;
}

export function migrationTypes(dialect: 'sqlite' | 'postgres'): MigrationTypes {
  return dialect === 'sqlite'
    ? { dialect, bytes: 'blob', autoId: 'integer' }
    : { dialect, bytes: 'bytea', autoId: 'bigserial' };
}
