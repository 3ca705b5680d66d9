// Routes a payer uses: the pay-link API and pages (public; the 256-bit token in the path is the
// credential), the client-portal equivalents (portal session), and the PayPal return URL.
import fastifyRateLimit from '@fastify/rate-limit';
import { rateLimitOptions, type RateLimitStore } from '../../platform/http/rate-limit.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/actor.ts';
import type { PortalPrincipal } from '../../platform/http/principal.ts';
import { idParam } from '../../platform/http/schemas.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { PayLinkService } from './pay-links.service.ts';
import { payTokenParam } from './pay-links.service.ts';
import {
  PAY_CSS,
  PAY_JS,
  payPageCsp,
  acceptedLanguage,
  renderCompletePage,
  renderErrorPage,
  renderPayPage,
} from './pay-page/pay-page.html.ts';
import {
  checkoutInput,
  checkoutResultSchema,
  payPageSchema,
  portalPayPageSchema,
  type PayPageService,
} from './pay-page.service.ts';
import { sendLogo } from '../orgs/org-logo.routes.ts';
import type { OrgLogoService } from '../orgs/org-logo.service.ts';
import type { ReceiptService } from './receipt.service.ts';
import type { WebhookService } from './webhook.service.ts';
import { PORTAL, PUBLIC } from '../../platform/http/access.ts';

/** Requests per minute and client address to pay-link routes (view, checkout, QR, pages). */
export const PAY_LINK_RATE_PER_MINUTE = 60;

export interface PayRouteDeps {
  payLinks: PayLinkService;
  payPage: PayPageService;
  receipts: ReceiptService;
  documents: Pick<DocumentService, 'get'>;
  webhooks: Pick<WebhookService, 'handle'>;
  rateLimit: RateLimitStore;
  /** The organization's logo on the pay page. */
  orgLogo: Pick<OrgLogoService, 'image'>;
}

function portal(req: FastifyRequest): PortalPrincipal {
  const p = req.principal;
  if (!p || p.realm !== 'portal') throw new AppError('unauthenticated', 'Client portal sign-in required');
  return p;
}

const html = (reply: FastifyReply, body: string, csp?: string) => {
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
  if (csp) reply.header('content-security-policy', csp);
  return reply.send(body);
};

