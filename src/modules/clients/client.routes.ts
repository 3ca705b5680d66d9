import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { countedPageOf } from '../../platform/http/pagination.ts';
import { idParam } from '../../platform/http/schemas.ts';
import type { ClientService } from './client.service.ts';
import {
  clientInput,
  clientListQuery,
  clientPatch,
  clientSchema,
  clientSummarySchema,
  contactInput,
} from './client.schemas.ts';
import { need } from '../../platform/http/access.ts';

export function registerClientRoutes(root: FastifyInstance, { clients }: { clients: ClientService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['clients'];

  app.get(
    '/api/v1/clients',
    {
      config: { access: need('client:read') },
      schema: { tags, querystring: clientListQuery, response: { 200: countedPageOf(clientSummarySchema) } },
    },
    (req) => clients.list(staff(req).orgId, req.query),
  );

  app.post(
    '/api/v1/clients',
    { config: { access: need('client:write') }, schema: { tags, body: clientInput, response: { 201: clientSchema } } },
    async (req, reply) => {
      reply.code(201);
      return clients.create(staff(req).orgId, req.body, actorOf(req));
    },
  );

  app.get(
    '/api/v1/clients/:id',
    { config: { access: need('client:read') }, schema: { tags, params: idParam, response: { 200: clientSchema } } },
    (req) => clients.get(staff(req).orgId, req.params.id),
  );

  app.patch(
    '/api/v1/clients/:id',
    {
      config: { access: need('client:write') },
      schema: { tags, params: idParam, body: clientPatch, response: { 200: clientSchema } },
    },
    (req) => clients.update(staff(req).orgId, req.params.id, req.body, actorOf(req)),
  );

  app.delete(
    '/api/v1/clients/:id',
    { config: { access: need('client:write') }, schema: { tags, params: idParam, response: { 200: clientSchema } } },
    (req) => clients.archive(staff(req).orgId, req.params.id, actorOf(req)),
  );

  app.post(
    '/api/v1/clients/:id/contacts',
    {
      config: { access: need('client:write') },
      schema: { tags, params: idParam, body: contactInput, response: { 201: clientSchema } },
    },
    async (req, reply) => {
      reply.code(201);
      return clients.addContact(staff(req).orgId, req.params.id, req.body, actorOf(req));
    },
  );

  app.delete(
    '/api/v1/clients/:id/contacts/:contactId',
    {
      config: { access: need('client:write') },
      schema: { tags, params: z.strictObject({ id: z.uuid(), contactId: z.uuid() }), response: { 200: clientSchema } },
    },
    (req) => clients.removeContact(staff(req).orgId, req.params.id, req.params.contactId, actorOf(req)),
  );
}
