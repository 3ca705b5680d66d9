import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { okSchema } from '../../platform/http/schemas.ts';
import { inTx } from '../../platform/db/tx.ts';
import type { Database } from '../../platform/db/kysely.ts';
import type { OrgService } from './org.service.ts';
import { orgSchema, payoutSchema, updateOrgInput } from './org.schemas.ts';

export function registerOrgRoutes(root: FastifyInstance, { db, orgs }: { db: Database; orgs: OrgService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['organization'];
  app.get('/api/v1/org', { schema: { tags, response: { 200: orgSchema } } }, (req) => orgs.get(staff(req).orgId));
  app.patch('/api/v1/org', { schema: { tags, body: updateOrgInput, response: { 200: orgSchema } } }, (req) =>
    orgs.update(staff(req).orgId, req.body, actorOf(req)),
  );
  app.get(
    '/api/v1/org/payout',
    { schema: { tags, response: { 200: z.object({ payout: payoutSchema.nullable(), updatedAt: z.string().nullable() }) } } },
    (req) => orgs.getPayout(staff(req).orgId),
  );
  app.put('/api/v1/org/payout', { schema: { tags, body: payoutSchema, response: { 200: okSchema } } }, async (req) => {
    const p = staff(req);
    await inTx(db, (tx) => orgs.setPayoutInTx(tx, p.orgId, req.body, actorOf(req)));
    return { ok: true as const };
  });
}
