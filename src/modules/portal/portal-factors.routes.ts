// Portal second factors: passkey sign-in, the second-factor step of a partial session
// (/api/v1/portal/auth/*, declared portal-pending where a partial session must reach them), and
// the contact's own authenticator app and passkeys (/api/v1/portal/me/*, full sessions only), and
// the staff reset of a contact's factors (client:write + step-up).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import type { PortalPrincipal } from '../../platform/http/principal.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { asOptions, challengeOptions, webauthnResponse } from '../identity/sign-in/auth.routes.ts';
import { csrfTokenFor, PORTAL_COOKIE, type SessionsService } from '../identity/sessions/sessions.service.ts';
import type { ThrottleService } from '../identity/sign-in/throttle.service.ts';
import type { PortalAuthService, PortalRequestMeta } from './portal-auth.service.ts';
import type { PortalFactorsService } from './portal-factors.service.ts';
import {
  portalFactorsSchema,
  portalPasskeySchema,
  portalRotatedSchema,
  portalSessionSchema,
  type PortalSession,
} from './portal.schemas.ts';
import { need, PORTAL, PORTAL_PENDING, PUBLIC } from '../../platform/http/access.ts';

export interface PortalFactorRouteDeps {
  auth: PortalAuthService;
  factors: PortalFactorsService;
  sessions: SessionsService;
  throttle: Pick<ThrottleService, 'limitIp'>;
  principal: (req: FastifyRequest) => Promise<PortalPrincipal>;
  signIn: (
    req: FastifyRequest,
    reply: FastifyReply,
    out: { token: string; session: PortalSession },
  ) => Promise<PortalSession>;
  metaOf: (req: FastifyRequest) => PortalRequestMeta;
}

const tags = ['portal'];
const passkeyName = z.string().trim().min(1).max(100);
const assertion = z.strictObject({ challengeId: z.string().max(64), response: webauthnResponse });

