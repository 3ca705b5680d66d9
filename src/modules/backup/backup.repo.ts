// Whole-database access for backup and restore. Table and column names come from the database's
// own catalog (never from input), and are quoted as identifiers.
import { sql, type Kysely } from 'kysely';
import type { CatalogTable } from '../../platform/db/catalog.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { BackupRunsTable } from './backup.tables.ts';

const anyDb = (db: Executor) => db as unknown as Kysely<Record<string, Record<string, unknown>>>;

/** A stable order for paging inside one snapshot: the primary key, else every column. */
function orderColumns(t: CatalogTable): string[] {
  return t.primaryKey.length > 0 ? t.primaryKey : t.columns.map((c) => c.name);
}

export async function readTablePage(
  db: Executor,
  t: CatalogTable,
  offset: number,
  limit: number,
): Promise<Array<Record<string, unknown>>> {
  let q = anyDb(db)
    .selectFrom(t.name)
    .select(t.columns.map((c) => sql.ref(c.name).as(c.name)));
  for (const c of orderColumns(t)) q = q.orderBy(sql.ref(c));
  return q.limit(limit).offset(offset).execute();
}

export async function countRows(db: Executor, table: string): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function insertRows(db: Executor, table: string, rows: Array<Record<string, unknown>>): Promise<void> {
  if (rows.length > 0) await anyDb(db).insertInto(table).values(rows).execute();
}

export async function setColumnByKey(
  db: Executor,
  t: CatalogTable,
  key: Record<string, unknown>,
  column: string,
  value: unknown,
): Promise<void> {
  let q = anyDb(db)
    .updateTable(t.name)
    .set({ [column]: value });
  for (const [k, v] of Object.entries(key)) q = q.where(sql.ref(k), '=', v);
  await q.execute();
}

export async function dropTable(db: Executor, table: string): Promise<void> {
  await sql`drop table if exists ${sql.table(table)}`.execute(db);
}

/** PostgreSQL: after explicit ids were inserted into serial columns, move their sequences past them. */
export async function resetSequence(db: Executor, table: string, column: string): Promise<void> {
  await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1, false)`.execute(
    db,
  );
}

export type BackupRunRow = BackupRunsTable;

/** Claims a slot (unique): false when another process already took it. */
export async function claimBackupRun(db: Executor, row: BackupRunRow): Promise<boolean> {
  const r = await db
    .insertInto('backup_runs')
    .values(row)
    .onConflict((oc) => oc.column('slot').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function finishBackupRun(
  db: Executor,
  id: string,
  patch: Partial<Pick<BackupRunRow, 'status' | 'size' | 'sha256' | 'error' | 'finished_at' | 'name'>>,
): Promise<void> {
  await db.updateTable('backup_runs').set(patch).where('id', '=', id).execute();
}

export function lastSuccessfulRun(db: Executor): Promise<BackupRunRow | undefined> {
  return db
    .selectFrom('backup_runs')
    .selectAll()
    .where('status', '=', 'done')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function listBackupRuns(db: Executor, limit = 50): Promise<BackupRunRow[]> {
  return db.selectFrom('backup_runs').selectAll().orderBy('started_at', 'desc').limit(limit).execute();
}
