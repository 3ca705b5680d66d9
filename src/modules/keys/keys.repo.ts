// Data access for key management: org_keys rows, rotation progress, and the generic batch access
// to every registered encrypted column (table and column names come from the registry, never
// from input).
import { sql, type Kysely } from 'kysely';
import type { EncryptedColumn } from '../../platform/crypto/encrypted-columns.ts';
import type { CatalogTable } from '../../platform/db/catalog.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { KeyRotationsTable } from './keys.tables.ts';
import type { OrgKeysTable } from '../../platform/db/schema.ts';

export type OrgKeyRow = OrgKeysTable;
export type RotationRow = KeyRotationsTable;

/** Serializes key operations per org on PostgreSQL (SQLite has a single writer already). */
export async function lockOrgKeys(db: Executor, dialect: 'sqlite' | 'postgres', orgId: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${'keys:' + orgId}))`.execute(db);
}

export function listOrgKeyRows(db: Executor, orgId?: string): Promise<OrgKeyRow[]> {
  let q = db.selectFrom('org_keys').selectAll();
  if (orgId) q = q.where('org_id', '=', orgId);
  return q.orderBy('org_id').orderBy('version').execute();
}

/** Compare-and-set, so a concurrent rewrap of the same row is never overwritten. */
export async function rewrapOrgKey(
  db: Executor,
  id: string,
  fromWrapped: string,
  wrapped: string,
  kekId: string,
): Promise<boolean> {
  const r = await db
    .updateTable('org_keys')
    .set({ wrapped_dek: wrapped, kek_id: kekId })
    .where('id', '=', id)
    .where('wrapped_dek', '=', fromWrapped)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function setOrgKeyStatus(
  db: Executor,
  id: string,
  status: OrgKeyRow['status'],
  wrapped?: string,
): Promise<void> {
  await db
    .updateTable('org_keys')
    .set({ status, ...(wrapped !== undefined && { wrapped_dek: wrapped }) })
    .where('id', '=', id)
    .execute();
}

export function findOpenRotation(db: Executor, orgId: string): Promise<RotationRow | undefined> {
  return db
    .selectFrom('key_rotations')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('phase', '!=', 'done')
    .executeTakeFirst();
}

export function listRotations(db: Executor, orgId: string): Promise<RotationRow[]> {
  return db.selectFrom('key_rotations').selectAll().where('org_id', '=', orgId).orderBy('started_at', 'desc').execute();
}

export async function insertRotation(db: Executor, row: RotationRow): Promise<void> {
  await db.insertInto('key_rotations').values(row).execute();
}

export async function updateRotation(
  db: Executor,
  id: string,
  patch: Partial<Omit<RotationRow, 'id' | 'org_id'>>,
): Promise<void> {
  await db.updateTable('key_rotations').set(patch).where('id', '=', id).execute();
}

export interface EncryptedCell {
  id: string;
  value: string | Buffer;
}

const anyDb = (db: Executor) => db as unknown as Kysely<Record<string, Record<string, unknown>>>;

/** One page of a registered column's non-null values for an org, in id order after `after`. */
export async function readEncryptedPage(
  db: Executor,
  col: EncryptedColumn,
  orgId: string,
  after: string | null,
  limit: number,
): Promise<EncryptedCell[]> {
  let q = anyDb(db)
    .selectFrom(col.table)
    .select([sql.ref<string>(col.idColumn).as('id'), sql.ref<string | Buffer>(col.column).as('value')])
    .where(sql.ref(col.orgColumn ?? 'org_id'), '=', orgId)
    .where(sql.ref(col.column), 'is not', null);
  if (after !== null) q = q.where(sql.ref(col.idColumn), '>', after);
  const rows = await q.orderBy(sql.ref(col.idColumn)).limit(limit).execute();
  return rows.map((r) => ({
    id: String(r.id),
    value: typeof r.value === 'string' ? r.value : Buffer.from(r.value as Uint8Array),
  }));
}

/** Replaces one ciphertext only if it is still the one that was read (a concurrent write wins; the next pass picks it up). */
export async function replaceEncryptedCell(
  db: Executor,
  col: EncryptedColumn,
  orgId: string,
  cell: EncryptedCell,
  next: string | Buffer,
  extra: Record<string, string | null>,
): Promise<boolean> {
  const r = await anyDb(db)
    .updateTable(col.table)
    .set({ [col.column]: next, ...extra })
    .where(sql.ref(col.orgColumn ?? 'org_id'), '=', orgId)
    .where(sql.ref(col.idColumn), '=', cell.id)
    .where(sql.ref(col.column), '=', cell.value)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Every place, in any table and column (registered or not), that still holds a ciphertext made
 * by one of `keyIds`. A key is retired only when this is empty.
 */
export async function findKeyReferences(
  db: Executor,
  tables: CatalogTable[],
  keyIds: string[],
): Promise<Array<{ table: string; column: string; count: number }>> {
  const found: Array<{ table: string; column: string; count: number }> = [];
  for (const t of tables) {
    if (t.name === 'org_keys') continue;
    for (const c of t.columns) {
      if (c.type !== 'text' && c.type !== 'bytes') continue;
      for (const id of keyIds) {
        const cond =
          c.type === 'text'
            ? sql`${sql.ref(c.name)} like ${`v1.${id}.%`}`
            : sql`substr(${sql.ref(c.name)}, 1, ${4 + id.length}) = ${Buffer.concat([Buffer.from('SB1'), Buffer.from([id.length]), Buffer.from(id, 'ascii')])}`;
        const r = await sql<{
          n: number | string;
        }>`select count(*) as n from ${sql.table(t.name)} where ${cond}`.execute(db);
        const n = Number(r.rows[0]?.n ?? 0);
        if (n > 0) found.push({ table: t.name, column: c.name, count: n });
      }
    }
  }
  return found;
}