// Access: pay links and webhooks are public: the 256-bit link token, resp. the provider's signature,
// is the credential.
export function registerPayRoutes(root: FastifyInstance, deps: PayRouteDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { payLinks, payPage, receipts, documents } = deps;
  const tags = ['pay'];

  /** The portal contact's own invoice only; anything else is the same 404. */
  async function ownInvoice(req: FastifyRequest, id: string): Promise<PortalPrincipal> {
    const p = portal(req);
    const inv = await documents.get(p.orgId, 'invoice', id).catch(() => null);
    if (!inv || inv.clientId !== p.clientId) throw new AppError('not_found', 'Invoice not found');
    return p;
  }

  // Client portal (portal session).
  app.get(
    '/api/v1/portal/documents/:id/payment',
    { config: { access: PORTAL }, schema: { tags, params: idParam, response: { 200: portalPayPageSchema } } },
    async (req) => {
      const p = await ownInvoice(req, req.params.id);
      return payPage.view(p.orgId, req.params.id);
    },
  );
  app.post(
    '/api/v1/portal/documents/:id/checkout',
    {
      config: { access: PORTAL },
      schema: { tags, params: idParam, body: checkoutInput, response: { 201: checkoutResultSchema } },
    },
    async (req, reply) => {
      const p = await ownInvoice(req, req.params.id);
      reply.code(201);
      return payPage.startCheckout(
        p.orgId,
        req.params.id,
        req.body,
        { kind: 'portal', payLinkId: null, contactId: p.contactId },
        actorOf(req),
      );
    },
  );
  app.get(
    '/api/v1/portal/documents/:id/qr.png',
    { config: { access: PORTAL }, schema: { tags, params: idParam } },
    async (req, reply) => {
      const p = await ownInvoice(req, req.params.id);
      return reply
        .type('image/png')
        .header('cache-control', 'no-store')
        .send(await payPage.qrPng(p.orgId, req.params.id));
    },
  );
  app.get(
    '/api/v1/portal/payments/:id/receipt',
    { config: { access: PORTAL }, schema: { tags, params: idParam } },
    async (req, reply) => {
      const p = portal(req);
      const r = await receipts.get(p.orgId, req.params.id, p.clientId);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${r.filename}"`)
        .header('x-content-sha256', r.sha256)
        .header('cache-control', 'no-store')
        .send(r.bytes);
    },
  );

  // Server-rendered pages: our own script and stylesheet only.
  app.get('/pay/assets/pay.js', { config: { access: PUBLIC }, schema: { hide: true } }, (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=300').send(PAY_JS),
  );
  app.get('/pay/assets/pay.css', { config: { access: PUBLIC }, schema: { hide: true } }, (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(PAY_CSS),
  );
  app.get(
    '/pay/complete/:id',
    {
      config: { access: PUBLIC },
      schema: {
        hide: true,
        params: z.object({ id: z.string().max(64) }),
        querystring: z.object({ payment: z.enum(['success', 'cancelled']).default('success') }).loose(),
      },
    },
    (req, reply) =>
      html(reply, renderCompletePage(req.query.payment, acceptedLanguage(req.headers['accept-language']))),
  );

  // Everything a pay-link token opens, rate-limited per client address: a token is 256 bits, so
  // the limit is against floods (checkout sessions created at the merchant's provider), not guessing.
  void root.register(async (scope) => {
    await scope.register(fastifyRateLimit, rateLimitOptions(deps.rateLimit, 'pay', PAY_LINK_RATE_PER_MINUTE));
    const app = scope.withTypeProvider<ZodTypeProvider>();
    // Pay links (public): minimal view, checkout, QR code.
    app.get(
      '/api/v1/pay/:token',
      { config: { access: PUBLIC }, schema: { tags, params: payTokenParam, response: { 200: payPageSchema } } },
      async (req) => {
        const link = await payLinks.resolve(req.params.token);
        return payPage.view(link.orgId, link.invoiceId);
      },
    );
    app.post(
      '/api/v1/pay/:token/checkout',
      {
        config: { access: PUBLIC },
        schema: { tags, params: payTokenParam, body: checkoutInput, response: { 201: checkoutResultSchema } },
      },
      async (req, reply) => {
        const link = await payLinks.resolve(req.params.token);
        reply.code(201);
        return payPage.startCheckout(
          link.orgId,
          link.invoiceId,
          req.body,
          { kind: 'pay_link', payLinkId: link.payLinkId },
          actorOf(req),
        );
      },
    );
    app.get(
      '/api/v1/pay/:token/qr.png',
      { config: { access: PUBLIC }, schema: { tags, params: payTokenParam } },
      async (req, reply) => {
        const link = await payLinks.resolve(req.params.token);
        return reply
          .type('image/png')
          .header('cache-control', 'no-store')
          .send(await payPage.qrPng(link.orgId, link.invoiceId));
      },
    );

    // The pay-link token is the caller's authority, as for the QR code.
    app.get(
      '/api/v1/pay/:token/logo',
      { config: { access: PUBLIC }, schema: { tags, params: payTokenParam } },
      async (req, reply) => {
        const link = await payLinks.resolve(req.params.token);
        const logo = await deps.orgLogo.image(link.orgId);
        if (!logo) throw new AppError('not_found', 'Logo not found');
        return sendLogo(reply, logo);
      },
    );

    // PayPal sends the payer back here after approval.
    app.get(
      '/api/v1/pay/return/paypal/:id',
      {
        config: { access: PUBLIC },
        schema: { tags, params: idParam, querystring: z.object({ token: z.string().max(64).optional() }).loose() },
      },
      async (req, reply) => reply.redirect(await payPage.paypalReturn(req.params.id, req.query.token), 303),
    );

    app.get(
      '/pay/:token',
      { config: { access: PUBLIC }, schema: { hide: true, params: payTokenParam } },
      async (req, reply) => {
        let link;
        try {
          link = await payLinks.resolve(req.params.token);
        } catch (err) {
          if (err instanceof AppError && err.code === 'not_found')
            return html(
              reply.code(404),
              renderErrorPage(err.message, acceptedLanguage(req.headers['accept-language'])),
            );
          throw err;
        }
        const page = await payPage.view(link.orgId, link.invoiceId);
        const embedded = page.methods.providers.some((p) => p.embedded);
        return html(reply, renderPayPage(page, `/api/v1/pay/${req.params.token}`), payPageCsp(embedded));
      },
    );
  });

  // Webhooks (public; authenticated by the provider's signature over the raw body). The raw body
  // parser is scoped to this plugin, so every other route keeps the strict JSON parser.
  void root.register(async (scope) => {
    scope.removeContentTypeParser(['application/json']);
    scope.addContentTypeParser(['application/json'], { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    for (const provider of ['stripe', 'paypal'] as const) {
      scope.post(
        `/api/v1/webhooks/${provider}/:accountId`,
        { config: { access: PUBLIC }, schema: { hide: true }, bodyLimit: 256 * 1024 },
        async (req, reply) => {
          const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          const headers = Object.fromEntries(
            Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
          );
          const accountId = (req.params as { accountId: string }).accountId;
          const result = await deps.webhooks.handle(provider, accountId, raw, headers);
          return reply.code(200).send({ received: true, duplicate: result.outcome === 'duplicate' });
        },
      );
    }
  });
}
