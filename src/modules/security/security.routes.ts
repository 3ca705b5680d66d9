// Security posture routes: /.well-known/security.txt (RFC 9116), the public transparency data of
// an organization, and for staff the checklist, the email status and a test email.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { securityTxt } from './security-txt.ts';
import { backupStatusSchema, checklistItemSchema, emailStatusSchema, transparencySchema } from './security.schemas.ts';
import type { SecurityService } from './security.service.ts';
import { need, PUBLIC } from '../../platform/http/access.ts';

export interface SecurityRouteDeps {
  security: SecurityService;
  clock: Clock;
  config: { publicUrl: string; securityContact: string };
}

export function registerSecurityRoutes(root: FastifyInstance, { security, clock, config }: SecurityRouteDeps): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['security'];

  app.get(
    '/.well-known/security.txt',
    { config: { access: PUBLIC }, schema: { tags, security: [], description: 'RFC 9116 security contact file.' } },
    async (_req, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(
          securityTxt({
            contact: config.securityContact,
            publicUrl: config.publicUrl,
            now: clock.now(),
            languages: ['en'],
          }),
        ),
  );

  app.get(
    '/api/v1/public/orgs/:id/security',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        params: idParam,
        description: 'An organization’s security and transparency facts (public).',
        response: { 200: transparencySchema },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return security.transparency(req.params.id);
    },
  );

  app.get(
    '/api/v1/security/checklist',
    {
      config: { access: need('member:read') },
      schema: { tags, response: { 200: z.object({ items: z.array(checklistItemSchema) }) } },
    },
    async (req) => ({
      items: await security.checklist(staff(req).orgId),
    }),
  );

  app.get(
    '/api/v1/security/backups',
    {
      config: { access: need('settings:security') },
      schema: {
        tags,
        description: 'Backup status of this installation (no target location).',
        response: { 200: backupStatusSchema },
      },
    },
    () => security.backupStatus(),
  );

  app.get(
    '/api/v1/security/email',
    { config: { access: need('org:read') }, schema: { tags, response: { 200: emailStatusSchema } } },
    () => security.email(),
  );

  app.post(
    '/api/v1/security/email/test',
    {
      config: { access: need('settings:security') },
      schema: {
        tags,
        description: 'Sends a test email to you through the configured relay.',
        response: {
          200: z.object({
            ok: z.boolean().describe('true only when a relay accepted it'),
            outcome: z.enum(['sent', 'saved_to_outbox', 'failed']),
            to: z.string(),
            error: z.string().nullable(),
          }),
        },
      },
    },
    async (req) => {
      const p = staff(req);
      return security.sendTestEmail(p.orgId, p.userId);
    },
  );
}
