// Restore into an empty instance (or, with force, over a live one): the schema is rebuilt at the
// backup's migration level, every row is inserted in one transaction, every table is re-hashed
// from the database and compared with the archive's manifest before commit, and then the
// remaining migrations run as in a normal upgrade. Works across dialects.
import { sql } from 'kysely';
import { readCatalog, dependencyOrder, type CatalogTable } from '../../platform/db/catalog.ts';
import type { DbHandle, Tx } from '../../platform/db/kysely.ts';
import { forgetAppliedMigrations, migrateToLatest } from '../../platform/db/migrate.ts';
import { MIGRATIONS } from '../../platform/db/migrations/index.ts';
import { decodeMasterKey, type MasterKey } from '../../platform/crypto/master-key.ts';
import { AppError } from '../../platform/errors.ts';
import type { ArchiveHeader } from './backup.archive.ts';
import { parseIdentities, readEncryptedArchive } from './backup.crypto.ts';
import { countRows, dropTable, insertRows, resetSequence, setColumnByKey } from './backup.repo.ts';
import { tableHashesInTx, walkArchive } from './backup.snapshot.ts';

export interface RestoreResult {
  header: ArchiveHeader;
  tables: number;
  rows: number;
  /** Master keys carried by the archive (to rewrap its data keys under this instance's key). */
  archivedMasterKeys: MasterKey[];
}

const BATCH = 200;

/** Non-empty tables of the instance (what a restore would overwrite). */
export async function liveTables(handle: DbHandle): Promise<string[]> {
  const out: string[] = [];
  for (const t of await readCatalog(handle.db, handle.dialect))
    if ((await countRows(handle.db, t.name)) > 0) out.push(t.name);
  return out;
}

async function resetSchema(handle: DbHandle): Promise<void> {
  const tables = dependencyOrder(await readCatalog(handle.db, handle.dialect)).reverse();
  for (const t of tables)
    await (handle.dialect === 'postgres'
      ? sql`drop table if exists ${sql.table(t.name)} cascade`.execute(handle.db)
      : dropTable(handle.db, t.name));
  // The migrations table stays (or is created, on a never-migrated database); forgetting the
  // applied migrations is enough to rebuild at the backup's level.
  await forgetAppliedMigrations(handle);
}

export async function restoreBackup(
  handle: DbHandle,
  file: string,
  identityText: string,
  opts: { force: boolean },
): Promise<RestoreResult> {
  const identities = parseIdentities(identityText);
  const live = await liveTables(handle);
  if (live.length > 0 && !opts.force) {
    throw new AppError(
      'conflict',
      `This instance already holds data (${live.slice(0, 5).join(', ')}${live.length > 5 ? ', …' : ''}). Restore refuses to overwrite a live instance; pass --force to replace everything.`,
    );
  }
  // First pass: decrypt and check the whole archive before touching the database.
  const checked = await walkArchive(readEncryptedArchive(file, identities), {});
  const unknown = checked.header.migrations.filter((m) => !(m in MIGRATIONS));
  if (unknown.length > 0)
    throw new AppError(
      'unprocessable',
      `The backup comes from a newer Sealbill (migrations ${unknown.join(', ')}); upgrade first`,
    );

  await resetSchema(handle);
  await migrateToLatest(handle, checked.header.migrations);
  const catalog = new Map((await readCatalog(handle.db, handle.dialect)).map((t) => [t.name, t]));

  let rows = 0;
  await handle.db.transaction().execute(async (tx: Tx) => {
    // SQLite checks foreign keys at commit; PostgreSQL gets self-references filled in afterwards.
    if (handle.dialect === 'sqlite') await sql`pragma defer_foreign_keys = on`.execute(tx);
    let table: CatalogTable | null = null;
    let batch: Array<Record<string, unknown>> = [];
    let selfRefs: Array<{ key: Record<string, unknown>; values: Record<string, unknown> }> = [];
    const flush = async () => {
      if (table && batch.length) await insertRows(tx, table.name, batch);
      batch = [];
    };
    await walkArchive(readEncryptedArchive(file, identities), {
      onTable: (h) => {
        const t = catalog.get(h.table);
        if (!t) throw new AppError('unprocessable', `The backup has a table ${h.table} this schema lacks`);
        const cols = t.columns.map((c) => c.name);
        if (cols.join(',') !== h.columns.join(','))
          throw new AppError(
            'unprocessable',
            `Table ${h.table}: backup columns (${h.columns.join(', ')}) differ from the schema (${cols.join(', ')})`,
          );
        table = t;
        selfRefs = [];
      },
      onRow: async (_name, row) => {
        const t = table!;
        if (handle.dialect === 'postgres' && t.selfReferences.length > 0) {
          const values = Object.fromEntries(t.selfReferences.map((c) => [c, row[c]]));
          if (Object.values(values).some((v) => v !== null))
            selfRefs.push({ key: Object.fromEntries(t.primaryKey.map((k) => [k, row[k]])), values });
          row = { ...row, ...Object.fromEntries(t.selfReferences.map((c) => [c, null])) };
        }
        batch.push(row);
        rows++;
        if (batch.length >= BATCH) await flush();
      },
      onTableEnd: async () => {
        await flush();
        const t = table!;
        for (const s of selfRefs)
          for (const [c, v] of Object.entries(s.values)) await setColumnByKey(tx, t, s.key, c, v);
        if (handle.dialect === 'postgres')
          for (const c of t.columns.filter((x) => x.autoIncrement)) await resetSequence(tx, t.name, c.name);
      },
    });
    // Prove the database now holds exactly what the archive holds, before committing.
    const restored = await tableHashesInTx(tx, handle.dialect);
    for (const [name, expected] of Object.entries(checked.tables)) {
      const got = restored[name];
      if (!got || got.sha256 !== expected.sha256 || got.rows !== expected.rows)
        throw new AppError(
          'integrity_failed',
          `Restored table ${name} differs from the backup (rows ${got?.rows} vs ${expected.rows}); nothing was restored`,
        );
    }
  });
  await migrateToLatest(handle);
  return {
    header: checked.header,
    tables: Object.keys(checked.tables).length,
    rows,
    archivedMasterKeys: checked.trailer.masterKeys.map((k) => decodeMasterKey(k.key, `backup master key ${k.id}`)),
  };
}
