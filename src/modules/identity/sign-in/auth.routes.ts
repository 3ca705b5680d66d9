// Signing in and out: password and passkey sign-in, the second-factor step, step-up
// re-authentication, switching organization, and the session description the web app reads.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.ts';
import { okSchema } from '../../../platform/http/schemas.ts';
import { clientInfo, sessionPrincipal, signedInSchema, type SessionCookies } from '../sessions/http-session.ts';
import type { IdentityServices } from '../identity.module.ts';
import { sessionStateSchema } from '../sessions/session-state.ts';
import { STEP_UP_WINDOW_MS } from '../../../platform/http/step-up.ts';
import { PENDING, PUBLIC, SESSION } from '../../../platform/http/access.ts';

const tags = ['authentication'];
const email = z.email().max(254);
const password = z.string().min(1).max(4096);
// WebAuthn JSON (RegistrationResponseJSON / AuthenticationResponseJSON); the library validates the content.
export const webauthnResponse = z
  .looseObject({
    id: z.string().max(1024),
    rawId: z.string().max(1024),
    type: z.literal('public-key'),
    response: z.looseObject({}),
    clientExtensionResults: z.looseObject({}).optional(),
  })
  .transform((r) => ({ ...r, clientExtensionResults: r.clientExtensionResults ?? {} }));
export const challengeOptions = z.object({ challengeId: z.string(), options: z.looseObject({}) });
/** WebAuthn options are plain JSON objects; the schema only names the envelope. */
export const asOptions = async (p: Promise<{ challengeId: string; options: object }>) => {
  const r = await p;
  return { challengeId: r.challengeId, options: r.options as Record<string, unknown> };
};
const stepUpSchema = z.object({ csrfToken: z.string(), stepUpUntil: z.string() });

