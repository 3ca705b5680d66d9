// Staff routes for payments: an invoice's payments and refunds, provider settings (connecting keys needs step-up), pay
// links, provider refunds and disputes (step-up), receipts, reconciliation flags, attachments.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { idempotencyScope, withIdempotency } from '../../platform/http/idempotency.ts';
import { idParam, okSchema } from '../../platform/http/schemas.ts';
import { countedPageOf } from '../../platform/http/pagination.ts';
import { requireStepUp } from '../../platform/http/step-up.ts';
import {
  attachmentInput,
  attachmentSchema,
  MAX_ATTACHMENT_BYTES,
  type PaymentAttachmentService,
} from './payment-attachments.service.ts';
import { disputeSchema, providerRefundInput, type PaymentActionsService } from './payment-actions.service.ts';
import {
  paymentSettingsSchema,
  providerName,
  settingsPatch,
  type PaymentSettingsService,
} from './payment-settings.service.ts';
import {
  paymentInput,
  paymentListItemSchema,
  paymentListQuery,
  paymentSchema,
  refundInput,
} from './payment.schemas.ts';
import type { PaymentListService } from './payment-list.service.ts';
import type { PaymentService } from './payment.service.ts';
import { createdPayLinkSchema, payLinkInput, payLinkSchema, type PayLinkService } from './pay-links.service.ts';
import { PROVIDERS } from './providers/registry.ts';
import { PROVIDER_NAMES } from './providers/provider.ts';
import { flagSchema, type ReconciliationService } from './reconciliation.service.ts';
import type { ReceiptService } from './receipt.service.ts';
import { need } from '../../platform/http/access.ts';

export interface PaymentRouteDeps {
  db: Database;
  clock: Clock;
  keyring: Keyring;
  payments: PaymentService;
  paymentList: PaymentListService;
  settings: PaymentSettingsService;
  payLinks: PayLinkService;
  actions: PaymentActionsService;
  receipts: ReceiptService;
  reconciliation: ReconciliationService;
  attachments: PaymentAttachmentService;
}

