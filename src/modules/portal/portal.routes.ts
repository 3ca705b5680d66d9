import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import type { PortalPrincipal } from '../../platform/http/principal.ts';
import { idParam, okSchema } from '../../platform/http/schemas.ts';
import { portalDeliverySchema } from '../delivery/delivery.schemas.ts';
import { csrfTokenFor, PORTAL_COOKIE, type SessionsService } from '../identity/sessions/sessions.service.ts';
import type { ThrottleService } from '../identity/sign-in/throttle.service.ts';
import type { PortalAuthService } from './portal-auth.service.ts';
import { registerPortalFactorRoutes } from './portal-factors.routes.ts';
import type { PortalFactorsService } from './portal-factors.service.ts';
import {
  codeRequestInput,
  codeVerifyInput,
  portalDocumentSchema,
  portalDocumentSummarySchema,
  portalListQuery,
  portalPaymentSchema,
  portalSessionSchema,
  tokenInput,
} from './portal.schemas.ts';
import type { PortalService } from './portal.service.ts';
import { sendLogo } from '../orgs/org-logo.routes.ts';
import type { OrgLogoService } from '../orgs/org-logo.service.ts';
import { PORTAL, PORTAL_PENDING, PUBLIC } from '../../platform/http/access.ts';

export interface PortalRouteDeps {
  auth: PortalAuthService;
  portal: PortalService;
  sessions: SessionsService;
  factors: PortalFactorsService;
  throttle: Pick<ThrottleService, 'limitIp'>;
  /** The organization's logo, shown in the portal's header. */
  orgLogo: Pick<OrgLogoService, 'image'>;
}

const metaOf = (req: FastifyRequest) => ({ ip: req.ip, userAgent: req.headers['user-agent']?.slice(0, 300) ?? null });

