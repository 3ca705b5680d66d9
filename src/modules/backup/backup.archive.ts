// The backup archive, before age encryption: gzip of JSON lines, dialect-neutral.
//
//   {"format":"sealbill-backup/v1", createdAt, sourceDialect, migrations:[…]}      header
//   {"table":"clients","columns":[…],"types":[…],"selfReferences":[…]}             per table, in dependency order
//   [value, value, …]                                                               one line per row
//   {"end":true, tables:{name:{rows,sha256}}, checkpoints:[…], masterKey}           trailer
//
// Values are JSON null, numbers, strings, or {"$b64": "…"} for bytes, so SQLite and PostgreSQL
// restore each other's archives. A table's content hash is independent of row order and of the
// database it was read from: SHA-256 over the sorted SHA-256 digests of its canonical row lines.
import { hasher, sha256 } from '../../platform/crypto/hash.ts';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';

export const ARCHIVE_FORMAT = 'sealbill-backup/v1';

export type CellValue = null | number | string | { $b64: string };

export const archiveHeader = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  createdAt: z.string(),
  sourceDialect: z.enum(['sqlite', 'postgres']),
  migrations: z.array(z.string()),
});
export type ArchiveHeader = z.infer<typeof archiveHeader>;

export const tableHeader = z.object({
  table: z.string().regex(/^[a-z_][a-z0-9_]*$/),
  columns: z.array(z.string().regex(/^[a-z_][a-z0-9_]*$/)),
  types: z.array(z.string()),
  selfReferences: z.array(z.string()),
});
export type TableHeader = z.infer<typeof tableHeader>;

export const archiveTrailer = z.object({
  end: z.literal(true),
  tables: z.record(z.string(), z.object({ rows: z.number().int(), sha256: z.string() })),
  /** Latest signed audit checkpoint per organization, with the keys that verify them. */
  checkpoints: z.array(
    z.object({ orgId: z.string(), origin: z.string(), note: z.string(), verifierKeys: z.array(z.string()) }),
  ),
  /** The instance master key(s) (base64), when backups include them: the age identity then restores everything. */
  masterKeys: z.array(z.object({ id: z.string(), key: z.string() })),
});
export type ArchiveTrailer = z.infer<typeof archiveTrailer>;

export function encodeCell(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { $b64: Buffer.from(v).toString('base64') };
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new TypeError(`cannot back up a value of type ${typeof v}`);
}

export function decodeCell(v: CellValue): null | number | string | Buffer {
  if (v !== null && typeof v === 'object') return Buffer.from(v.$b64, 'base64');
  return v;
}

/** Accumulates a table's order-independent content hash. */
export class TableHasher {
  private readonly digests: Buffer[] = [];
  add(encodedRow: CellValue[]): string {
    const line = JSON.stringify(encodedRow);
    this.digests.push(sha256(line));
    return line;
  }
  get rows(): number {
    return this.digests.length;
  }
  digest(): string {
    const h = hasher('sha256');
    for (const d of [...this.digests].sort(Buffer.compare)) h.update(d);
    return h.digest('hex');
  }
}

/** Splits a byte stream into lines (the archive is newline-delimited JSON). */
export async function* readLines(chunks: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string> {
  let rest = '';
  // A multi-byte character may straddle two chunks: decode statefully.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(Buffer.from(chunk));
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
  }
  rest += decoder.end();
  if (rest.length > 0) yield rest;
}
