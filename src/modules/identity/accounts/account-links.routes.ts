// Public routes behind the links Sealbill emails: password reset, email verification, sign-in
// unlock, invitations, and self-service sign-up. Tokens travel in the request body (the emailed
// links carry them in the URL fragment, which browsers never send to servers or in Referer).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../../platform/http/actor.ts';
import { okSchema } from '../../../platform/http/schemas.ts';
import type { IdentityServices } from '../identity.module.ts';
import { signupInput } from './signup.service.ts';
import { lineText } from '../../../platform/http/text-guard.ts';
import { PUBLIC } from '../../../platform/http/access.ts';

const tags = ['account'];
const token = z.string().min(1).max(200);
const newPassword = z.string().min(1).max(4096);
const accepted = z.object({ ok: z.literal(true), message: z.string() });

export function registerAccountLinkRoutes(
  root: FastifyInstance,
  { identity: id }: { identity: IdentityServices },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/v1/auth/password-reset',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: 'Mails a reset link if the address has an account. Always answers 202 with the same body.',
        body: z.strictObject({ email: z.email().max(254) }),
        response: { 202: accepted },
      },
    },
    async (req, reply) => {
      await id.throttle.limitIp('passwordReset', req.ip);
      await id.account.requestPasswordReset(req.body.email, req.ip);
      reply.code(202);
      return { ok: true as const, message: 'If this address has an account, a reset link is on its way.' };
    },
  );

  app.post(
    '/api/v1/auth/password-reset/confirm',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: 'Sets a new password from a reset link; ends every session. Does not sign in.',
        body: z.strictObject({ token, newPassword }),
        response: { 200: okSchema },
      },
    },
    async (req) => {
      await id.throttle.limitIp('passwordSet', req.ip);
      await id.account.confirmPasswordReset(req.body, req.ip);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/auth/verify-email',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: 'Confirms an email verification or email change link.',
        body: z.strictObject({ token }),
        response: { 200: z.object({ email: z.string() }) },
      },
    },
    (req) => id.account.confirmEmail(req.body.token, req.ip),
  );

  app.post(
    '/api/v1/auth/unlock',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: 'Lifts a sign-in lock with the emailed unlock link.',
        body: z.strictObject({ token }),
        response: { 200: okSchema },
      },
    },
    async (req) => {
      await id.account.unlockByLink(req.body.token, req.ip);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/auth/invitations/inspect',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: 'What an invitation link offers, before accepting.',
        body: z.strictObject({ token }),
        response: {
          200: z.object({ orgName: z.string(), email: z.string(), role: z.string(), accountExists: z.boolean() }),
        },
      },
    },
    (req) => id.invitations.inspect(req.body.token),
  );

  app.post(
    '/api/v1/auth/invitations/accept',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: 'Accepts an invitation. A new person also sets a name and a password. Does not sign in.',
        body: z.strictObject({ token, name: lineText(200).min(1).optional(), password: newPassword.optional() }),
        response: { 200: z.object({ orgId: z.string(), email: z.string(), newAccount: z.boolean() }) },
      },
    },
    async (req) => {
      // Only a new account's password costs work; the limit is per address all the same.
      if (req.body.password !== undefined) await id.throttle.limitIp('passwordSet', req.ip);
      return id.invitations.accept(req.body.token, req.body, req.ip);
    },
  );

  app.post(
    '/api/v1/auth/signup',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description:
          'Self-service sign-up (SEALBILL_SIGNUP=open): mails a confirmation link. Always answers 202 with the same body.',
        body: signupInput,
        response: { 202: accepted },
      },
    },
    async (req, reply) => {
      await id.throttle.limitIp('signup', req.ip);
      await id.signup.request(req.body);
      reply.code(202);
      return { ok: true as const, message: 'Check your inbox to confirm your email address.' };
    },
  );

  app.post(
    '/api/v1/auth/signup/confirm',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description: 'Creates the organization and its owner from a sign-up link.',
        body: z.strictObject({ token }),
        response: { 201: z.object({ orgId: z.string() }) },
      },
    },
    async (req, reply) => {
      const r = await id.signup.confirm(req.body.token, actorOf(req));
      reply.code(201);
      return { orgId: r.orgId };
    },
  );
}
