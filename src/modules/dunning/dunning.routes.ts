import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { idParam } from '../../platform/http/schemas.ts';
import {
  clientDunningInput,
  clientDunningSchema,
  holdInput,
  invoiceDunningSchema,
  planInput,
  planSchema,
  referenceRatesInput,
  referenceRatesSchema,
  reminderSchema,
  sendReminderInput,
} from './dunning.schemas.ts';
import type { DunningService } from './dunning.service.ts';
import { need } from '../../platform/http/access.ts';

// Access: reminders follow the invoice (read/send); plans and reference rates are organization settings.
export function registerDunningRoutes(root: FastifyInstance, { dunning }: { dunning: DunningService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['dunning'];

  app.get(
    '/api/v1/invoices/:id/reminders',
    {
      config: { access: need('invoice:read') },
      schema: {
        tags,
        description: "The invoice's reminders so far, its plan, state (active, paused, stopped) and next step.",
        params: idParam,
        response: { 200: invoiceDunningSchema },
      },
    },
    (req) => dunning.forInvoice(staff(req).orgId, req.params.id),
  );
  app.post(
    '/api/v1/invoices/:id/reminders',
    {
      config: { access: need('invoice:send') },
      schema: {
        tags,
        description:
          "Sends a reminder now through the client's delivery mode (also while reminders are paused), with the charges asked for.",
        params: idParam,
        body: sendReminderInput,
        response: { 201: reminderSchema },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return dunning.sendNow(staff(req).orgId, req.params.id, req.body, actorOf(req));
    },
  );
  app.get(
    '/api/v1/invoices/:id/reminders/:reminderId/pdf',
    {
      config: { access: need('invoice:read') },
      schema: {
        tags,
        description: 'The signed reminder document that itemises the late-payment charges (application/pdf).',
        params: z.strictObject({ id: z.uuid(), reminderId: z.uuid() }),
      },
    },
    async (req, reply) => {
      const f = await dunning.documentPdf(staff(req).orgId, req.params.id, req.params.reminderId);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${f.filename}"`)
        .header('x-content-sha256', f.sha256)
        .send(f.bytes);
    },
  );
  app.put(
    '/api/v1/invoices/:id/reminders/state',
    {
      config: { access: need('invoice:send') },
      schema: { tags, params: idParam, body: holdInput, response: { 200: invoiceDunningSchema } },
    },
    (req) => dunning.setState(staff(req).orgId, req.params.id, req.body.state, actorOf(req)),
  );

  app.get(
    '/api/v1/dunning/plans',
    {
      config: { access: need('invoice:read') },
      schema: { tags, response: { 200: z.object({ items: z.array(planSchema) }) } },
    },
    async (req) => ({ items: await dunning.plans(staff(req).orgId) }),
  );
  app.post(
    '/api/v1/dunning/plans',
    { config: { access: need('org:update') }, schema: { tags, body: planInput, response: { 201: planSchema } } },
    async (req, reply) => {
      reply.code(201);
      return dunning.savePlan(staff(req).orgId, null, req.body, actorOf(req));
    },
  );
  app.put(
    '/api/v1/dunning/plans/:id',
    {
      config: { access: need('org:update') },
      schema: { tags, params: idParam, body: planInput, response: { 200: planSchema } },
    },
    (req) => dunning.savePlan(staff(req).orgId, req.params.id, req.body, actorOf(req)),
  );
  app.get(
    '/api/v1/dunning/reference-rates',
    { config: { access: need('invoice:read') }, schema: { tags, response: { 200: referenceRatesSchema } } },
    (req) => dunning.referenceRates(staff(req).orgId),
  );
  app.put(
    '/api/v1/dunning/reference-rates',
    {
      config: { access: need('org:update') },
      schema: {
        tags,
        description:
          'Replaces the reference rates statutory interest is computed from (each valid from its date until the next).',
        body: referenceRatesInput,
        response: { 200: referenceRatesSchema },
      },
    },
    (req) => dunning.setReferenceRates(staff(req).orgId, req.body.items, actorOf(req)),
  );
  app.get(
    '/api/v1/clients/:id/reminders',
    {
      config: { access: need('client:read') },
      schema: { tags, params: idParam, response: { 200: clientDunningSchema } },
    },
    (req) => dunning.clientSetting(staff(req).orgId, req.params.id),
  );
  app.put(
    '/api/v1/clients/:id/reminders',
    {
      config: { access: need('client:write') },
      schema: { tags, params: idParam, body: clientDunningInput, response: { 200: clientDunningSchema } },
    },
    (req) => dunning.setClientSetting(staff(req).orgId, req.params.id, req.body, actorOf(req)),
  );
}
