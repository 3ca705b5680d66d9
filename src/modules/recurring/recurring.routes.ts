import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { runSchema, type RecurringSendService } from './recurring-send.service.ts';
import { scheduleInput, schedulePatch, scheduleSchema, type RecurringService } from './recurring.service.ts';
import { need } from '../../platform/http/access.ts';

export function registerRecurringRoutes(
  root: FastifyInstance,
  { recurring, recurringSend }: { recurring: RecurringService; recurringSend: RecurringSendService },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['recurring'];
  app.get(
    '/api/v1/recurring-schedules',
    {
      config: { access: need('recurring:read') },
      schema: { tags, response: { 200: z.object({ items: z.array(scheduleSchema) }) } },
    },
    async (req) => ({
      items: await recurring.list(staff(req).orgId),
    }),
  );
  app.post(
    '/api/v1/recurring-schedules',
    {
      config: { access: need('recurring:write') },
      schema: {
        tags,
        description:
          'Creates a schedule; nothing is issued by this request (the worker runs due periods). autoIssue needs invoice:issue; a start more than one period back needs an owner or admin and confirmBackdatedStart.',
        body: scheduleInput,
        response: { 201: scheduleSchema },
      },
    },
    async (req, reply) => {
      const p = staff(req);
      reply.code(201);
      return recurring.create(p.orgId, req.body, actorOf(req), { userId: p.userId, permissions: p.permissions });
    },
  );
  app.get(
    '/api/v1/recurring-schedules/:id',
    {
      config: { access: need('recurring:read') },
      schema: { tags, params: idParam, response: { 200: scheduleSchema } },
    },
    (req) => recurring.get(staff(req).orgId, req.params.id),
  );
  app.patch(
    '/api/v1/recurring-schedules/:id',
    {
      config: { access: need('recurring:write') },
      schema: {
        tags,
        description:
          'Edits the template (lines, discount, notes, terms) and the rhythm (frequency, next run, end). The next run is today or later and after the period last invoiced; turning autoSend on needs invoice:send. Issues nothing itself.',
        params: idParam,
        body: schedulePatch,
        response: { 200: scheduleSchema },
      },
    },
    (req) => {
      const p = staff(req);
      return recurring.update(p.orgId, req.params.id, req.body, actorOf(req), {
        userId: p.userId,
        permissions: p.permissions,
      });
    },
  );
  app.get(
    '/api/v1/recurring-schedules/:id/runs',
    {
      config: { access: need('recurring:read') },
      schema: {
        tags,
        description: "The automatic sendings of the schedule's invoices (autoSend), newest first, with their outcome.",
        params: idParam,
        response: { 200: z.object({ items: z.array(runSchema) }) },
      },
    },
    async (req) => {
      const orgId = staff(req).orgId;
      await recurring.get(orgId, req.params.id); // 404 for another organization's schedule
      return { items: await recurringSend.runs(orgId, req.params.id) };
    },
  );
  app.post(
    '/api/v1/recurring-runs/:id/resolve',
    {
      config: { access: need('invoice:send') },
      schema: {
        tags,
        description:
          'Marks a failed, interrupted or partial automatic sending as dealt with (e.g. sent by hand): it leaves the dashboard.',
        params: idParam,
        response: { 200: runSchema },
      },
    },
    (req) => recurringSend.resolve(staff(req).orgId, req.params.id, actorOf(req)),
  );
  app.post(
    '/api/v1/recurring-schedules/:id/status',
    {
      config: { access: need('recurring:write') },
      schema: {
        tags,
        params: idParam,
        body: z.strictObject({ status: z.enum(['active', 'paused', 'ended']) }),
        response: { 200: scheduleSchema },
      },
    },
    (req) => recurring.setStatus(staff(req).orgId, req.params.id, req.body.status, actorOf(req)),
  );
  app.post(
    '/api/v1/recurring-schedules/:id/issuer',
    {
      config: { access: need('invoice:issue') },
      schema: {
        tags,
        description:
          'You (holding invoice:issue) vouch for the schedule issuing automatically from now on; lifts an auto-issue hold. Issues nothing itself.',
        params: idParam,
        response: { 200: scheduleSchema },
      },
    },
    (req) => {
      const p = staff(req);
      return recurring.confirmIssuer(p.orgId, req.params.id, actorOf(req), {
        userId: p.userId,
        permissions: p.permissions,
      });
    },
  );
}
