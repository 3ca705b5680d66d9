import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import type { Config } from '../../config/env.ts';
import { AppError } from '../../platform/errors.ts';
import { setupInput, type BootstrapService } from './bootstrap.service.ts';

export function registerIdentityRoutes(root: FastifyInstance, { bootstrap, config }: { bootstrap: BootstrapService; config: Readonly<Config> }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['identity'];

  app.get('/api/v1/setup', { schema: { tags, security: [], response: { 200: z.object({ setUp: z.boolean() }) } } }, async () => ({ setUp: await bootstrap.isSetUp() }));

  app.post(
    '/api/v1/setup',
    {
      schema: {
        tags,
        security: [],
        description: 'First-run setup: creates the first organization and its owner, and returns a bootstrap owner API token (shown once). Works once.',
        body: setupInput,
        response: { 201: z.object({ orgId: z.string(), userId: z.string(), token: z.string() }) },
      },
    },
    async (req, reply) => {
      if (config.signup !== 'first-run' && config.signup !== 'open') throw new AppError('forbidden', 'Sign-up is by invitation only');
      const r = await bootstrap.setup(req.body, { firstRunOnly: config.signup === 'first-run', actor: actorOf(req) });
      reply.code(201);
      return { orgId: r.org.id, userId: r.userId, token: r.token };
    },
  );

  app.get(
    '/api/v1/me',
    { schema: { tags, response: { 200: z.object({ userId: z.string(), orgId: z.string(), role: z.string(), permissions: z.array(z.string()), via: z.string() }) } } },
    async (req) => {
      const p = staff(req);
      return { userId: p.userId, orgId: p.orgId, role: p.role, permissions: [...p.permissions].sort(), via: p.via };
    },
  );
}
