// Identity routes: first-run setup, the caller's identity, and (registered from here) sign-in,
// account links, one's own account and factors, members and the org's security policy. Also the
// record of permission denials (security events) for the audit log.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config/env.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { foreignOriginError } from '../../platform/http/origins.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { registerAccountLinkRoutes } from './accounts/account-links.routes.ts';
import type { ApiTokensService } from './tokens/api-tokens.service.ts';
import { registerAuthRoutes } from './sign-in/auth.routes.ts';
import { setupInput, type BootstrapService } from './accounts/bootstrap.service.ts';
import { registerFactorRoutes } from './mfa/factors.routes.ts';
import { createSessionCookies } from './sessions/http-session.ts';
import type { IdentityServices } from './identity.module.ts';
import { registerMeRoutes } from './accounts/me.routes.ts';
import { registerMemberRoutes } from './members/members.routes.ts';
import type { SessionsService } from './sessions/sessions.service.ts';
import { sameSecret } from '../../platform/crypto/hash.ts';
import { PUBLIC, SELF } from '../../platform/http/access.ts';

export const PROVISIONING_HEADER = 'x-sealbill-provisioning-token';

export interface IdentityRouteDeps {
  bootstrap: BootstrapService;
  config: Readonly<Config>;
  identity: IdentityServices;
  tokens: ApiTokensService;
  sessions: SessionsService;
  clock: Clock;
}

export function registerIdentityRoutes(root: FastifyInstance, deps: IdentityRouteDeps): void {
  const { bootstrap, config } = deps;
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['identity'];

  app.get(
    '/api/v1/setup',
    { config: { access: PUBLIC }, schema: { tags, security: [], response: { 200: z.object({ setUp: z.boolean() }) } } },
    async () => ({ setUp: await bootstrap.isSetUp() }),
  );

  /** Automation that holds SEALBILL_PROVISIONING_TOKEN may create organizations after the first run. */
  const provisioned = (presented: string | string[] | undefined): boolean => {
    const expected = config.provisioningToken;
    const given = Array.isArray(presented) ? presented[0] : presented;
    return Boolean(expected && given && sameSecret(expected, given));
  };

  app.post(
    '/api/v1/setup',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        description:
          'First-run setup: creates the first organization and its owner, and returns a bootstrap owner API token (shown once, valid 24 hours). Works once; afterwards only with the X-Sealbill-Provisioning-Token header (SEALBILL_PROVISIONING_TOKEN). Rate-limited per client address.',
        body: setupInput,
        response: {
          201: z.object({ orgId: z.string(), userId: z.string(), token: z.string(), tokenExpiresAt: z.string() }),
        },
      },
    },
    async (req, reply) => {
      const trusted = provisioned(req.headers[PROVISIONING_HEADER]);
      if (!trusted) await deps.identity.throttle.limitIp('setup', req.ip);
      if (!trusted && config.signup === 'invite-only') throw new AppError('forbidden', 'Sign-up is by invitation only');
      const r = await bootstrap.setup(req.body, { firstRunOnly: !trusted, actor: actorOf(req) });
      reply.code(201);
      return { orgId: r.org.id, userId: r.userId, token: r.token, tokenExpiresAt: r.tokenExpiresAt };
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { access: SELF },
      schema: {
        tags,
        response: {
          200: z.object({
            userId: z.string(),
            orgId: z.string(),
            role: z.string(),
            permissions: z.array(z.string()),
            via: z.string(),
          }),
        },
      },
    },
    async (req) => {
      const p = staff(req);
      return { userId: p.userId, orgId: p.orgId, role: p.role, permissions: [...p.permissions].sort(), via: p.via };
    },
  );

  const cookies = createSessionCookies(deps.sessions);
  registerAuthRoutes(root, { identity: deps.identity, cookies, clock: deps.clock });
  registerAccountLinkRoutes(root, { identity: deps.identity });
  registerMeRoutes(root, { identity: deps.identity, tokens: deps.tokens, cookies, clock: deps.clock });
  registerFactorRoutes(root, { identity: deps.identity, cookies });
  registerMemberRoutes(root, { identity: deps.identity, clock: deps.clock });
  recordPermissionDenials(root, deps);
  refuseForeignOrigins(root, deps.config);
}

/**
 * The public sign-in routes and first-run set-up carry no session yet, so the CSRF token cannot
 * protect them: a POST from another origin (login CSRF, forged sign-up, reset or set-up) is
 * refused when the browser names it, before anything is created, with a message that says
 * which address to use. Bodies are JSON only (no form parser), which cross-site forms cannot
 * send without CORS.
 */
function refuseForeignOrigins(app: FastifyInstance, config: Readonly<Config>): void {
  const ours = new Set([...config.allowedOrigins, ...config.webauthn.origins]);
  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url;
    if (req.method !== 'POST' || !(url === '/api/v1/setup' || url?.startsWith('/api/v1/auth/'))) return;
    const origin = req.headers.origin;
    if (origin !== undefined && !ours.has(origin)) throw foreignOriginError(origin, config);
  });
}

/**
 * Security event: a signed-in principal was refused for lack of a permission. Recorded in the
 * org's audit chain, at most once a minute per principal and route so a loop cannot flood it.
 */
function recordPermissionDenials(app: FastifyInstance, { identity, clock }: IdentityRouteDeps): void {
  const recent = new Map<string, number>();
  app.addHook('onError', async (req, _reply, err) => {
    if (!(err instanceof AppError) || err.code !== 'forbidden') return;
    const p = req.principal;
    if (!p || p.realm !== 'staff') return;
    const route = `${req.method} ${req.routeOptions.url ?? ''}`;
    const key = `${p.tokenId ?? p.sessionId ?? p.userId}|${route}`;
    const now = clock.now().getTime();
    if ((recent.get(key) ?? 0) > now - 60_000) return;
    if (recent.size > 10_000) recent.clear();
    recent.set(key, now);
    try {
      await identity.secAudit.recordInOrg(p.orgId, {
        action: 'permission.denied',
        actor: actorOf(req),
        userId: p.userId,
        summary: { route, reason: err.message },
      });
    } catch (e) {
      req.log.warn({ err: e }, 'could not record a permission denial');
    }
  });
}
