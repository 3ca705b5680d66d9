import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { bulkActionInput, bulkJobSchema } from './bulk.schemas.ts';
import type { BulkService } from './bulk.service.ts';

export function registerBulkRoutes(root: FastifyInstance, { bulk }: { bulk: BulkService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['bulk-actions'];

  app.post(
    '/api/v1/bulk-actions',
    {
      schema: {
        tags,
        body: bulkActionInput,
        response: { 202: bulkJobSchema },
        description:
          'Starts a bulk action on selected documents (ids) or on every document a list filter matches (at most 10,000). It runs in the background, one document at a time through the single action (same permission, same audit); poll GET /api/v1/bulk-actions/{id}.',
      },
    },
    async (req, reply) => {
      const p = staff(req);
      reply.code(202);
      return bulk.create(p.orgId, req.body, { actor: actorOf(req), userId: p.userId, permissions: p.permissions });
    },
  );
  app.get('/api/v1/bulk-actions/:id', { schema: { tags, params: idParam, response: { 200: bulkJobSchema } } }, (req) =>
    bulk.get(staff(req).orgId, req.params.id),
  );
  app.get(
    '/api/v1/bulk-actions/:id/file',
    {
      schema: {
        tags,
        params: idParam,
        description: 'The ZIP (PDFs or e-invoices named by document number) or CSV of a finished download or export.',
      },
    },
    async (req, reply) => {
      const file = await bulk.file(staff(req).orgId, req.params.id);
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .send(file.bytes);
    },
  );
}
