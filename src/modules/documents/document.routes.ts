import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { multilineText } from '../../platform/http/text-guard.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database } from '../../platform/db/kysely.ts';
import type { DocumentKind } from './documents.tables.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { idempotencyScope, withIdempotency } from '../../platform/http/idempotency.ts';
import { countedPageOf } from '../../platform/http/pagination.ts';
import { idParam, okSchema } from '../../platform/http/schemas.ts';
import type { LifecycleService } from './document-lifecycle.service.ts';
import { EINVOICE_FORMATS } from '../einvoice/einvoice.formats.ts';
import { EINVOICE_PREFERENCES } from '../einvoice/einvoice.schemas.ts';
import {
  DOCUMENT_KINDS,
  documentListQuery,
  documentSchema,
  documentSummarySchema,
  draftInput,
  draftPatch,
  issueInput,
  nextNumberInput,
  numberingPreviewSchema,
} from './document.schemas.ts';
import type { DocumentService } from './document.service.ts';
import { need } from '../../platform/http/access.ts';

const einvoiceCheckSchema = z.object({
  format: z.enum(EINVOICE_PREFERENCES),
  issues: z.array(
    z.object({
      ruleId: z.string(),
      message: z.string(),
      field: z.string().describe('the Sealbill field to fix, e.g. client.vatId'),
    }),
  ),
  transport: z
    .union([
      z.object({ configured: z.literal(false), message: z.string() }),
      z.object({ configured: z.literal(true), accessPoint: z.string() }),
    ])
    .optional()
    .describe('peppol-bis: whether Sealbill can send it over Peppol (no access point is configured yet)'),
});

export const DOCUMENT_PREFIXES: Record<DocumentKind, string> = {
  invoice: 'invoices',
  quote: 'quotes',
  credit_note: 'credit-notes',
};

export interface DocumentRouteDeps {
  db: Database;
  clock: Clock;
  keyring: Keyring;
  documents: DocumentService;
  lifecycle: LifecycleService;
}

