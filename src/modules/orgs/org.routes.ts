import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import type { Database } from '../../platform/db/kysely.ts';
import type { OrgService } from './org.service.ts';
import { orgSchema, updateOrgInput } from './org.schemas.ts';
import { need } from '../../platform/http/access.ts';

export function registerOrgRoutes(root: FastifyInstance, { orgs }: { db: Database; orgs: OrgService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['organization'];
  app.get(
    '/api/v1/org',
    { config: { access: need('org:read') }, schema: { tags, response: { 200: orgSchema } } },
    (req) => orgs.get(staff(req).orgId),
  );
  app.patch(
    '/api/v1/org',
    {
      config: { access: need('org:update') },
      schema: {
        tags,
        description:
          'Updates the organization. Changing what prints on documents (name, address, country, tax ids, email) needs a recent re-authentication (API tokens are refused) and is announced to every owner and admin.',
        body: updateOrgInput,
        response: { 200: orgSchema },
      },
    },
    (req) => orgs.update(staff(req).orgId, req.body, actorOf(req), req.principal),
  );
  // Payout details (GET/PUT /api/v1/org/payout) are protected: see modules/verification/payout.routes.ts.
}
