// Staff routes for protected payout details.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { idParam, okSchema } from '../../platform/http/schemas.ts';
import { payoutDetailsSchema, payoutSchema } from '../orgs/org.schemas.ts';
import type { PayoutProtectionService } from './payout-protection.service.ts';
import { need } from '../../platform/http/access.ts';

const changeSchema = z.object({
  id: z.string(),
  status: z.enum(['pending', 'applied', 'cancelled']),
  ending: z.string(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  effectiveAt: z.string(),
  approvalRequired: z.boolean(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  appliedAt: z.string().nullable(),
});
const policyInput = z.strictObject({
  coolingOffHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 30),
  requireSecondApproval: z.boolean(),
});
const policySchema = policyInput.extend({ inForce: policyInput, strictUntil: z.string().nullable() });
export function registerPayoutRoutes(root: FastifyInstance, { payout }: { payout: PayoutProtectionService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['organization'];

  app.get(
    '/api/v1/org/payout',
    {
      config: { access: need('payout:read') },
      schema: {
        tags,
        response: {
          200: z.object({
            payout: payoutDetailsSchema.nullable(),
            updatedAt: z.string().nullable(),
            pending: changeSchema.nullable(),
          }),
        },
      },
    },
    (req) => payout.current(staff(req).orgId),
  );
  app.put(
    '/api/v1/org/payout',
    {
      config: { access: need('payout:update') },
      schema: {
        tags,
        description:
          'Requests new payout details: 202 with a pending change (cooling-off), or 200 with an applied one for the first details of an organization that has issued no invoice.',
        body: payoutSchema,
        response: { 200: changeSchema, 202: changeSchema },
      },
    },
    async (req, reply) => {
      const change = await payout.request(staff(req).orgId, req.body, req.principal, actorOf(req));
      return reply.code(change.status === 'applied' ? 200 : 202).send(change);
    },
  );
  app.get(
    '/api/v1/org/payout/changes',
    {
      config: { access: need('payout:read') },
      schema: { tags, response: { 200: z.object({ items: z.array(changeSchema) }) } },
    },
    async (req) => ({
      items: await payout.list(staff(req).orgId),
    }),
  );
  app.post(
    '/api/v1/org/payout/changes/:id/cancel',
    { config: { access: need('payout:update') }, schema: { tags, params: idParam, response: { 200: changeSchema } } },
    (req) => payout.cancel(staff(req).orgId, req.params.id, req.principal, actorOf(req)),
  );
  app.post(
    '/api/v1/org/payout/changes/:id/approve',
    { config: { access: need('payout:update') }, schema: { tags, params: idParam, response: { 200: changeSchema } } },
    (req) => payout.approve(staff(req).orgId, req.params.id, req.principal, actorOf(req)),
  );
  app.get(
    '/api/v1/org/payout/policy',
    { config: { access: need('payout:read') }, schema: { tags, response: { 200: policySchema } } },
    (req) => payout.getPolicy(staff(req).orgId),
  );
  app.put(
    '/api/v1/org/payout/policy',
    { config: { access: need('settings:security') }, schema: { tags, body: policyInput, response: { 200: okSchema } } },
    async (req) => {
      await payout.setPolicy(staff(req).orgId, req.body, req.principal, actorOf(req));
      return { ok: true as const };
    },
  );
}
