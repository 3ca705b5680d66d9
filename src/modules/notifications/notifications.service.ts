// Telling staff what happened (issue #15, item 6): a quote accepted or declined, a document opened
// or acknowledged in the portal, a payment received or failed, a delivery (an invoice or a
// reminder) bounced. The module that sees the event calls `notifyInTx` in its own transaction, so
// the notification exists exactly when the event does; each member who may see the event (its
// permission, checked now) gets an in-app notification and/or an email, per their preferences.
// Emails are durable jobs (platform/jobs) written in the same transaction.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { newId } from '../../platform/ids.ts';
import type { MailQueue } from '../../platform/mail/mail.job.ts';
import type { Permission } from '../../platform/permissions.ts';
import {
  countUnread,
  insertNotifications,
  listNotifications,
  listPreferences,
  markRead,
  upsertPreference,
} from './notifications.repo.ts';

export const NOTIFICATION_KINDS = [
  'quote_accepted',
  'quote_declined',
  'document_opened',
  'document_acknowledged',
  'payment_received',
  'payment_failed',
  'delivery_bounced',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Who may be told, and whether email is on until a member chooses (in-app always is). */
const KIND: Record<NotificationKind, { permission: Permission; email: boolean }> = {
  quote_accepted: { permission: 'invoice:read', email: true },
  quote_declined: { permission: 'invoice:read', email: true },
  document_opened: { permission: 'invoice:read', email: false },
  document_acknowledged: { permission: 'invoice:read', email: false },
  payment_received: { permission: 'payment:read', email: false },
  payment_failed: { permission: 'payment:read', email: true },
  delivery_bounced: { permission: 'invoice:read', email: true },
};

export const notificationSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export const preferencesSchema = z.object({
  items: z.array(z.object({ kind: z.enum(NOTIFICATION_KINDS), inApp: z.boolean(), email: z.boolean() })),
});
export const preferencesInput = z.strictObject({
  items: z
    .array(z.strictObject({ kind: z.enum(NOTIFICATION_KINDS), inApp: z.boolean(), email: z.boolean() }))
    .max(NOTIFICATION_KINDS.length),
});

export interface NotificationEvent {
  title: string;
  body: string;
  /** A staff app path such as /app/quotes/<id>. */
  link: string | null;
}

export interface NotificationsDeps {
  db: Database;
  keyring: Keyring;
  clock: Clock;
  mail: MailQueue;
  publicUrl: string;
  /** Active members holding a permission now (identity). */
  membersHoldingInTx: (
    ex: Executor,
    orgId: string,
    permission: Permission,
  ) => Promise<Array<{ userId: string; email: string }>>;
}

const contentAad = (id: string) => ({ table: 'notifications', row: id, column: 'content_enc' });

export function createNotificationsService({
  db,
  keyring,
  clock,
  mail,
  publicUrl,
  membersHoldingInTx: membersHolding,
}: NotificationsDeps) {
  const service = {
    async notifyInTx(tx: Executor, orgId: string, kind: NotificationKind, e: NotificationEvent): Promise<void> {
      const members = await membersHolding(tx, orgId, KIND[kind].permission);
      const prefs = new Map(
        (
          await listPreferences(
            tx,
            orgId,
            members.map((m) => m.userId),
          )
        )
          .filter((p) => p.kind === kind)
          .map((p) => [p.user_id, p]),
      );
      const at = clock.now();
      const crypto = await keyring.forOrg(tx, orgId);
      const rows = [];
      for (const m of members) {
        const p = prefs.get(m.userId);
        const id = newId(at.getTime());
        if (p ? p.in_app === 1 : true)
          rows.push({
            id,
            org_id: orgId,
            user_id: m.userId,
            kind,
            content_enc: crypto.encryptJson({ title: e.title, body: e.body }, contentAad(id)),
            link: e.link,
            read_at: null,
            created_at: at.toISOString(),
          });
        if (p ? p.email === 1 : KIND[kind].email)
          await mail(tx, {
            to: m.email,
            subject: e.title,
            text: `${e.body}\n${e.link ? `\n${publicUrl}${e.link}\n` : ''}\nChoose what you are told about under My account → Notifications: ${publicUrl}/app/account\n`,
          });
      }
      await insertNotifications(tx, rows);
    },

    async list(orgId: string, userId: string, opts: { unreadOnly: boolean; limit: number; beforeId: string | null }) {
      const [rows, unread, crypto] = await Promise.all([
        listNotifications(db, orgId, userId, opts),
        countUnread(db, orgId, userId),
        keyring.forOrg(db, orgId),
      ]);
      return {
        unread,
        items: rows.map((r) => ({
          id: r.id,
          kind: r.kind as NotificationKind,
          ...(crypto.decryptJson(r.content_enc, contentAad(r.id)) as { title: string; body: string }),
          link: r.link,
          readAt: r.read_at,
          createdAt: r.created_at,
        })),
      };
    },

    async markRead(orgId: string, userId: string, ids: string[] | null): Promise<{ marked: number }> {
      return { marked: await markRead(db, orgId, userId, ids, clock.now().toISOString()) };
    },

    async preferences(orgId: string, userId: string) {
      const saved = new Map((await listPreferences(db, orgId, [userId])).map((p) => [p.kind, p]));
      return {
        items: NOTIFICATION_KINDS.map((kind) => {
          const p = saved.get(kind);
          return { kind, inApp: p ? p.in_app === 1 : true, email: p ? p.email === 1 : KIND[kind].email };
        }),
      };
    },

    async setPreferences(
      orgId: string,
      userId: string,
      items: Array<{ kind: NotificationKind; inApp: boolean; email: boolean }>,
    ) {
      await inTx(db, async (tx) => {
        for (const i of items)
          await upsertPreference(tx, {
            org_id: orgId,
            user_id: userId,
            kind: i.kind,
            in_app: i.inApp ? 1 : 0,
            email: i.email ? 1 : 0,
          });
      });
      return service.preferences(orgId, userId);
    },
  };
  return service;
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
