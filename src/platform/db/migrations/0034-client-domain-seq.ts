// The look-alike check reads the org's known domains from a per-process cache (docs/DECISIONS.md
// D19) instead of the keyed look-alike tokens of migration 0025, which cost ~150 random index
// writes per new domain.
// - client_domains.seq: per organization, the order in which domain rows were written. A cache
//   that has read up to seq w reads only `seq > w` next time (client-domains.ts says why no row
//   can appear later below w). Existing rows are numbered 1..n per org in id order (any order
//   would do: the caches start empty).
// - client_domain_seq: each organization's last seq. A writer takes the next one with an upsert
//   whose row lock it holds until commit, which is what orders the seqs by commit.
// - client_domain_tokens and its index are dropped: nothing reads them any more.
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, t: MigrationTypes): Promise<void> {
  const int = t.dialect === 'sqlite' ? 'integer' : 'bigint';
  await db.schema
    .alterTable('client_domains')
    .addColumn('seq', int, (c) => c.notNull().defaultTo(0))
    .execute();
  // UPDATE … FROM: PostgreSQL, and SQLite since 3.33. One pass, not a count per row.
  await sql`update client_domains set seq = n.seq
    from (select id, row_number() over (partition by org_id order by id) as seq from client_domains) as n
    where client_domains.id = n.id`.execute(db);
  // The default only served the existing rows; SQLite cannot drop it (every insert names seq).
  if (t.dialect === 'postgres') await sql`alter table client_domains alter column seq drop default`.execute(db);
  await db.schema.createIndex('client_domains_seq').on('client_domains').columns(['org_id', 'seq']).unique().execute();
  await db.schema
    .createTable('client_domain_seq')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('orgs.id'))
    .addColumn('seq', int, (c) => c.notNull())
    .execute();
  await sql`insert into client_domain_seq (org_id, seq) select org_id, max(seq) from client_domains group by org_id`.execute(
    db,
  );
  await db.schema.dropIndex('client_domain_tokens_domain').ifExists().execute();
  await db.schema.dropTable('client_domain_tokens').execute();
}
