// Sign-in factors of one's own account: authenticator app, passkeys, recovery codes. The
// enrolment routes also serve forced enrolment ('enrol' sessions, declared staff-pending).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../../platform/errors.ts';
import { idParam } from '../../../platform/http/schemas.ts';
import { asOptions, challengeOptions, webauthnResponse } from '../sign-in/auth.routes.ts';
import { clientInfo, sessionPrincipal, type SessionCookies } from '../sessions/http-session.ts';
import type { IdentityServices } from '../identity.module.ts';
import { PENDING, SESSION } from '../../../platform/http/access.ts';

const tags = ['account'];
const level = z.enum(['full', 'mfa', 'enrol']);
const changed = z.object({ level, csrfToken: z.string().nullable() });
const passkeySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  backedUp: z.boolean(),
  deviceType: z.string(),
});
const passkeyName = z.string().trim().min(1).max(100);

export function registerFactorRoutes(
  root: FastifyInstance,
  { identity: id, cookies }: { identity: IdentityServices; cookies: SessionCookies },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const rotated = (
    reply: Parameters<SessionCookies['set']>[0],
    r: { token: string | null; level: z.infer<typeof level> },
  ) => ({
    level: r.level,
    csrfToken: r.token ? cookies.set(reply, r.token) : null,
  });

  app.post(
    '/api/v1/me/totp',
    {
      config: { access: PENDING },
      schema: {
        tags,
        description:
          'Starts setting up an authenticator app (needs step-up): returns the otpauth URI, its QR code and the secret. Confirm with a code within 10 minutes.',
        response: { 200: z.object({ otpauthUri: z.string(), qrCode: z.string(), secret: z.string() }) },
      },
    },
    (req) => id.factors.beginTotp(sessionPrincipal(req)),
  );

  app.post(
    '/api/v1/me/totp/confirm',
    {
      config: { access: PENDING },
      schema: {
        tags,
        description:
          'Activates the authenticator app with a current code. The first factor comes with ten recovery codes, shown once.',
        body: z.strictObject({ code: z.string().trim().max(10) }),
        response: { 200: changed.extend({ recoveryCodes: z.array(z.string()).nullable() }) },
      },
    },
    async (req, reply) => {
      const r = await id.factors.confirmTotp(sessionPrincipal(req), req.body.code, clientInfo(req));
      return { ...rotated(reply, r), recoveryCodes: r.recoveryCodes };
    },
  );

  app.delete(
    '/api/v1/me/totp',
    {
      config: { access: SESSION },
      schema: { tags, description: 'Removes the authenticator app (needs step-up).', response: { 200: changed } },
    },
    async (req, reply) => rotated(reply, await id.factors.removeTotp(sessionPrincipal(req), clientInfo(req))),
  );

  app.get(
    '/api/v1/me/passkeys',
    {
      config: { access: SESSION },
      schema: { tags, description: 'Your passkeys.', response: { 200: z.object({ items: z.array(passkeySchema) }) } },
    },
    async (req) => ({
      items: await id.passkeys.list(sessionPrincipal(req).userId),
    }),
  );

  app.post(
    '/api/v1/me/passkeys/options',
    {
      config: { access: PENDING },
      schema: {
        tags,
        description: 'Starts registering a passkey (needs step-up).',
        response: { 200: challengeOptions },
      },
    },
    (req) => asOptions(id.factors.passkeyOptions(sessionPrincipal(req))),
  );

  app.post(
    '/api/v1/me/passkeys',
    {
      config: { access: PENDING },
      schema: {
        tags,
        description: 'Registers a passkey from the browser ceremony (user verification required).',
        body: z.strictObject({ challengeId: z.string().max(64), name: passkeyName, response: webauthnResponse }),
        response: { 201: changed.extend({ passkey: passkeySchema, recoveryCodes: z.array(z.string()).nullable() }) },
      },
    },
    async (req, reply) => {
      const r = await id.factors.addPasskey(
        sessionPrincipal(req),
        { ...req.body, response: req.body.response as never },
        clientInfo(req),
      );
      reply.code(201);
      return { ...rotated(reply, r), passkey: r.passkey, recoveryCodes: r.recoveryCodes };
    },
  );

  app.patch(
    '/api/v1/me/passkeys/:id',
    {
      config: { access: SESSION },
      schema: {
        tags,
        description: 'Renames a passkey.',
        params: idParam,
        body: z.strictObject({ name: passkeyName }),
        response: { 200: passkeySchema },
      },
    },
    async (req) => {
      const r = await id.passkeys.rename(sessionPrincipal(req).userId, req.params.id, req.body.name);
      if (!r) throw notFound('Passkey');
      return r;
    },
  );

  app.delete(
    '/api/v1/me/passkeys/:id',
    {
      config: { access: SESSION },
      schema: { tags, description: 'Revokes a passkey (needs step-up).', params: idParam, response: { 200: changed } },
    },
    async (req, reply) =>
      rotated(reply, await id.factors.removePasskey(sessionPrincipal(req), req.params.id, clientInfo(req))),
  );

  app.post(
    '/api/v1/me/recovery-codes',
    {
      config: { access: SESSION },
      schema: {
        tags,
        description: 'Generates ten new recovery codes (needs step-up); the old ones stop working. Shown once.',
        response: { 200: changed.extend({ recoveryCodes: z.array(z.string()) }) },
      },
    },
    async (req, reply) => {
      const r = await id.factors.regenerateRecoveryCodes(sessionPrincipal(req), clientInfo(req));
      return { ...rotated(reply, r), recoveryCodes: r.recoveryCodes };
    },
  );
}
