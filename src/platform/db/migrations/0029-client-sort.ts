// Document lists sort by client too (issue #13, item 1; the choice: docs/DECISIONS.md D16). Client
// names are encrypted, and neither a plaintext copy nor an order-preserving keyed value of them may
// be stored (docs/SECURITY.md, "Lists and sorting"), so "by client" groups a list's documents by
// client in the order the clients were created (their UUIDv7 ids). Like every other sort it has an
// index matching its ORDER BY and keyset condition exactly — (org_id, kind, client_id, id) — so a
// page reads only the rows it returns. `documents_client` (org_id, client_id) stays: it answers a
// client's documents of every kind. The clients list pages by id (newest or oldest first), and
// `clients_org_created` (org_id, created_at, id) matches no ORDER BY of it: `clients_by_created`
// (org_id, id) does.
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await sql`create index documents_by_client on documents (org_id, kind, client_id, id)`.execute(db);
  await sql`create index clients_by_created on clients (org_id, id)`.execute(db);
}
