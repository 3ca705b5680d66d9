// Staff notifications (issue #15, item 6): one row per member per event, in the event's own
// transaction, and each member's choice of in-app and email per kind.
import type { Kysely } from 'kysely';
import type { MigrationTypes } from './types.ts';

export async function up(db: Kysely<unknown>, _t: MigrationTypes): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // The title and text name clients: encrypted like the rest of their data ({title, body} as JSON).
    .addColumn('content_enc', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('read_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // A member's list, newest first, and the unread count.
  await db.schema.createIndex('notifications_user').on('notifications').columns(['org_id', 'user_id', 'id']).execute();
  await db.schema
    .createTable('notification_preferences')
    .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('in_app', 'integer', (c) => c.notNull())
    .addColumn('email', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['org_id', 'user_id', 'kind'])
    .execute();
}