export function registerPortalFactorRoutes(root: FastifyInstance, d: PortalFactorRouteDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { auth, factors, sessions, principal, signIn, metaOf } = d;
  /** A factor change rotated the session: new cookie, and its CSRF token in the answer. */
  const rotated = (reply: FastifyReply, token: string) => {
    reply.setCookie(PORTAL_COOKIE, token, sessions.cookieOptions());
    return { csrfToken: csrfTokenFor(token) };
  };

  app.post(
    '/api/v1/portal/auth/passkey/options',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: "Starts a usernameless passkey sign-in to one organization's portal.",
        body: z.strictObject({ orgId: z.uuid() }),
        response: { 200: challengeOptions },
      },
    },
    async (req) => {
      await d.throttle.limitIp('passkeyOptions', req.ip);
      return asOptions(auth.passkeyOptions(req.body.orgId));
    },
  );
  app.post(
    '/api/v1/portal/auth/passkey',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: 'Signs in with a passkey (user verification required): both factors at once.',
        body: assertion.extend({ orgId: z.uuid() }),
        response: { 200: portalSessionSchema },
      },
    },
    async (req, reply) =>
      signIn(
        req,
        reply,
        await auth.passkeyLogin(req.body.orgId, req.body.challengeId, req.body.response as never, metaOf(req)),
      ),
  );

  app.get(
    '/api/v1/portal/auth/session',
    {
      config: { access: PORTAL_PENDING },
      schema: {
        tags,
        description:
          'The current portal sign-in, partial or full: level, CSRF token and the second factors that can finish it.',
        response: { 200: portalSessionSchema.pick({ level: true, secondFactors: true, csrfToken: true }) },
      },
    },
    async (req) => ({
      ...(await auth.pending(await principal(req))),
      csrfToken: csrfTokenFor(req.cookies[PORTAL_COOKIE]!),
    }),
  );
  app.post(
    '/api/v1/portal/auth/mfa/totp',
    {
      config: { access: PORTAL_PENDING },
      schema: {
        tags,
        description: 'Second factor: a code from the authenticator app (each code works once).',
        body: z.strictObject({ code: z.string().trim().max(10) }),
        response: { 200: portalSessionSchema },
      },
    },
    async (req, reply) => signIn(req, reply, await auth.completeTotp(await principal(req), req.body.code, metaOf(req))),
  );
  app.post(
    '/api/v1/portal/auth/mfa/passkey/options',
    {
      config: { access: PORTAL_PENDING },
      schema: { tags, description: 'Second factor: starts a passkey assertion.', response: { 200: challengeOptions } },
    },
    async (req) => asOptions(auth.mfaPasskeyOptions(await principal(req))),
  );
  app.post(
    '/api/v1/portal/auth/mfa/passkey',
    {
      config: { access: PORTAL_PENDING },
      schema: {
        tags,
        description: 'Second factor: a passkey assertion.',
        body: assertion,
        response: { 200: portalSessionSchema },
      },
    },
    async (req, reply) =>
      signIn(
        req,
        reply,
        await auth.completePasskey(await principal(req), req.body.challengeId, req.body.response as never, metaOf(req)),
      ),
  );

  app.get(
    '/api/v1/portal/me/factors',
    {
      config: { access: PORTAL },
      schema: { tags, description: 'Your authenticator app and passkeys.', response: { 200: portalFactorsSchema } },
    },
    async (req) => factors.list(await principal(req)),
  );
  app.post(
    '/api/v1/portal/me/totp',
    {
      config: { access: PORTAL },
      schema: {
        tags,
        description:
          'Starts setting up an authenticator app (needs a sign-in within 5 minutes): the otpauth URI, its QR code and the secret. Confirm with a code within 10 minutes.',
        response: { 200: z.object({ otpauthUri: z.string(), qrCode: z.string(), secret: z.string() }) },
      },
    },
    async (req) => factors.beginTotp(await principal(req)),
  );
  app.post(
    '/api/v1/portal/me/totp/confirm',
    {
      config: { access: PORTAL },
      schema: {
        tags,
        description: 'Turns the authenticator app on with a current code.',
        body: z.strictObject({ code: z.string().trim().max(10) }),
        response: { 200: portalRotatedSchema },
      },
    },
    async (req, reply) =>
      rotated(reply, (await factors.confirmTotp(await principal(req), req.body.code, req.ip)).token),
  );
  app.delete(
    '/api/v1/portal/me/totp',
    {
      config: { access: PORTAL },
      schema: {
        tags,
        description: 'Removes the authenticator app (needs a recent sign-in).',
        response: { 200: portalRotatedSchema },
      },
    },
    async (req, reply) => rotated(reply, (await factors.removeTotp(await principal(req), req.ip)).token),
  );
  app.post(
    '/api/v1/portal/me/passkeys/options',
    {
      config: { access: PORTAL },
      schema: {
        tags,
        description: 'Starts registering a passkey (needs a recent sign-in).',
        response: { 200: challengeOptions },
      },
    },
    async (req) => asOptions(factors.passkeyOptions(await principal(req))),
  );
  app.post(
    '/api/v1/portal/me/passkeys',
    {
      config: { access: PORTAL },
      schema: {
        tags,
        description: 'Registers a passkey from the browser ceremony (user verification required).',
        body: z.strictObject({ challengeId: z.string().max(64), name: passkeyName, response: webauthnResponse }),
        response: { 201: portalRotatedSchema.extend({ passkey: portalPasskeySchema }) },
      },
    },
    async (req, reply) => {
      const r = await factors.addPasskey(
        await principal(req),
        { ...req.body, response: req.body.response as never },
        req.ip,
      );
      reply.code(201);
      return { ...rotated(reply, r.token), passkey: r.passkey };
    },
  );
  app.delete(
    '/api/v1/portal/me/passkeys/:id',
    {
      config: { access: PORTAL },
      schema: {
        tags,
        description: 'Revokes a passkey (needs a recent sign-in).',
        params: idParam,
        response: { 200: portalRotatedSchema },
      },
    },
    async (req, reply) =>
      rotated(reply, (await factors.removePasskey(await principal(req), req.params.id, req.ip)).token),
  );

  app.post(
    '/api/v1/clients/:id/contacts/:contactId/reset-factors',
    {
      config: { access: need('client:write') },
      schema: {
        tags: ['clients'],
        description:
          "Removes a contact's portal authenticator app and passkeys and signs out their portal sessions (needs step-up; API tokens cannot). The contact is emailed.",
        params: z.strictObject({ id: z.uuid(), contactId: z.uuid() }),
        response: { 200: z.object({ totp: z.boolean(), passkeys: z.number().int() }) },
      },
    },
    async (req) =>
      factors.resetByStaff(req.principal, staff(req).orgId, req.params.id, req.params.contactId, actorOf(req)),
  );
}
