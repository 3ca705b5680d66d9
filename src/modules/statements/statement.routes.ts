// Statements of account: staff read any client's of their org (client:read), a portal contact
// reads only its own client's (the client comes from the portal session, never from the request).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import type { PortalPrincipal } from '../../platform/http/principal.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { statementQuery, statementSchema } from './statement.schemas.ts';
import type { StatementPdf, StatementService } from './statement.service.ts';
import { need, PORTAL } from '../../platform/http/access.ts';

function portal(req: FastifyRequest): PortalPrincipal {
  const p = req.principal;
  if (!p || p.realm !== 'portal') throw new AppError('unauthenticated', 'Client portal sign-in required');
  return p;
}

const sendPdf = (reply: FastifyReply, pdf: StatementPdf) =>
  reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${pdf.filename}"`)
    .header('x-content-sha256', pdf.sha256)
    .header('cache-control', 'no-store')
    .send(pdf.bytes);

const JSON_DESCRIPTION =
  'Statement of account for a period and currency: opening balance, invoices, credit notes, payments and refunds with a running balance, closing balance, and the invoices overdue at the end of the period. Without from/to: this calendar year so far; without currency: the client’s.';
const PDF_DESCRIPTION = 'The same statement as a PDF signed with the organization’s signing identity (PAdES).';

// Access: a statement lists a client's invoices, credit notes and payments, so staff need invoice:read;
// the portal contact sees only their own client's statement.
export function registerStatementRoutes(root: FastifyInstance, { statements }: { statements: StatementService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/clients/:id/statement',
    {
      config: { access: need('invoice:read') },
      schema: {
        tags: ['clients'],
        description: JSON_DESCRIPTION,
        params: idParam,
        querystring: statementQuery,
        response: { 200: statementSchema },
      },
    },
    (req) => statements.get(staff(req).orgId, req.params.id, req.query, { kind: 'staff' }),
  );
  app.get(
    '/api/v1/clients/:id/statement.pdf',
    {
      config: { access: need('invoice:read') },
      schema: { tags: ['clients'], description: PDF_DESCRIPTION, params: idParam, querystring: statementQuery },
    },
    async (req, reply) =>
      sendPdf(reply, await statements.pdf(staff(req).orgId, req.params.id, req.query, { kind: 'staff' }, actorOf(req))),
  );

  app.get(
    '/api/v1/portal/statement',
    {
      config: { access: PORTAL },
      schema: {
        tags: ['portal'],
        description: JSON_DESCRIPTION,
        querystring: statementQuery,
        response: { 200: statementSchema },
      },
    },
    (req) => {
      const p = portal(req);
      return statements.get(p.orgId, p.clientId, req.query, { kind: 'portal', contactId: p.contactId });
    },
  );
  app.get(
    '/api/v1/portal/statement.pdf',
    {
      config: { access: PORTAL },
      schema: { tags: ['portal'], description: PDF_DESCRIPTION, querystring: statementQuery },
    },
    async (req, reply) => {
      const p = portal(req);
      return sendPdf(
        reply,
        await statements.pdf(p.orgId, p.clientId, req.query, { kind: 'portal', contactId: p.contactId }, actorOf(req)),
      );
    },
  );
}
