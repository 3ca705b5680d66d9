// POST /api/v1/exports: the organization's data as a download. Permission data:export (route
// table) plus step-up: a session that re-authenticated within the last minutes; API tokens never
// qualify, so a leaked token cannot carry the whole client list away in one request.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Clock } from '../../platform/clock.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { requireStepUp } from '../../platform/http/step-up.ts';
import { exportRequest } from './export.schemas.ts';
import type { ExportService } from './export.service.ts';
import { need } from '../../platform/http/access.ts';

export function registerExportRoutes(
  root: FastifyInstance,
  { dataExport, clock }: { dataExport: ExportService; clock: Clock },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  // The body is a file, not a JSON answer for the serializer: the service has already passed the
  // JSON export through orgExportSchema (the list of fields allowed out), as the PDF routes do with bytes.
  app.post(
    '/api/v1/exports',
    {
      config: { access: need('data:export') },
      schema: {
        tags: ['organization'],
        description:
          'Exports the organization’s data (JSON, or invoices as CSV) as a download. Needs data:export and a recent re-authentication; API tokens are refused.',
        body: exportRequest,
      },
    },
    async (req, reply) => {
      requireStepUp(req.principal, clock, 'Exporting your organization’s data');
      const p = staff(req);
      const file = await dataExport.exportOrg(
        p.orgId,
        { format: req.body.format, includePayout: p.permissions.has('payout:read') },
        actorOf(req),
      );
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );
}
