// Reading a consistent snapshot of the whole database into archive lines, and checking an
// archive's internal integrity (row hashes, trailer, audit chains and checkpoints inside it).
import { verifyChain } from '../audit/audit.chain.ts';
import { parseVkey, verifyCheckpoint } from '../audit/audit.checkpoint.ts';
import { merkleRoot } from '../audit/audit.merkle.ts';
import { dependencyOrder, readCatalog, type CatalogTable } from '../../platform/db/catalog.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import type { AuditEventsTable } from '../audit/audit.tables.ts';
import {
  archiveHeader,
  archiveTrailer,
  decodeCell,
  encodeCell,
  TableHasher,
  tableHeader,
  type ArchiveHeader,
  type ArchiveTrailer,
  type CellValue,
} from './backup.archive.ts';
import { readTablePage } from './backup.repo.ts';

/**
 * Instance-local state that is not data: the record of backup runs (it would describe the run in
 * progress), and live sessions (a restore signs everybody out rather than resurrecting sessions).
 */
export const EXCLUDED_FROM_BACKUP = new Set(['backup_runs', 'sessions']);

const PAGE = 500;

export async function backupTablesInTx(ex: Executor, dialect: 'sqlite' | 'postgres'): Promise<CatalogTable[]> {
  return dependencyOrder(await readCatalog(ex, dialect)).filter((t) => !EXCLUDED_FROM_BACKUP.has(t.name));
}

/** Content hash and row count of every backed-up table, read from a live database. */
export async function tableHashesInTx(
  ex: Executor,
  dialect: 'sqlite' | 'postgres',
): Promise<Record<string, { rows: number; sha256: string }>> {
  const out: Record<string, { rows: number; sha256: string }> = {};
  for (const t of await backupTablesInTx(ex, dialect)) {
    const h = new TableHasher();
    for (let off = 0; ; off += PAGE) {
      const rows = await readTablePage(ex, t, off, PAGE);
      for (const r of rows) h.add(t.columns.map((c) => encodeCell(r[c.name])));
      if (rows.length < PAGE) break;
    }
    out[t.name] = { rows: h.rows, sha256: h.digest() };
  }
  return out;
}

/** Archive lines for a snapshot; call inside one read transaction so every table is from the same instant. */
export async function* snapshotLinesInTx(
  ex: Executor,
  tables: CatalogTable[],
  header: ArchiveHeader,
  trailer: Omit<ArchiveTrailer, 'end' | 'tables'>,
): AsyncGenerator<string> {
  yield JSON.stringify(header) + '\n';
  const summary: ArchiveTrailer['tables'] = {};
  for (const t of tables) {
    yield (
      JSON.stringify({
        table: t.name,
        columns: t.columns.map((c) => c.name),
        types: t.columns.map((c) => c.type),
        selfReferences: t.selfReferences,
      }) + '\n'
    );
    const h = new TableHasher();
    for (let off = 0; ; off += PAGE) {
      const rows = await readTablePage(ex, t, off, PAGE);
      let chunk = '';
      for (const r of rows) chunk += h.add(t.columns.map((c) => encodeCell(r[c.name]))) + '\n';
      if (chunk) yield chunk;
      if (rows.length < PAGE) break;
    }
    summary[t.name] = { rows: h.rows, sha256: h.digest() };
  }
  yield JSON.stringify({ end: true, tables: summary, ...trailer } satisfies ArchiveTrailer) + '\n';
}

export interface ParsedTable {
  header: ReturnType<typeof tableHeader.parse>;
  hasher: TableHasher;
}

/**
 * Walks archive lines, calling `onRow` for each row (decoded to column → value), and checks the
 * structure and every table's hash against the trailer. Throws on any inconsistency.
 */