export function registerPortalRoutes(
  root: FastifyInstance,
  { auth, portal, sessions, factors, throttle, orgLogo }: PortalRouteDeps,
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['portal'];

  /** The portal principal (full, or partial on portal-pending routes), once its contact is confirmed to still exist (else the session ends). */
  async function principal(req: FastifyRequest): Promise<PortalPrincipal> {
    const p = req.principal;
    if (!p || p.realm !== 'portal') throw new AppError('unauthenticated', 'Client portal sign-in required');
    if (!(await portal.contactStillExists(p))) {
      await sessions.end(p.sessionId);
      throw new AppError('unauthenticated', 'Client portal sign-in required');
    }
    return p;
  }

  async function signIn(
    req: FastifyRequest,
    reply: FastifyReply,
    out: Awaited<ReturnType<PortalAuthService['verifyCode']>>,
  ) {
    // A new session per sign-in; a portal session the browser already had ends (no fixation).
    const previous = req.cookies[PORTAL_COOKIE];
    if (previous) await sessions.endPresented(previous, 'portal');
    reply.setCookie(PORTAL_COOKIE, out.token, sessions.cookieOptions());
    return out.session;
  }

  registerPortalFactorRoutes(root, { auth, factors, sessions, throttle, principal, signIn, metaOf });

  app.post(
    '/api/v1/portal/auth/code',
    {
      config: { access: PUBLIC },
      schema: { tags, security: [], body: codeRequestInput, response: { 202: z.object({ challengeId: z.string() }) } },
    },
    async (req, reply) => {
      reply.code(202);
      return auth.requestCode(req.body.orgId, req.body.email, metaOf(req));
    },
  );
  app.post(
    '/api/v1/portal/auth/code/verify',
    {
      config: { access: PUBLIC },
      schema: { tags, security: [], body: codeVerifyInput, response: { 200: portalSessionSchema } },
    },
    async (req, reply) => signIn(req, reply, await auth.verifyCode(req.body.challengeId, req.body.code, metaOf(req))),
  );
  app.post(
    '/api/v1/portal/auth/magic',
    {
      config: { access: PUBLIC },
      schema: { tags, security: [], body: tokenInput, response: { 200: portalSessionSchema } },
    },
    async (req, reply) => signIn(req, reply, await auth.redeemMagicLink(req.body.token, metaOf(req))),
  );
  app.post(
    '/api/v1/portal/auth/link',
    {
      config: { access: PUBLIC },
      schema: { tags, security: [], body: tokenInput, response: { 200: portalSessionSchema } },
    },
    async (req, reply) => signIn(req, reply, await auth.redeemPortalLink(req.body.token, metaOf(req))),
  );
  app.post(
    '/api/v1/portal/auth/logout',
    { config: { access: PORTAL_PENDING }, schema: { tags, response: { 200: okSchema } } },
    async (req, reply) => {
      const p = req.principal as PortalPrincipal;
      await auth.logout(p.sessionId, p.orgId, p.contactId, req.ip);
      reply.clearCookie(PORTAL_COOKIE, sessions.cookieOptions());
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/portal/me',
    {
      config: { access: PORTAL },
      schema: {
        tags,
        response: {
          200: portalSessionSchema
            .pick({
              csrfToken: true,
              organization: true,
              client: true,
              contact: true,
              language: true,
            })
            .extend({
              /** The organization has a logo (GET /api/v1/portal/logo). */
              organizationLogo: z.boolean(),
            }),
        },
      },
    },
    async (req) => ({
      ...(await portal.me(await principal(req))),
      csrfToken: csrfTokenFor(req.cookies[PORTAL_COOKIE]!),
    }),
  );
  // The organization's logo for the portal's header: the signed-in contact's organization only.
  app.get('/api/v1/portal/logo', { config: { access: PORTAL }, schema: { tags } }, async (req, reply) => {
    const p = await principal(req);
    const logo = await orgLogo.image(p.orgId);
    if (!logo) throw new AppError('not_found', 'Logo not found');
    return sendLogo(reply, logo);
  });
  app.get(
    '/api/v1/portal/documents',
    {
      config: { access: PORTAL },
      schema: {
        tags,
        querystring: portalListQuery,
        response: { 200: z.object({ items: z.array(portalDocumentSummarySchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => portal.list(await principal(req), req.query),
  );
  app.get(
    '/api/v1/portal/documents/:id',
    { config: { access: PORTAL }, schema: { tags, params: idParam, response: { 200: portalDocumentSchema } } },
    async (req) => portal.get(await principal(req), req.params.id),
  );
  app.get(
    '/api/v1/portal/documents/:id/pdf',
    { config: { access: PORTAL }, schema: { tags, params: idParam } },
    async (req, reply) => {
      const pdf = await portal.download(await principal(req), req.params.id, metaOf(req));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${pdf.filename}"`)
        .header('x-content-sha256', pdf.sha256)
        .header('cache-control', 'no-store')
        .send(pdf.bytes);
    },
  );
  // The e-invoice in the client's format, when the document was issued with one (404 otherwise).
  app.get(
    '/api/v1/portal/documents/:id/einvoice',
    { config: { access: PORTAL }, schema: { tags, params: idParam } },
    async (req, reply) => {
      const file = await portal.einvoice(await principal(req), req.params.id, metaOf(req));
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .send(file.bytes);
    },
  );
  app.post(
    '/api/v1/portal/documents/:id/acknowledge',
    {
      config: { access: PORTAL },
      schema: {
        tags,
        params: idParam,
        response: { 200: z.object({ acknowledgedAt: z.string(), evidenceHash: z.string() }) },
      },
    },
    async (req) => portal.acknowledge(await principal(req), req.params.id, metaOf(req)),
  );
  app.get(
    '/api/v1/portal/documents/:id/deliveries',
    {
      config: { access: PORTAL },
      schema: { tags, params: idParam, response: { 200: z.object({ items: z.array(portalDeliverySchema) }) } },
    },
    async (req) => ({
      items: await portal.deliveries(await principal(req), req.params.id),
    }),
  );
  app.post(
    '/api/v1/portal/quotes/:id/accept',
    { config: { access: PORTAL }, schema: { tags, params: idParam, response: { 200: portalDocumentSummarySchema } } },
    async (req) => portal.answerQuote(await principal(req), req.params.id, req.ip, 'accepted'),
  );
  app.post(
    '/api/v1/portal/quotes/:id/decline',
    { config: { access: PORTAL }, schema: { tags, params: idParam, response: { 200: portalDocumentSummarySchema } } },
    async (req) => portal.answerQuote(await principal(req), req.params.id, req.ip, 'declined'),
  );
  app.get(
    '/api/v1/portal/payments',
    {
      config: { access: PORTAL },
      schema: { tags, response: { 200: z.object({ items: z.array(portalPaymentSchema) }) } },
    },
    async (req) => ({
      items: await portal.payments(await principal(req)),
    }),
  );
}
