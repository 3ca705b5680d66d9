import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staff } from '../../platform/http/auth-hooks.ts';
import {
  notificationSchema,
  preferencesInput,
  preferencesSchema,
  type NotificationsService,
} from './notifications.service.ts';
import { need } from '../../platform/http/access.ts';

// Access: a member's own notifications, scoped to the member in the handler, so org:read suffices.
/** A member's own notifications and preferences: every route is scoped to the signed-in member. */
export function registerNotificationRoutes(
  root: FastifyInstance,
  { notifications }: { notifications: NotificationsService },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['notifications'];
  app.get(
    '/api/v1/notifications',
    {
      config: { access: need('org:read') },
      schema: {
        tags,
        querystring: z.strictObject({
          unread: z.enum(['true', 'false']).default('false'),
          limit: z.coerce.number().int().min(1).max(100).default(30),
          before: z.uuid().optional().describe('the id of the last notification of the previous page'),
        }),
        response: { 200: z.object({ unread: z.number(), items: z.array(notificationSchema) }) },
      },
    },
    (req) => {
      const p = staff(req);
      return notifications.list(p.orgId, p.userId, {
        unreadOnly: req.query.unread === 'true',
        limit: req.query.limit,
        beforeId: req.query.before ?? null,
      });
    },
  );
  app.post(
    '/api/v1/notifications/read',
    {
      config: { access: need('org:read') },
      schema: {
        tags,
        description: 'Marks your notifications read: those named, or all of them when `ids` is left out.',
        body: z.strictObject({ ids: z.array(z.uuid()).max(100).optional() }),
        response: { 200: z.object({ marked: z.number() }) },
      },
    },
    (req) => {
      const p = staff(req);
      return notifications.markRead(p.orgId, p.userId, req.body.ids ?? null);
    },
  );
  app.get(
    '/api/v1/me/notification-preferences',
    { config: { access: need('org:read') }, schema: { tags, response: { 200: preferencesSchema } } },
    (req) => {
      const p = staff(req);
      return notifications.preferences(p.orgId, p.userId);
    },
  );
  app.put(
    '/api/v1/me/notification-preferences',
    {
      config: { access: need('org:read') },
      schema: { tags, body: preferencesInput, response: { 200: preferencesSchema } },
    },
    (req) => {
      const p = staff(req);
      return notifications.setPreferences(p.orgId, p.userId, req.body.items);
    },
  );
}