export async function walkArchive(
  lines: AsyncIterable<string>,
  handlers: {
    onHeader?: (h: ArchiveHeader) => Promise<void> | void;
    onTable?: (t: ParsedTable['header']) => Promise<void> | void;
    onRow?: (table: string, row: Record<string, unknown>) => Promise<void> | void;
    onTableEnd?: (table: string) => Promise<void> | void;
  },
): Promise<{
  header: ArchiveHeader;
  trailer: ArchiveTrailer;
  tables: Record<string, { rows: number; sha256: string }>;
}> {
  let header: ArchiveHeader | null = null;
  let trailer: ArchiveTrailer | null = null;
  let current: ParsedTable | null = null;
  const seen: Record<string, { rows: number; sha256: string }> = {};
  const closeTable = async () => {
    if (!current) return;
    seen[current.header.table] = { rows: current.hasher.rows, sha256: current.hasher.digest() };
    await handlers.onTableEnd?.(current.header.table);
    current = null;
  };
  for await (const line of lines) {
    if (!line) continue;
    if (trailer) throw new Error('data after the archive trailer');
    const v = JSON.parse(line) as unknown;
    if (!header) {
      header = archiveHeader.parse(v);
      await handlers.onHeader?.(header);
    } else if (Array.isArray(v)) {
      if (!current) throw new Error('row before any table header');
      const t: ParsedTable = current;
      if (v.length !== t.header.columns.length)
        throw new Error(`row of ${t.header.table} has ${v.length} values, expected ${t.header.columns.length}`);
      t.hasher.add(v as CellValue[]);
      await handlers.onRow?.(
        t.header.table,
        Object.fromEntries(t.header.columns.map((c, i) => [c, decodeCell(v[i] as CellValue)])),
      );
    } else if (v && typeof v === 'object' && 'table' in v) {
      await closeTable();
      current = { header: tableHeader.parse(v), hasher: new TableHasher() };
      await handlers.onTable?.(current.header);
    } else {
      await closeTable();
      trailer = archiveTrailer.parse(v);
    }
  }
  if (!header) throw new Error('empty archive');
  if (!trailer) throw new Error('the archive is truncated (no trailer)');
  const names = new Set([...Object.keys(seen), ...Object.keys(trailer.tables)]);
  for (const n of names) {
    const a = seen[n];
    const b = trailer.tables[n];
    if (!a || !b || a.rows !== b.rows || a.sha256 !== b.sha256)
      throw new Error(
        `table ${n} does not match the archive manifest (rows ${a?.rows ?? 'missing'} vs ${b?.rows ?? 'missing'})`,
      );
  }
  return { header, trailer, tables: seen };
}

/** Checks the audit log inside an archive: every org's chain, and the included signed checkpoints. */
export function verifyArchivedAudit(auditRows: Array<Record<string, unknown>>, trailer: ArchiveTrailer): string[] {
  const problems: string[] = [];
  const byOrg = new Map<string, Array<Omit<AuditEventsTable, 'id'>>>();
  for (const r of auditRows) {
    const row = r as unknown as Omit<AuditEventsTable, 'id'>;
    byOrg.set(row.org_id, [...(byOrg.get(row.org_id) ?? []), row]);
  }
  for (const [orgId, rows] of byOrg) {
    const c = verifyChain(rows);
    if (!c.ok) problems.push(`org ${orgId}: audit entry ${c.badSeq}: ${c.reason}`);
  }
  for (const cp of trailer.checkpoints) {
    const v = verifyCheckpoint(cp.note, cp.verifierKeys.map(parseVkey));
    if (!v.ok) {
      problems.push(`org ${cp.orgId}: checkpoint: ${v.reason}`);
      continue;
    }
    const leaves = (byOrg.get(cp.orgId) ?? []).slice(0, v.treeSize).map((r) => Buffer.from(r.hash, 'hex'));
    if (leaves.length < v.treeSize || !merkleRoot(leaves).equals(v.root))
      problems.push(
        `org ${cp.orgId}: the archived audit log does not match its signed checkpoint of size ${v.treeSize}`,
      );
  }
  return problems;
}
