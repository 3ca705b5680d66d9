import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { pageOf } from '../../platform/http/pagination.ts';
import { idParam } from '../../platform/http/schemas.ts';
import type { CatalogService } from './catalog.service.ts';
import {
  itemInput,
  itemPatch,
  itemSchema,
  listQuery,
  taxRateInput,
  taxRatePatch,
  taxRateSchema,
} from './catalog.schemas.ts';
import { need } from '../../platform/http/access.ts';

export function registerCatalogRoutes(root: FastifyInstance, { catalog }: { catalog: CatalogService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/tax-rates',
    {
      config: { access: need('item:read') },
      schema: {
        tags: ['tax rates'],
        querystring: z.strictObject({ includeArchived: listQuery.shape.includeArchived }),
        response: { 200: z.object({ items: z.array(taxRateSchema) }) },
      },
    },
    async (req) => ({ items: await catalog.listTaxRates(staff(req).orgId, req.query.includeArchived) }),
  );
  app.post(
    '/api/v1/tax-rates',
    {
      config: { access: need('item:write') },
      schema: { tags: ['tax rates'], body: taxRateInput, response: { 201: taxRateSchema } },
    },
    async (req, reply) => {
      reply.code(201);
      return catalog.createTaxRate(staff(req).orgId, req.body, actorOf(req));
    },
  );
  app.get(
    '/api/v1/tax-rates/:id',
    {
      config: { access: need('item:read') },
      schema: { tags: ['tax rates'], params: idParam, response: { 200: taxRateSchema } },
    },
    (req) => catalog.getTaxRate(staff(req).orgId, req.params.id),
  );
  app.patch(
    '/api/v1/tax-rates/:id',
    {
      config: { access: need('item:write') },
      schema: { tags: ['tax rates'], params: idParam, body: taxRatePatch, response: { 200: taxRateSchema } },
    },
    (req) => catalog.updateTaxRate(staff(req).orgId, req.params.id, req.body, actorOf(req)),
  );

  app.get(
    '/api/v1/items',
    {
      config: { access: need('item:read') },
      schema: { tags: ['items'], querystring: listQuery, response: { 200: pageOf(itemSchema) } },
    },
    (req) => catalog.listItems(staff(req).orgId, req.query),
  );
  app.post(
    '/api/v1/items',
    {
      config: { access: need('item:write') },
      schema: { tags: ['items'], body: itemInput, response: { 201: itemSchema } },
    },
    async (req, reply) => {
      reply.code(201);
      return catalog.createItem(staff(req).orgId, req.body, actorOf(req));
    },
  );
  app.get(
    '/api/v1/items/:id',
    {
      config: { access: need('item:read') },
      schema: { tags: ['items'], params: idParam, response: { 200: itemSchema } },
    },
    (req) => catalog.getItem(staff(req).orgId, req.params.id),
  );
  app.patch(
    '/api/v1/items/:id',
    {
      config: { access: need('item:write') },
      schema: { tags: ['items'], params: idParam, body: itemPatch, response: { 200: itemSchema } },
    },
    (req) => catalog.updateItem(staff(req).orgId, req.params.id, req.body, actorOf(req)),
  );
}
