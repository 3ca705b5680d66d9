// Migration 0013 (issue #12) on a database that already holds data, on SQLite and PostgreSQL:
// existing tax rates become S (rate > 0) or Z (0 %), existing clients get the format 'none'.
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { describeEachDb } from '../helpers/instance.ts';
import { insertOrgRow, withDatabaseBefore } from '../helpers/migration.ts';

describeEachDb('migration 0013 on an existing database', (dialect) => {
  it('gives existing tax rates their category (S above 0 %, Z at 0 %) and existing clients no e-invoice format', async () => {
    await withDatabaseBefore(dialect, '0013', async (handle) => {
      const now = '2025-12-01T00:00:00.000Z';
      await insertOrgRow(handle.db, 'org-1', 'Old GmbH', now);
      await sql`INSERT INTO tax_rates (id, org_id, name, rate_bp, inclusive, archived_at, created_at) VALUES ('r-19', 'org-1', 'USt', 1900, 0, NULL, ${now}), ('r-0', 'org-1', 'Null', 0, 0, NULL, ${now})`.execute(
        handle.db,
      );
      await sql`INSERT INTO clients (id, org_id, pii_enc, email_bidx, currency, language, delivery_mode, archived_at, created_at, updated_at)
        VALUES ('c-1', 'org-1', 'x', NULL, 'EUR', 'de-DE', 'portal-link', NULL, ${now}, ${now})`.execute(handle.db);

      expect(await migrateToLatest(handle)).toContain('0013-einvoice-fields');
      const rates = await handle.db
        .selectFrom('tax_rates')
        .select(['id', 'vat_category', 'exemption_reason', 'exemption_code'])
        .orderBy('id')
        .execute();
      expect(rates).toEqual([
        { id: 'r-0', vat_category: 'Z', exemption_reason: null, exemption_code: null },
        { id: 'r-19', vat_category: 'S', exemption_reason: null, exemption_code: null },
      ]);
      expect(await handle.db.selectFrom('clients').select('einvoice_format').executeTakeFirstOrThrow()).toEqual({
        einvoice_format: 'none',
      });
      expect(await migrateToLatest(handle)).toEqual([]);
    });
  });
});
