import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DocumentKind } from '../documents/documents.tables.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { DOCUMENT_PREFIXES } from '../documents/document.routes.ts';
import type { DeliveryKeysService } from './delivery-keys.service.ts';
import type { DeliveryTrackingService } from './delivery-tracking.service.ts';
import {
  bounceInput,
  clientKeysInput,
  clientKeysSchema,
  deliverySchema,
  sealedLinkCreated,
  sealedLinkInput,
  messageTemplateInput,
  messageTemplateSchema,
  sendInput,
  sendPreviewSchema,
  sendResultSchema,
  templateParams,
  templatesSchema,
} from './delivery.schemas.ts';
import type { TemplatesService } from './templates.service.ts';
import type { DeliveryService } from './delivery.service.ts';
import { EVENT_TYPES } from './evidence.chain.ts';
import { need } from '../../platform/http/access.ts';

export interface DeliveryRouteDeps {
  delivery: DeliveryService;
  tracking: DeliveryTrackingService;
  keys: DeliveryKeysService;
  templates: TemplatesService;
}

const signedEvidence = z.object({
  content: z.object({
    v: z.literal(1),
    org: z.string(),
    delivery: z.string(),
    seq: z.number(),
    type: z.enum(EVENT_TYPES),
    at: z.string(),
    data: z.record(z.string(), z.unknown()),
    prev: z.string(),
  }),
  hash: z.string(),
  signature: z.string(),
  keyId: z.string(),
  timestampToken: z.string().nullable().optional(),
});

export const evidenceCertificateSchema = z.object({
  format: z.literal('sealbill.delivery-evidence.v1'),
  issuedAt: z.string(),
  issuer: z.object({ orgId: z.string(), name: z.string() }),
  key: z.object({ algorithm: z.literal('Ed25519'), keyId: z.string(), publicKeyPem: z.string() }),
  delivery: z.object({
    id: z.string(),
    mode: z.string(),
    documentKind: z.string(),
    documentNumber: z.string().nullable(),
    documentSha256: z.string(),
    createdAt: z.string(),
  }),
  events: z.array(signedEvidence),
  head: z.string(),
  signature: z.string(),
});

export function registerDeliveryRoutes(
  root: FastifyInstance,
  { delivery, tracking, keys, templates }: DeliveryRouteDeps,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['delivery'];

  for (const [kind, prefix] of Object.entries(DOCUMENT_PREFIXES) as Array<[DocumentKind, string]>) {
    const base = `/api/v1/${prefix}/:id`;
    app.post(
      `${base}/send`,
      {
        config: { access: need('invoice:send') },
        schema: { tags, params: idParam, body: sendInput, response: { 201: sendResultSchema } },
      },
      async (req, reply) => {
        reply.code(201);
        return delivery.send(staff(req).orgId, kind, req.params.id, req.body, actorOf(req));
      },
    );
    app.post(
      `${base}/send/preview`,
      {
        config: { access: need('invoice:send') },
        schema: {
          tags,
          description:
            'What sending would say (recipients, subject, opening, text) with the same body as /send; sends and records nothing.',
          params: idParam,
          body: sendInput,
          response: { 200: sendPreviewSchema },
        },
      },
      (req) => delivery.preview(staff(req).orgId, kind, req.params.id, req.body),
    );
    app.get(
      `${base}/deliveries`,
      {
        config: { access: need('invoice:read') },
        schema: { tags, params: idParam, response: { 200: z.object({ items: z.array(deliverySchema) }) } },
      },
      async (req) => ({
        items: await tracking.listForDocument(staff(req).orgId, kind, req.params.id),
      }),
    );
    app.post(
      `${base}/sealed-links`,
      {
        config: { access: need('invoice:send') },
        schema: { tags, params: idParam, body: sealedLinkInput, response: { 201: sealedLinkCreated } },
      },
      async (req, reply) => {
        reply.code(201);
        return delivery.createSealedLink(staff(req).orgId, kind, req.params.id, req.body, actorOf(req));
      },
    );
  }

  app.get(
    '/api/v1/email-templates',
    {
      config: { access: need('invoice:read') },
      schema: {
        tags: ['templates'],
        description:
          "The organization's wording of each message kind per language, and each kind's placeholders and built-in wording.",
        response: { 200: templatesSchema },
      },
    },
    (req) => templates.list(staff(req).orgId),
  );
  app.put(
    '/api/v1/email-templates/:kind/:language',
    {
      config: { access: need('org:update') },
      schema: {
        tags: ['templates'],
        params: templateParams,
        body: messageTemplateInput,
        response: { 200: messageTemplateSchema },
      },
    },
    (req) => templates.save(staff(req).orgId, req.params.kind, req.params.language, req.body, actorOf(req)),
  );
  app.delete(
    '/api/v1/email-templates/:kind/:language',
    {
      config: { access: need('org:update') },
      schema: { tags: ['templates'], description: 'Back to the built-in wording.', params: templateParams },
    },
    async (req, reply) => {
      await templates.remove(staff(req).orgId, req.params.kind, req.params.language, actorOf(req));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/deliveries/:id',
    { config: { access: need('invoice:read') }, schema: { tags, params: idParam, response: { 200: deliverySchema } } },
    (req) => tracking.get(staff(req).orgId, req.params.id),
  );

  app.get(
    '/api/v1/deliveries/:id/certificate.json',
    {
      config: { access: need('invoice:read') },
      schema: { tags, params: idParam, response: { 200: evidenceCertificateSchema } },
    },
    async (req, reply) => {
      reply.header('content-disposition', `attachment; filename="delivery-${req.params.id}.json"`);
      return tracking.certificate(staff(req).orgId, req.params.id);
    },
  );

  app.get(
    '/api/v1/deliveries/:id/certificate.pdf',
    { config: { access: need('invoice:read') }, schema: { tags, params: idParam } },
    async (req, reply) => {
      const pdf = await tracking.certificatePdf(staff(req).orgId, req.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${pdf.filename}"`)
        .header('cache-control', 'no-store')
        .send(pdf.bytes);
    },
  );

  app.post(
    '/api/v1/deliveries/:id/revoke',
    { config: { access: need('invoice:send') }, schema: { tags, params: idParam, response: { 200: deliverySchema } } },
    (req) => delivery.revoke(staff(req).orgId, req.params.id, actorOf(req)),
  );

  app.post(
    '/api/v1/deliveries/:id/bounce',
    {
      config: { access: need('invoice:send') },
      schema: { tags, params: idParam, body: bounceInput, response: { 200: deliverySchema } },
    },
    (req) => delivery.recordBounce(staff(req).orgId, req.params.id, req.body.diagnostic, actorOf(req)),
  );

  app.get(
    '/api/v1/clients/:id/keys',
    {
      config: { access: need('client:read') },
      schema: { tags: ['clients'], params: idParam, response: { 200: clientKeysSchema } },
    },
    (req) => keys.getClientKeys(staff(req).orgId, req.params.id),
  );
  app.put(
    '/api/v1/clients/:id/keys',
    {
      config: { access: need('client:write') },
      schema: { tags: ['clients'], params: idParam, body: clientKeysInput, response: { 200: clientKeysSchema } },
    },
    (req) => keys.putClientKeys(staff(req).orgId, req.params.id, req.body, actorOf(req)),
  );
  app.post(
    '/api/v1/clients/:id/keys/wkd',
    {
      config: { access: need('client:write') },
      schema: { tags: ['clients'], params: idParam, response: { 200: clientKeysSchema } },
    },
    (req) => keys.discoverWkd(staff(req).orgId, req.params.id, actorOf(req)),
  );
}
