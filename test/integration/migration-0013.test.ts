// Migration 0013 (issue #12) on a database that already holds data, on SQLite and PostgreSQL:
// existing tax rates become S (rate > 0) or Z (0 %), existing clients get the format 'none'.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config/env.ts';
import { openDatabase } from '../../src/platform/db/kysely.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { MIGRATIONS } from '../../src/platform/db/migrations/index.ts';
import { describeEachDb } from '../helpers/instance.ts';
import { pgAdmin } from '../helpers/pg.ts';

describeEachDb('migration 0013 on an existing database', (dialect) => {
  it('gives existing tax rates their category (S above 0 %, Z at 0 %) and existing clients no e-invoice format', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sealbill-m0013-'));
    const schema = `m_${randomBytes(6).toString('hex')}`;
    const config: DatabaseConfig =
      dialect === 'sqlite'
        ? { dialect, path: path.join(dir, 'db.sqlite') }
        : { dialect, url: process.env.TEST_DATABASE_URL!, schema };
    if (dialect === 'postgres') await pgAdmin(`CREATE SCHEMA ${schema}`);
    const handle = openDatabase(config);
    try {
      const before = Object.keys(MIGRATIONS).filter((m) => m < '0013');
      await migrateToLatest(handle, before);
      const now = '2025-12-01T00:00:00.000Z';
      await sql`INSERT INTO orgs (id, name, default_currency, locale, time_zone, payment_terms_days, numbering, profile_enc, payout_enc, payout_updated_at, security_policy, created_at, updated_at)
        VALUES ('org-1', 'Old GmbH', 'EUR', 'de-DE', 'Europe/Berlin', 30, '{}', 'x', NULL, NULL, '{}', ${now}, ${now})`.execute(
        handle.db,
      );
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
    } finally {
      await handle.close();
      if (dialect === 'postgres') await pgAdmin(`DROP SCHEMA ${schema} CASCADE`);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