export function registerAuthRoutes(
  root: FastifyInstance,
  { identity: id, cookies, clock }: { identity: IdentityServices; cookies: SessionCookies; clock: Clock },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const stepUpUntil = () => new Date(clock.now().getTime() + STEP_UP_WINDOW_MS).toISOString();

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description:
          'Signs in with email and password. Answers the same for unknown emails and wrong passwords. The session may need a second factor (level "mfa") or enrolment ("enrol").',
        body: z.strictObject({ email, password, orgId: z.uuid().optional() }),
        response: { 200: signedInSchema },
      },
      // A saturated password queue sheds the request before its body is even read and validated:
      // under a flood most sign-ins end here, so they must cost as little as possible.
      onRequest: async () => id.passwords.queue.assertCapacity(),
    },
    async (req, reply) => {
      // The password work's deadline counts from the request's arrival (platform/work-queue.ts).
      const receivedAt = performance.now() - reply.elapsedTime;
      const est = await id.login.passwordLogin(req.body, { ...clientInfo(req), receivedAt });
      return { level: est.level, orgId: est.orgId, csrfToken: cookies.set(reply, est.token, est.deviceToken) };
    },
  );

  app.post(
    '/api/v1/auth/passkey/options',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: 'Starts a usernameless passkey sign-in.',
        response: { 200: challengeOptions },
      },
    },
    async (req) => {
      await id.throttle.limitIp('passkeyOptions', req.ip);
      return asOptions(id.login.passkeyLoginOptions());
    },
  );

  app.post(
    '/api/v1/auth/passkey',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: 'Signs in with a passkey (user verification required): both factors at once.',
        body: z.strictObject({ challengeId: z.string().max(64), response: webauthnResponse }),
        response: { 200: signedInSchema },
      },
    },
    async (req, reply) => {
      const est = await id.login.passkeyLogin(req.body.challengeId, req.body.response as never, clientInfo(req));
      return { level: est.level, orgId: est.orgId, csrfToken: cookies.set(reply, est.token, est.deviceToken) };
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      config: { access: PENDING },
      schema: {
        tags,
        description: 'The current sign-in: level, CSRF token, org, role, memberships, factors.',
        response: { 200: sessionStateSchema },
      },
    },
    (req) => id.state.state(sessionPrincipal(req)),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: PENDING },
      schema: { tags, description: 'Ends this session on the server.', response: { 200: okSchema } },
    },
    async (req, reply) => {
      await id.account.logout(sessionPrincipal(req), req.ip);
      cookies.clear(reply);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/auth/mfa/totp',
    {
      config: { access: PENDING },
      schema: {
        tags,
        description: 'Second factor: a code from the authenticator app (each code works once).',
        body: z.strictObject({ code: z.string().trim().max(10) }),
        response: { 200: signedInSchema },
      },
    },
    async (req, reply) => {
      const est = await id.secondFactor.completeTotp(sessionPrincipal(req), req.body.code, clientInfo(req));
      return { level: est.level, orgId: est.orgId, csrfToken: cookies.set(reply, est.token, est.deviceToken) };
    },
  );

  app.post(
    '/api/v1/auth/mfa/recovery',
    {
      config: { access: PENDING },
      schema: {
        tags,
        description: 'Second factor: a single-use recovery code.',
        body: z.strictObject({ code: z.string().trim().max(40) }),
        response: { 200: signedInSchema },
      },
    },
    async (req, reply) => {
      const est = await id.secondFactor.completeRecovery(sessionPrincipal(req), req.body.code, clientInfo(req));
      return { level: est.level, orgId: est.orgId, csrfToken: cookies.set(reply, est.token, est.deviceToken) };
    },
  );

  app.post(
    '/api/v1/auth/mfa/passkey/options',
    {
      config: { access: PENDING },
      schema: { tags, description: 'Second factor: starts a passkey assertion.', response: { 200: challengeOptions } },
    },
    (req) => asOptions(id.secondFactor.mfaPasskeyOptions(sessionPrincipal(req))),
  );

  app.post(
    '/api/v1/auth/mfa/passkey',
    {
      config: { access: PENDING },
      schema: {
        tags,
        description: 'Second factor: a passkey assertion.',
        body: z.strictObject({ challengeId: z.string().max(64), response: webauthnResponse }),
        response: { 200: signedInSchema },
      },
    },
    async (req, reply) => {
      const est = await id.secondFactor.completePasskey(
        sessionPrincipal(req),
        req.body.challengeId,
        req.body.response as never,
        clientInfo(req),
      );
      return { level: est.level, orgId: est.orgId, csrfToken: cookies.set(reply, est.token, est.deviceToken) };
    },
  );

  app.post(
    '/api/v1/auth/reauth',
    {
      config: { access: PENDING },
      schema: {
        tags,
        description:
          'Step-up: confirm it is you (password, plus the authenticator code when you have one) before a sensitive action; valid 5 minutes.',
        body: z.strictObject({ password, code: z.string().trim().max(10).optional() }),
        response: { 200: stepUpSchema },
      },
    },
    async (req, reply) => {
      const token = await id.secondFactor.reauthPassword(sessionPrincipal(req), req.body, clientInfo(req));
      return { csrfToken: cookies.set(reply, token), stepUpUntil: stepUpUntil() };
    },
  );

  app.post(
    '/api/v1/auth/reauth/passkey/options',
    {
      config: { access: SESSION },
      schema: {
        tags,
        description: 'Step-up with a passkey: starts the assertion.',
        response: { 200: challengeOptions },
      },
    },
    (req) => asOptions(id.secondFactor.reauthPasskeyOptions(sessionPrincipal(req))),
  );

  app.post(
    '/api/v1/auth/reauth/passkey',
    {
      config: { access: SESSION },
      schema: {
        tags,
        description: 'Step-up with a passkey assertion.',
        body: z.strictObject({ challengeId: z.string().max(64), response: webauthnResponse }),
        response: { 200: stepUpSchema },
      },
    },
    async (req, reply) => {
      const token = await id.secondFactor.reauthPasskey(
        sessionPrincipal(req),
        req.body.challengeId,
        req.body.response as never,
        clientInfo(req),
      );
      return { csrfToken: cookies.set(reply, token), stepUpUntil: stepUpUntil() };
    },
  );

  app.post(
    '/api/v1/auth/switch-org',
    {
      config: { access: SESSION },
      schema: {
        tags,
        description: 'Acts in another organization you belong to (new session token).',
        body: z.strictObject({ orgId: z.uuid() }),
        response: { 200: signedInSchema },
      },
    },
    async (req, reply) => {
      const r = await id.secondFactor.switchOrg(sessionPrincipal(req), req.body.orgId, clientInfo(req));
      return { level: r.level, orgId: req.body.orgId, csrfToken: cookies.set(reply, r.token) };
    },
  );
}
