// What the database holds, read from its own catalog (SQLite pragmas, PostgreSQL
// information_schema restricted to the current schema): tables, columns, primary keys and
// foreign keys. Backups, key-retirement checks and the raw-dump tests walk every table this way,
// so a table added by any module is covered without registering it anywhere.
import { sql } from 'kysely';
import type { Executor } from './kysely.ts';

export interface CatalogColumn {
  name: string;
  /** Normalized: text, integer, bigint, bytes, or the declared type in lower case. */
  type: string;
  notNull: boolean;
  autoIncrement: boolean;
}

export interface CatalogTable {
  name: string;
  columns: CatalogColumn[];
  primaryKey: string[];
  /** Tables this one references (foreign keys), excluding itself. */
  references: string[];
  /** Columns referencing this same table (inserted as null, then set, on restore). */
  selfReferences: string[];
}

/** Kysely's own bookkeeping; never backed up or restored as data. */
export const INTERNAL_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

function normalizeType(t: string): string {
  const x = t.toLowerCase();
  if (x === 'blob' || x === 'bytea') return 'bytes';
  if (x === 'int8' || x === 'bigint' || x === 'bigserial') return 'bigint';
  if (x === 'int4' || x === 'integer' || x === 'int') return 'integer';
  if (x === 'character varying' || x === 'varchar') return 'text';
  return x;
}

export async function readCatalog(db: Executor, dialect: 'sqlite' | 'postgres'): Promise<CatalogTable[]> {
  return dialect === 'sqlite' ? readSqlite(db) : readPostgres(db);
}

async function readSqlite(db: Executor): Promise<CatalogTable[]> {
  const tables = await sql<{
    name: string;
    sql: string;
  }>`select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const out: CatalogTable[] = [];
  for (const t of tables.rows) {
    if (INTERNAL_TABLES.has(t.name)) continue;
    const cols = await sql<{
      name: string;
      type: string;
      notnull: number;
      pk: number;
    }>`select name, type, "notnull", pk from pragma_table_info(${t.name}) order by cid`.execute(db);
    const fks = await sql<{
      table: string;
      from: string;
    }>`select "table", "from" from pragma_foreign_key_list(${t.name})`.execute(db);
    const auto = /autoincrement/i.test(t.sql);
    out.push({
      name: t.name,
      columns: cols.rows.map((c) => ({
        name: c.name,
        type: normalizeType(c.type),
        notNull: c.notnull === 1,
        autoIncrement: auto && c.pk === 1,
      })),
      primaryKey: cols.rows
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      references: [...new Set(fks.rows.map((f) => f.table).filter((x) => x !== t.name))],
      selfReferences: fks.rows.filter((f) => f.table === t.name).map((f) => f.from),
    });
  }
  return out;
}

async function readPostgres(db: Executor): Promise<CatalogTable[]> {
  const cols = await sql<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
  }>`
    select c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable, c.column_default
    from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  const pks = await sql<{ table_name: string; column_name: string }>`
    select k.table_name, k.column_name from information_schema.table_constraints tc
    join information_schema.key_column_usage k on k.constraint_name = tc.constraint_name and k.table_schema = tc.table_schema
    where tc.table_schema = current_schema() and tc.constraint_type = 'PRIMARY KEY' order by k.table_name, k.ordinal_position`.execute(
    db,
  );
  const fks = await sql<{ table_name: string; column_name: string; ref_table: string }>`
    select k.table_name, k.column_name, ccu.table_name as ref_table from information_schema.table_constraints tc
    join information_schema.key_column_usage k on k.constraint_name = tc.constraint_name and k.table_schema = tc.table_schema
    join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
    where tc.table_schema = current_schema() and tc.constraint_type = 'FOREIGN KEY'`.execute(db);
  const byTable = new Map<string, CatalogTable>();
  for (const c of cols.rows) {
    if (INTERNAL_TABLES.has(c.table_name)) continue;
    let t = byTable.get(c.table_name);
    if (!t)
      byTable.set(
        c.table_name,
        (t = { name: c.table_name, columns: [], primaryKey: [], references: [], selfReferences: [] }),
      );
    t.columns.push({
      name: c.column_name,
      type: normalizeType(c.udt_name || c.data_type),
      notNull: c.is_nullable === 'NO',
      autoIncrement: (c.column_default ?? '').startsWith('nextval('),
    });
  }
  for (const p of pks.rows) byTable.get(p.table_name)?.primaryKey.push(p.column_name);
  for (const f of fks.rows) {
    const t = byTable.get(f.table_name);
    if (!t) continue;
    if (f.ref_table === f.table_name) t.selfReferences.push(f.column_name);
    else if (!t.references.includes(f.ref_table)) t.references.push(f.ref_table);
  }
  return [...byTable.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Tables ordered so that every table comes after the tables it references. */
export function dependencyOrder(tables: CatalogTable[]): CatalogTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: CatalogTable[] = [];
  const visit = (t: CatalogTable, stack: Set<string>) => {
    if (done.has(t.name)) return;
    if (stack.has(t.name)) throw new Error(`foreign key cycle through ${t.name}`);
    stack.add(t.name);
    for (const r of t.references) {
      const dep = byName.get(r);
      if (dep) visit(dep, stack);
    }
    stack.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return out;
}
