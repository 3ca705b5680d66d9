// Recurring schedules that issue invoices on their own (issue #10 §2). A schedule now records who
// vouches for its automatic issuing (`issuer_user_id`: a member who held invoice:issue when the
// schedule was created or confirmed), and, when a run found that member no longer holding it (or
// no issuer recorded), why its invoices are left as drafts (`issue_hold`, `issue_hold_since`).
// Existing schedules get the issuer the audit log names as their creator (a user, or the user of
// the API token), which each run then checks like any other.
import { sql, type Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema.alterTable('recurring_schedules').addColumn('issuer_user_id', 'text').execute();
  await db.schema.alterTable('recurring_schedules').addColumn('issue_hold', 'text').execute();
  await db.schema.alterTable('recurring_schedules').addColumn('issue_hold_since', 'text').execute();
  await backfillRecurringIssuers(db);
}

/** Each schedule's creator, as its `recurring.created` audit entry names it (exported for its test). */
export async function backfillRecurringIssuers(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE recurring_schedules SET issuer_user_id = COALESCE(
      (SELECT a.actor_id FROM audit_events a
        WHERE a.org_id = recurring_schedules.org_id AND a.action = 'recurring.created' AND a.object_id = recurring_schedules.id AND a.actor_type = 'user'
        ORDER BY a.seq LIMIT 1),
      (SELECT t.user_id FROM audit_events a JOIN api_tokens t ON t.id = a.actor_id
        WHERE a.org_id = recurring_schedules.org_id AND a.action = 'recurring.created' AND a.object_id = recurring_schedules.id AND a.actor_type = 'token'
        ORDER BY a.seq LIMIT 1))
  `.execute(db);
}