export function registerPaymentRoutes(root: FastifyInstance, deps: PaymentRouteDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { clock, payments, settings, payLinks, actions, receipts, reconciliation, attachments } = deps;
  const tags = ['payments'];
  const stepUp = (req: FastifyRequest, what: string) => requireStepUp(req.principal, clock, what);

  // The organization's payments and refunds, a keyset page at a time (payment-list.service.ts).
  app.get(
    '/api/v1/payments',
    {
      config: { access: need('payment:read') },
      schema: { tags, querystring: paymentListQuery, response: { 200: countedPageOf(paymentListItemSchema) } },
    },
    (req) => deps.paymentList.list(staff(req).orgId, req.query),
  );

  const inv = '/api/v1/invoices/:id';
  app.get(
    `${inv}/payments`,
    {
      config: { access: need('payment:read') },
      schema: { tags, params: idParam, response: { 200: z.object({ items: z.array(paymentSchema) }) } },
    },
    async (req) => ({
      items: await payments.list(staff(req).orgId, req.params.id),
    }),
  );
  app.post(
    `${inv}/payments`,
    {
      config: { access: need('payment:record') },
      schema: { tags, params: idParam, body: paymentInput, response: { 201: paymentSchema } },
    },
    (req, reply) => {
      const p = staff(req);
      return withIdempotency(deps, req, reply, idempotencyScope(p), 201, (tx) =>
        payments.recordInTx(tx, p.orgId, req.params.id, req.body, actorOf(req)),
      );
    },
  );
  // Money going back out needs a fresh re-authentication, like provider refunds (API tokens never qualify).
  app.post(
    `${inv}/refunds`,
    {
      config: { access: need('payment:refund') },
      schema: { tags, params: idParam, body: refundInput, response: { 201: paymentSchema } },
    },
    async (req, reply) => {
      requireStepUp(req.principal, clock, 'Refunding a payment');
      reply.code(201);
      return payments.refund(staff(req).orgId, req.params.id, req.body, actorOf(req));
    },
  );

  app.get(
    '/api/v1/payment-settings',
    { config: { access: need('org:read') }, schema: { tags, response: { 200: paymentSettingsSchema } } },
    (req) => settings.get(staff(req).orgId),
  );
  app.patch(
    '/api/v1/payment-settings',
    {
      config: { access: need('org:update') },
      schema: { tags, body: settingsPatch, response: { 200: paymentSettingsSchema } },
    },
    (req) => settings.update(staff(req).orgId, req.body, actorOf(req)),
  );
  for (const name of PROVIDER_NAMES) {
    const body = z.strictObject({ enabled: z.boolean().default(true), settings: PROVIDERS[name].settingsInput });
    app.put(
      `/api/v1/payment-settings/providers/${name}`,
      { config: { access: need('org:update') }, schema: { tags, body, response: { 200: paymentSettingsSchema } } },
      (req) => {
        stepUp(req, `Connecting a ${name} account`);
        return settings.connect(staff(req).orgId, name, req.body.settings, req.body.enabled, actorOf(req));
      },
    );
  }
  app.delete(
    '/api/v1/payment-settings/providers/:provider',
    {
      config: { access: need('org:update') },
      schema: { tags, params: z.strictObject({ provider: providerName }), response: { 200: paymentSettingsSchema } },
    },
    (req) => {
      stepUp(req, 'Disconnecting a payment provider');
      return settings.disconnect(staff(req).orgId, req.params.provider, actorOf(req));
    },
  );

  app.post(
    '/api/v1/invoices/:id/pay-links',
    {
      config: { access: need('invoice:send') },
      schema: { tags, params: idParam, body: payLinkInput, response: { 201: createdPayLinkSchema } },
    },
    async (req, reply) => {
      reply.code(201);
      return payLinks.create(staff(req).orgId, req.params.id, req.body, actorOf(req));
    },
  );
  app.get(
    '/api/v1/invoices/:id/pay-links',
    {
      config: { access: need('invoice:read') },
      schema: { tags, params: idParam, response: { 200: z.object({ items: z.array(payLinkSchema) }) } },
    },
    async (req) => ({
      items: await payLinks.list(staff(req).orgId, req.params.id),
    }),
  );
  app.post(
    '/api/v1/pay-links/:id/revoke',
    { config: { access: need('invoice:send') }, schema: { tags, params: idParam, response: { 200: payLinkSchema } } },
    (req) => payLinks.revoke(staff(req).orgId, req.params.id, actorOf(req)),
  );

  app.post(
    '/api/v1/payments/:id/refunds',
    {
      config: { access: need('payment:refund') },
      schema: { tags, params: idParam, body: providerRefundInput, response: { 201: paymentSchema } },
    },
    async (req, reply) => {
      stepUp(req, 'Refunding a payment');
      const refund = await actions.refund(staff(req).orgId, req.params.id, req.body, actorOf(req));
      reply.code(201);
      return refund;
    },
  );
  app.get(
    '/api/v1/payments/:id/receipt',
    { config: { access: need('payment:read') }, schema: { tags, params: idParam } },
    async (req, reply) => {
      const r = await receipts.get(staff(req).orgId, req.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${r.filename}"`)
        .header('x-content-sha256', r.sha256)
        .send(r.bytes);
    },
  );

  app.get(
    '/api/v1/payments/disputes',
    {
      config: { access: need('payment:read') },
      schema: { tags, response: { 200: z.object({ items: z.array(disputeSchema) }) } },
    },
    (req) => actions.listDisputes(staff(req).orgId),
  );
  app.post(
    '/api/v1/payments/disputes/:id/accept',
    { config: { access: need('payment:refund') }, schema: { tags, params: idParam, response: { 200: disputeSchema } } },
    (req) => {
      stepUp(req, 'Accepting a dispute');
      return actions.acceptDispute(staff(req).orgId, req.params.id, actorOf(req));
    },
  );

  app.get(
    '/api/v1/payments/reconciliation-flags',
    {
      config: { access: need('payment:read') },
      schema: {
        tags,
        querystring: z.strictObject({ resolved: z.enum(['true', 'false']).default('false') }),
        response: { 200: z.object({ items: z.array(flagSchema) }) },
      },
    },
    (req) => reconciliation.listFlags(staff(req).orgId, req.query.resolved === 'true'),
  );
  app.post(
    '/api/v1/payments/reconciliation-flags/:id/resolve',
    { config: { access: need('payment:record') }, schema: { tags, params: idParam, response: { 200: okSchema } } },
    (req) => reconciliation.resolveFlag(staff(req).orgId, req.params.id, actorOf(req)),
  );
  app.post(
    '/api/v1/payments/reconciliation/run',
    {
      config: { access: need('payment:record') },
      schema: { tags, response: { 200: z.object({ added: z.number() }) } },
    },
    (req) => reconciliation.runOrg(staff(req).orgId),
  );

  app.post(
    '/api/v1/payments/:id/attachments',
    {
      config: { access: need('payment:record') },
      bodyLimit: Math.ceil(MAX_ATTACHMENT_BYTES * 1.4),
      schema: { tags, params: idParam, body: attachmentInput, response: { 201: attachmentSchema } },
    },
    async (req, reply) => {
      reply.code(201);
      return attachments.add(staff(req).orgId, req.params.id, req.body, actorOf(req));
    },
  );
  app.get(
    '/api/v1/payments/:id/attachments',
    {
      config: { access: need('payment:read') },
      schema: { tags, params: idParam, response: { 200: z.object({ items: z.array(attachmentSchema) }) } },
    },
    (req) => attachments.list(staff(req).orgId, req.params.id),
  );
  app.get(
    '/api/v1/payments/:id/attachments/:attachmentId',
    {
      config: { access: need('payment:read') },
      schema: { tags, params: z.strictObject({ id: z.uuid(), attachmentId: z.uuid() }) },
    },
    async (req, reply) => {
      const a = await attachments.get(staff(req).orgId, req.params.id, req.params.attachmentId);
      return reply
        .type(a.contentType)
        .header(
          'content-disposition',
          `attachment; filename="${a.filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .send(a.bytes);
    },
  );
}
