// E-invoicing data (issue #12 item 1). Only what is not personal data gets a column:
//  - tax_rates: the UNCL5305 VAT category and, where the category needs one, the exemption reason
//    text (BT-120) and VATEX code (BT-121). Existing rates become S (rate > 0) or Z (0 %), which is
//    what they meant before e-invoicing existed.
//  - clients: the preferred e-invoice format ('none' for every existing client: nothing changes
//    for them until a format is chosen).
// The new organization, client and document fields (VAT ids, electronic addresses, contact,
// buyer/order references, supply date…) are sealed with the data they belong to: the org profile
// (profile_enc), the client's personal data (pii_enc) and the document body (body_enc). Their
// schemas read rows written before this migration with null defaults, so no row is rewritten.
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .alterTable('tax_rates')
    .addColumn('vat_category', 'text', (c) => c.notNull().defaultTo('S'))
    .execute();
  await db.schema.alterTable('tax_rates').addColumn('exemption_reason', 'text').execute();
  await db.schema.alterTable('tax_rates').addColumn('exemption_code', 'text').execute();
  await sql`UPDATE tax_rates SET vat_category = 'Z' WHERE rate_bp = 0`.execute(db);
  await db.schema
    .alterTable('clients')
    .addColumn('einvoice_format', 'text', (c) => c.notNull().defaultTo('none'))
    .execute();
}
