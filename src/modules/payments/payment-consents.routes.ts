// Saved payment methods (a client's authorisation to charge them off-session): staff see and
// revoke a client's on the client's page; the client's portal contacts see and revoke their own.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import type { PortalPrincipal } from '../../platform/http/principal.ts';
import { idParam } from '../../platform/http/schemas.ts';
import type { ClientService } from '../clients/client.service.ts';
import { consentSchema, type PaymentConsentService } from './payment-consents.service.ts';
import { need, PORTAL } from '../../platform/http/access.ts';

const consentParams = z.strictObject({ id: z.uuid('must be an id'), consentId: z.uuid('must be an id') });

function portal(req: FastifyRequest): PortalPrincipal {
  const p = req.principal;
  if (!p || p.realm !== 'portal') throw new AppError('unauthenticated', 'Client portal sign-in required');
  return p;
}

// Access: saved payment methods (a client's consent to off-session charges) are seen like payments
// (payment:read) and revoked by whoever may record them (payment:record).
export function registerPaymentConsentRoutes(
  root: FastifyInstance,
  { consents, clients }: { consents: PaymentConsentService; clients: Pick<ClientService, 'get'> },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['payments'];
  const list = z.object({ items: z.array(consentSchema) });

  app.get(
    '/api/v1/clients/:id/payment-methods',
    {
      config: { access: need('payment:read') },
      schema: {
        tags,
        description:
          "The payment methods the client saved at a checkout and authorised the organization to charge (recurring invoices with autoCharge), revoked ones included. Only a label (brand and last four digits) is shown; the provider's references stay sealed.",
        params: idParam,
        response: { 200: list },
      },
    },
    async (req) => {
      const orgId = staff(req).orgId;
      await clients.get(orgId, req.params.id); // 404 for another organization's client
      return { items: await consents.list(orgId, req.params.id) };
    },
  );
  app.post(
    '/api/v1/clients/:id/payment-methods/:consentId/revoke',
    {
      config: { access: need('payment:record') },
      schema: {
        tags,
        description:
          'Withdraws the authorisation: the method is never charged again (schedules then send the invoice to pay).',
        params: consentParams,
        response: { 200: consentSchema },
      },
    },
    (req) => consents.revoke(staff(req).orgId, req.params.id, req.params.consentId, actorOf(req)),
  );

  app.get(
    '/api/v1/portal/payment-methods',
    {
      config: { access: PORTAL },
      schema: { tags, description: 'Your saved payment methods with this organization.', response: { 200: list } },
    },
    async (req) => {
      const p = portal(req);
      return { items: await consents.list(p.orgId, p.clientId) };
    },
  );
  app.post(
    '/api/v1/portal/payment-methods/:id/revoke',
    {
      config: { access: PORTAL },
      schema: {
        tags,
        description: 'Withdraws your authorisation to charge this saved payment method.',
        params: idParam,
        response: { 200: consentSchema },
      },
    },
    (req) => {
      const p = portal(req);
      return consents.revoke(p.orgId, p.clientId, req.params.id, actorOf(req));
    },
  );
}
