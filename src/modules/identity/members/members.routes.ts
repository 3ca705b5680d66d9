// Administering the organization's people: members, invitations, custom roles and the security
// policy. Changing roles, deactivating members and changing the MFA policy need step-up.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.ts';
import { actorOf } from '../../../platform/http/actor.ts';
import { staff } from '../../../platform/http/auth-hooks.ts';
import { idParam, okSchema } from '../../../platform/http/schemas.ts';
import type { IdentityServices } from '../identity.module.ts';
import type { Acting } from './members.service.ts';
import { MFA_POLICIES } from '../mfa/mfa-policy.ts';
import { PERMISSIONS } from './rbac.ts';
import { requireStepUp } from '../../../platform/http/step-up.ts';
import { lineText } from '../../../platform/http/text-guard.ts';
import { need } from '../../../platform/http/access.ts';

const tags = ['members'];
const userParam = z.strictObject({ userId: z.uuid('must be an id') });
const roleKey = z.string().min(1).max(60);
const slugParam = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1–40 lower-case letters, digits or dashes'),
});

const memberSchema = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  active: z.boolean(),
  emailVerified: z.boolean(),
  lastLoginAt: z.string().nullable(),
  joinedAt: z.string(),
  factors: z.object({ totp: z.boolean(), passkeys: z.number() }),
  locked: z.boolean(),
});
const invitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string(),
  status: z.string(),
  expiresAt: z.string(),
  createdAt: z.string(),
});
const roleSchema = z.object({
  key: z.string(),
  name: z.string(),
  builtIn: z.boolean(),
  permissions: z.array(z.string()),
});
const policySchema = z.object({ mfa: z.enum(MFA_POLICIES) });

export function registerMemberRoutes(
  root: FastifyInstance,
  { identity: id, clock }: { identity: IdentityServices; clock: Clock },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const acting = (req: FastifyRequest, stepUp?: string): Acting => {
    const p = staff(req);
    if (stepUp) requireStepUp(p, clock, stepUp);
    return { orgId: p.orgId, userId: p.userId, permissions: p.permissions, actor: actorOf(req), principal: p };
  };

  app.get(
    '/api/v1/members',
    {
      config: { access: need('member:read') },
      schema: { tags, response: { 200: z.object({ items: z.array(memberSchema) }) } },
    },
    async (req) => ({ items: await id.members.list(staff(req).orgId) }),
  );

  app.patch(
    '/api/v1/members/:userId',
    {
      config: { access: need('member:manage') },
      schema: {
        tags,
        description: 'Changes a member’s role (needs step-up).',
        params: userParam,
        body: z.strictObject({ role: roleKey }),
        response: { 200: okSchema },
      },
    },
    async (req) => {
      await id.members.changeRole(acting(req, 'Changing a role'), req.params.userId, req.body.role);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/members/:userId/deactivate',
    {
      config: { access: need('member:manage') },
      schema: {
        tags,
        description: 'Ends a member’s access: sessions and tokens are revoked (needs step-up).',
        params: userParam,
        response: { 200: okSchema },
      },
    },
    async (req) => {
      await id.members.deactivate(acting(req, 'Deactivating a member'), req.params.userId);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/members/:userId/reactivate',
    {
      config: { access: need('member:manage') },
      schema: {
        tags,
        description:
          'Restores a deactivated member (needs step-up; administrators are emailed when the role holds step-up-protected permissions).',
        params: userParam,
        response: { 200: okSchema },
      },
    },
    async (req) => {
      await id.members.reactivate(acting(req, 'Reactivating a member'), req.params.userId);
      return { ok: true as const };
    },
  );

  app.post(
    '/api/v1/members/:userId/unlock',
    {
      config: { access: need('member:manage') },
      schema: {
        tags,
        description:
          'Lifts a sign-in lock after too many failed attempts, for a member who belongs to this organization alone (others: their emailed unlock link or `sealbill user unlock`).',
        params: userParam,
        response: { 200: okSchema },
      },
    },
    async (req) => {
      await id.members.unlock(acting(req), req.params.userId);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/members/invitations',
    {
      config: { access: need('member:read') },
      schema: { tags, response: { 200: z.object({ items: z.array(invitationSchema) }) } },
    },
    async (req) => ({ items: await id.invitations.list(staff(req).orgId) }),
  );

  app.post(
    '/api/v1/members/invitations',
    {
      config: { access: need('member:manage') },
      schema: {
        tags,
        description:
          'Invites someone by email with a role (no higher than yours); the link is valid 7 days, once. A role holding any step-up-protected permission needs step-up (never an API token), and every administrator is emailed.',
        body: z.strictObject({ email: z.email().max(254), role: roleKey }),
        response: { 201: invitationSchema },
      },
    },
    async (req, reply) => {
      const r = await id.invitations.invite(acting(req), req.body);
      reply.code(201);
      return r;
    },
  );

  app.delete(
    '/api/v1/members/invitations/:id',
    { config: { access: need('member:manage') }, schema: { tags, params: idParam, response: { 200: okSchema } } },
    async (req) => {
      await id.invitations.revoke(acting(req), req.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/org/roles',
    {
      config: { access: need('member:read') },
      schema: {
        tags,
        description: 'Built-in and custom roles with their permissions.',
        response: { 200: z.object({ items: z.array(roleSchema) }) },
      },
    },
    async (req) => ({ items: await id.roles.list(staff(req).orgId) }),
  );

  app.put(
    '/api/v1/org/roles/:slug',
    {
      config: { access: need('member:manage') },
      schema: {
        tags,
        description:
          'Creates or changes the custom role custom:<slug> (needs step-up; only permissions you hold, never a role holding permissions you lack or the role you hold yourself). Live sessions of its members are re-checked against the MFA policy.',
        params: slugParam,
        body: z.strictObject({
          name: lineText(100).min(1),
          permissions: z.array(z.enum(PERMISSIONS)).max(PERMISSIONS.length),
        }),
        response: { 200: roleSchema },
      },
    },
    async (req) => {
      const a = acting(req, 'Changing a role');
      return id.roles.upsertCustom(a, req.params.slug, req.body);
    },
  );

  app.delete(
    '/api/v1/org/roles/:slug',
    {
      config: { access: need('member:manage') },
      schema: {
        tags,
        description: 'Deletes an unused custom role (needs step-up).',
        params: slugParam,
        response: { 200: okSchema },
      },
    },
    async (req) => {
      const a = acting(req, 'Deleting a role');
      await id.roles.deleteCustom(a, req.params.slug);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/org/security',
    {
      config: { access: need('org:read') },
      schema: { tags, description: 'The organization’s security policy.', response: { 200: policySchema } },
    },
    (req) => id.orgSecurity.get(staff(req).orgId),
  );

  app.put(
    '/api/v1/org/security',
    {
      config: { access: need('settings:security') },
      schema: {
        tags,
        description:
          'Sets who must use a second factor: off, admins, everyone, or passkeys (phishing-resistant). Needs step-up. Members lacking the factor must enrol at their next request.',
        body: z.strictObject({ mfa: z.enum(MFA_POLICIES) }),
        response: { 200: policySchema },
      },
    },
    async (req) => {
      const a = acting(req, 'Changing the MFA policy');
      return id.orgSecurity.setMfaPolicy(a.orgId, req.body.mfa, a.actor);
    },
  );
}
