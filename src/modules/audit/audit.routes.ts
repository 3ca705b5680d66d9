import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../platform/db/kysely.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import type { AuditService } from './audit.service.ts';

const entry = z.object({
  seq: z.number(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  summary: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  hash: z.string(),
});

export function registerAuditRoutes(root: FastifyInstance, { db, audit }: { db: Database; audit: AuditService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];
  app.get(
    '/api/v1/audit-events',
    {
      schema: {
        tags,
        querystring: z.strictObject({
          action: z.string().max(100).optional(),
          actorId: z.string().max(100).optional(),
          objectId: z.string().max(100).optional(),
          from: z.iso.datetime().optional(),
          to: z.iso.datetime().optional(),
          afterSeq: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(entry) }) },
      },
    },
    async (req) => {
      const rows = await audit.list(db, { orgId: staff(req).orgId, ...req.query });
      return {
        items: rows.map((r) => ({
          seq: Number(r.seq),
          at: r.at,
          actorType: r.actor_type,
          actorId: r.actor_id,
          action: r.action,
          objectType: r.object_type,
          objectId: r.object_id,
          summary: JSON.parse(r.summary) as Record<string, unknown>,
          ip: r.ip,
          hash: r.hash,
        })),
      };
    },
  );
  app.post(
    '/api/v1/audit-events/verify',
    {
      schema: {
        tags,
        response: { 200: z.object({ ok: z.boolean(), count: z.number(), head: z.string().optional(), badSeq: z.number().optional(), reason: z.string().optional() }) },
      },
    },
    (req) => audit.verify(db, staff(req).orgId),
  );
}
