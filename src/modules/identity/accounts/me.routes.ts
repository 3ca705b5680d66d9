// One's own account: profile, password, email, sessions and API tokens.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { staff } from '../../../platform/http/auth-hooks.ts';
import { idParam, okSchema } from '../../../platform/http/schemas.ts';
import { MAX_TOKEN_DAYS, type ApiTokensService } from '../tokens/api-tokens.service.ts';
import { sessionPrincipal, type SessionCookies } from '../sessions/http-session.ts';
import type { IdentityServices } from '../identity.module.ts';
import { PERMISSIONS } from '../members/rbac.ts';
import { requireStepUp } from '../../../platform/http/step-up.ts';
import { lineText } from '../../../platform/http/text-guard.ts';
import { need, SESSION } from '../../../platform/http/access.ts';

const tags = ['account'];
const csrfOnly = z.object({ csrfToken: z.string() });
export const tokenSchema = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});

export function registerMeRoutes(
  root: FastifyInstance,
  deps: { identity: IdentityServices; tokens: ApiTokensService; cookies: SessionCookies; clock: Clock },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const { identity: id, tokens, cookies, clock } = deps;

  app.patch(
    '/api/v1/me',
    {
      config: { access: SESSION },
      schema: { tags, body: z.strictObject({ name: lineText(200).min(1) }), response: { 200: okSchema } },
    },
    async (req) => {
      await id.account.rename(sessionPrincipal(req), req.body.name, req.ip);
      return { ok: true as const };
    },
  );

  app.put(
    '/api/v1/me/password',
    {
      config: { access: SESSION },
      schema: {
        tags,
        description: 'Changes the password (needs step-up and the current password); ends your other sessions.',
        body: z.strictObject({
          currentPassword: z.string().min(1).max(4096),
          newPassword: z.string().min(1).max(4096),
        }),
        response: { 200: csrfOnly },
      },
    },
    async (req, reply) => ({
      csrfToken: cookies.set(reply, await id.account.changePassword(sessionPrincipal(req), req.body, req.ip)),
    }),
  );

  app.put(
    '/api/v1/me/email',
    {
      config: { access: SESSION },
      schema: {
        tags,
        description: 'Starts an email change (needs step-up); the new address confirms by link.',
        body: z.strictObject({ email: z.email().max(254) }),
        response: { 202: okSchema },
      },
    },
    async (req, reply) => {
      await id.account.requestEmailChange(sessionPrincipal(req), req.body.email, req.ip);
      reply.code(202);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/me/email/verify',
    {
      config: { access: SESSION },
      schema: { tags, description: 'Sends a new verification link to your address.', response: { 202: okSchema } },
    },
    async (req, reply) => {
      await id.account.requestVerification(sessionPrincipal(req));
      reply.code(202);
      return { ok: true as const };
    },
  );

  const sessionSchema = z.object({
    id: z.string(),
    current: z.boolean(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    orgId: z.string().nullable(),
  });
  app.get(
    '/api/v1/me/sessions',
    {
      config: { access: SESSION },
      schema: {
        tags,
        description: 'Your signed-in sessions (device, IP, last seen).',
        response: { 200: z.object({ items: z.array(sessionSchema) }) },
      },
    },
    async (req) => ({
      items: await id.account.listSessions(sessionPrincipal(req)),
    }),
  );
  app.delete(
    '/api/v1/me/sessions',
    {
      config: { access: SESSION },
      schema: {
        tags,
        description: 'Ends all your other sessions.',
        response: { 200: z.object({ ended: z.number() }) },
      },
    },
    async (req) => ({
      ended: await id.account.endOtherSessions(sessionPrincipal(req), req.ip),
    }),
  );
  app.delete(
    '/api/v1/me/sessions/:id',
    {
      config: { access: SESSION },
      schema: { tags, description: 'Ends one of your sessions.', params: idParam, response: { 200: okSchema } },
    },
    async (req) => {
      await id.account.endSession(sessionPrincipal(req), req.params.id, req.ip);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/me/tokens',
    {
      config: { access: need('token:manage') },
      schema: {
        tags,
        description: 'Your API tokens in this organization.',
        response: { 200: z.object({ items: z.array(tokenSchema) }) },
      },
    },
    async (req) => {
      const p = staff(req);
      return { items: await tokens.list(p.orgId, p.userId) };
    },
  );

  app.post(
    '/api/v1/me/tokens',
    {
      config: { access: need('token:manage') },
      schema: {
        tags,
        description:
          'Creates an API token (needs step-up). Scopes must be permissions you hold; the token is shown once.',
        body: z.strictObject({
          name: lineText(100).min(1),
          scopes: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length),
          expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
        }),
        response: { 201: tokenSchema.extend({ token: z.string() }) },
      },
    },
    async (req, reply) => {
      const p = staff(req);
      requireStepUp(p, clock, 'Creating an API token');
      const r = await tokens.issue({ orgId: p.orgId, userId: p.userId, ...req.body }, p.permissions, actorOf(req));
      reply.code(201);
      return r;
    },
  );

  app.delete(
    '/api/v1/me/tokens/:id',
    {
      config: { access: need('token:manage') },
      schema: { tags, description: 'Revokes one of your API tokens.', params: idParam, response: { 200: tokenSchema } },
    },
    (req) => {
      const p = staff(req);
      return tokens.revoke(p.orgId, req.params.id, actorOf(req), p.userId);
    },
  );

  app.get(
    '/api/v1/org/tokens',
    {
      config: { access: need('member:manage') },
      schema: {
        tags: ['members'],
        description: "Every API token of the organization's members.",
        response: { 200: z.object({ items: z.array(tokenSchema) }) },
      },
    },
    async (req) => ({
      items: await tokens.list(staff(req).orgId),
    }),
  );

  app.delete(
    '/api/v1/org/tokens/:id',
    {
      config: { access: need('member:manage') },
      schema: {
        tags: ['members'],
        description: "Revokes any member's API token.",
        params: idParam,
        response: { 200: tokenSchema },
      },
    },
    (req) => tokens.revoke(staff(req).orgId, req.params.id, actorOf(req)),
  );
}
