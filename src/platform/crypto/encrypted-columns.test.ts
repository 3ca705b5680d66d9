// Every column the migrations create with a name ending in _enc must be in the registry, or key
// rotation would leave it under the old key forever. This migrates a fresh database and compares.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog, type CatalogTable } from '../db/catalog.ts';
import { openDatabase, type DbHandle } from '../db/kysely.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { ENCRYPTED_COLUMNS } from './encrypted-columns.ts';

describe('encrypted column registry', () => {
  let handle: DbHandle;
  let tables: CatalogTable[];
  beforeAll(async () => {
    handle = openDatabase({ dialect: 'sqlite', path: ':memory:' });
    await migrateToLatest(handle);
    tables = await readCatalog(handle.db, 'sqlite');
  });
  afterAll(() => handle.close());

  it('registers every *_enc column the migrations create', () => {
    const registered = new Set(ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`));
    const missing = tables
      .flatMap((t) => t.columns.filter((c) => c.name.endsWith('_enc')).map((c) => `${t.name}.${c.name}`))
      .filter((n) => !registered.has(n));
    expect(missing, 'add these to src/platform/crypto/encrypted-columns.ts').toEqual([]);
  });

  it('names only tables and columns that exist, with the right storage type', () => {
    for (const c of ENCRYPTED_COLUMNS) {
      const t = tables.find((x) => x.name === c.table);
      expect(t, `${c.table} exists`).toBeDefined();
      const col = (n: string) => t!.columns.find((x) => x.name === n);
      expect(col(c.column)?.type, `${c.table}.${c.column}`).toBe(c.kind === 'bytes' ? 'bytes' : 'text');
      expect(col(c.idColumn), `${c.table}.${c.idColumn}`).toBeDefined();
      expect(col(c.orgColumn ?? 'org_id'), `${c.table}.${c.orgColumn ?? 'org_id'}`).toBeDefined();
      for (const b of c.blindIndexes ?? []) expect(col(b.column), `${c.table}.${b.column}`).toBeDefined();
    }
  });
});
