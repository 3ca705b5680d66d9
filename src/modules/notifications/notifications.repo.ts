import { sql } from 'kysely';
import type { Executor } from '../../platform/db/kysely.ts';
import type { NotificationPreferencesTable, NotificationsTable } from './notifications.tables.ts';

export type NotificationRow = NotificationsTable;
export type PreferenceRow = NotificationPreferencesTable;

export async function insertNotifications(ex: Executor, rows: NotificationRow[]): Promise<void> {
  if (rows.length > 0) await ex.insertInto('notifications').values(rows).execute();
}

/** A member's notifications, newest first, before `beforeId` when given. */
export function listNotifications(
  ex: Executor,
  orgId: string,
  userId: string,
  opts: { unreadOnly: boolean; limit: number; beforeId: string | null },
): Promise<NotificationRow[]> {
  let q = ex.selectFrom('notifications').selectAll().where('org_id', '=', orgId).where('user_id', '=', userId);
  if (opts.unreadOnly) q = q.where('read_at', 'is', null);
  if (opts.beforeId) q = q.where('id', '<', opts.beforeId);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
}

export async function countUnread(ex: Executor, orgId: string, userId: string): Promise<number> {
  const r = await ex
    .selectFrom('notifications')
    .select(sql<number>`count(*)`.as('n'))
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Marks the member's own notifications read (`ids` null: all of them). */
export async function markRead(ex: Executor, orgId: string, userId: string, ids: string[] | null, at: string) {
  let q = ex
    .updateTable('notifications')
    .set({ read_at: at })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (ids) q = q.where('id', 'in', ids.length ? ids : ['']);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function listPreferences(ex: Executor, orgId: string, userIds: string[]): Promise<PreferenceRow[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return ex
    .selectFrom('notification_preferences')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('user_id', 'in', userIds)
    .execute();
}

export async function upsertPreference(ex: Executor, row: PreferenceRow): Promise<void> {
  await ex
    .insertInto('notification_preferences')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'user_id', 'kind']).doUpdateSet({ in_app: row.in_app, email: row.email }))
    .execute();
}