export function registerDocumentRoutes(root: FastifyInstance, deps: DocumentRouteDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { documents, lifecycle } = deps;

  for (const [kind, prefix] of Object.entries(DOCUMENT_PREFIXES) as Array<[DocumentKind, string]>) {
    const base = `/api/v1/${prefix}`;
    const tags = [prefix];

    app.get(
      base,
      {
        config: { access: need('invoice:read') },
        schema: { tags, querystring: documentListQuery, response: { 200: countedPageOf(documentSummarySchema) } },
      },
      (req) => documents.list(staff(req).orgId, kind, req.query),
    );
    app.post(
      base,
      {
        config: { access: need('invoice:write') },
        schema: { tags, body: draftInput, response: { 201: documentSchema } },
      },
      (req, reply) => {
        const p = staff(req);
        return withIdempotency(deps, req, reply, idempotencyScope(p), 201, (tx) =>
          documents.createInTx(tx, p.orgId, kind, req.body, actorOf(req)),
        );
      },
    );
    app.post(
      `${base}/:id/duplicate`,
      {
        config: { access: need('invoice:write') },
        schema: { tags, params: idParam, response: { 201: documentSchema } },
      },
      (req, reply) => {
        const p = staff(req);
        return withIdempotency(deps, req, reply, idempotencyScope(p), 201, (tx) =>
          documents.duplicateInTx(tx, p.orgId, kind, req.params.id, actorOf(req)),
        );
      },
    );
    app.get(
      `${base}/:id`,
      {
        config: { access: need('invoice:read') },
        schema: { tags, params: idParam, response: { 200: documentSchema } },
      },
      (req) => documents.get(staff(req).orgId, kind, req.params.id),
    );
    app.patch(
      `${base}/:id`,
      {
        config: { access: need('invoice:write') },
        schema: { tags, params: idParam, body: draftPatch, response: { 200: documentSchema } },
      },
      (req) => documents.updateDraft(staff(req).orgId, kind, req.params.id, req.body, actorOf(req)),
    );
    app.delete(
      `${base}/:id`,
      { config: { access: need('invoice:write') }, schema: { tags, params: idParam, response: { 200: okSchema } } },
      async (req) => {
        await documents.removeDraft(staff(req).orgId, kind, req.params.id, actorOf(req));
        return { ok: true as const };
      },
    );
    app.post(
      `${base}/:id/issue`,
      {
        config: { access: need('invoice:issue') },
        schema: { tags, params: idParam, body: issueInput, response: { 200: documentSchema } },
      },
      (req, reply) => {
        const p = staff(req);
        const opts = { confirmWithoutPayoutDetails: req.body?.confirmWithoutPayoutDetails ?? false };
        return withIdempotency(deps, req, reply, idempotencyScope(p), 200, (tx) =>
          lifecycle.issueInTx(tx, p.orgId, kind, req.params.id, actorOf(req), opts),
        );
      },
    );
    app.post(
      `${base}/:id/mark-sent`,
      {
        config: { access: need('invoice:send') },
        schema: { tags, params: idParam, response: { 200: documentSchema } },
      },
      (req) => lifecycle.markSent(staff(req).orgId, kind, req.params.id, actorOf(req)),
    );
    app.get(
      `${base}/:id/pdf`,
      { config: { access: need('invoice:read') }, schema: { tags, params: idParam } },
      async (req, reply) => {
        const pdf = await lifecycle.pdf(staff(req).orgId, kind, req.params.id);
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${pdf.filename}"`)
          .header('x-content-sha256', pdf.sha256)
          .header('cache-control', 'no-store')
          .send(pdf.bytes);
      },
    );
    // A draft rendered on request (invoice:read): shown inline in the staff app, never cached.
    app.get(
      `${base}/:id/preview.pdf`,
      {
        config: { access: need('invoice:read') },
        schema: {
          tags,
          params: idParam,
          description: 'A draft as it would print today, marked DRAFT, without a number; not stored or signed.',
        },
      },
      async (req, reply) => {
        const pdf = await lifecycle.previewPdf(staff(req).orgId, kind, req.params.id);
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${pdf.filename}"`)
          .header('cache-control', 'no-store')
          .send(pdf.bytes);
      },
    );
  }

  // Numbering (issue #13, item 7): what the next numbers are, and continuing a series from a
  // chosen number (a mid-year switch from another program).
  app.get(
    '/api/v1/numbering',
    {
      config: { access: need('invoice:read') },
      schema: { tags: ['numbering'], response: { 200: z.object({ items: z.array(numberingPreviewSchema) }) } },
    },
    async (req) => ({ items: await documents.numberingPreview(staff(req).orgId) }),
  );
  app.put(
    '/api/v1/numbering/:kind/next',
    {
      config: { access: need('org:update') },
      schema: {
        tags: ['numbering'],
        params: z.strictObject({ kind: z.enum(DOCUMENT_KINDS) }),
        body: nextNumberInput,
        response: { 200: numberingPreviewSchema },
      },
    },
    (req) => documents.setNextNumber(staff(req).orgId, req.params.kind, req.body.nextValue, actorOf(req)),
  );

  // E-invoices (issue #12): the XML of an issued invoice or credit note, and the pre-issue check.
  for (const kind of ['invoice', 'credit_note'] as const) {
    const base = `/api/v1/${DOCUMENT_PREFIXES[kind]}/:id/einvoice`;
    const tags = [DOCUMENT_PREFIXES[kind]];
    app.get(
      base,
      {
        config: { access: need('invoice:read') },
        schema: {
          tags,
          params: idParam,
          querystring: z.strictObject({ format: z.enum(EINVOICE_FORMATS) }),
          description:
            'The e-invoice of an issued document, byte-stable (application/xml). Drafts: 409; a format whose rules the document breaks: 422 listing them.',
        },
      },
      async (req, reply) => {
        const file = await lifecycle.einvoice(staff(req).orgId, kind, req.params.id, req.query.format);
        return reply
          .type(file.contentType)
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .header('cache-control', 'no-store')
          .send(file.bytes);
      },
    );
    app.get(
      `${base}/check`,
      {
        config: { access: need('invoice:read') },
        schema: {
          tags,
          params: idParam,
          querystring: z.strictObject({ format: z.enum(EINVOICE_FORMATS).optional() }),
          response: { 200: einvoiceCheckSchema },
          description: 'What issuing would refuse for the format (default: the client’s preferred format).',
        },
      },
      (req) => lifecycle.einvoiceCheck(staff(req).orgId, kind, req.params.id, req.query.format),
    );
  }

  const inv = '/api/v1/invoices/:id';
  app.post(
    `${inv}/void`,
    {
      config: { access: need('invoice:void') },
      schema: {
        tags: ['invoices'],
        params: idParam,
        body: z.strictObject({
          reason: multilineText(500, { printed: true }).default('').describe('printed in the credit note’s notes'),
        }),
        response: { 200: z.object({ invoice: documentSchema, creditNote: documentSchema }) },
      },
    },
    (req) => lifecycle.voidInvoice(staff(req).orgId, req.params.id, req.body.reason, actorOf(req)),
  );

  const quote = '/api/v1/quotes/:id';
  app.post(
    `${quote}/accept`,
    {
      config: { access: need('invoice:write') },
      schema: { tags: ['quotes'], params: idParam, response: { 200: documentSchema } },
    },
    (req) => lifecycle.acceptQuote(staff(req).orgId, req.params.id, actorOf(req)),
  );
  app.post(
    `${quote}/decline`,
    {
      config: { access: need('invoice:write') },
      schema: { tags: ['quotes'], params: idParam, response: { 200: documentSchema } },
    },
    (req) => lifecycle.declineQuote(staff(req).orgId, req.params.id, actorOf(req)),
  );
  app.post(
    `${quote}/convert`,
    {
      config: { access: need('invoice:write') },
      schema: { tags: ['quotes'], params: idParam, response: { 201: documentSchema } },
    },
    async (req, reply) => {
      reply.code(201);
      return lifecycle.convertQuote(staff(req).orgId, req.params.id, actorOf(req));
    },
  );
}
