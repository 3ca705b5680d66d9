// Staff routes for the org's signing identity (the key and certificate its documents are signed with).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { requireStepUp } from '../../platform/http/step-up.ts';
import type { SigningIdentityService } from './signing-identity.service.ts';
import { need } from '../../platform/http/access.ts';

const identitySchema = z.object({
  keyId: z.string(),
  source: z.enum(['generated', 'imported']),
  fingerprintSha256: z.string(),
  certificatePem: z.string(),
  chainPem: z.array(z.string()),
  notAfter: z.string(),
  createdAt: z.string(),
});
/** PKCS#12 files from a CA are a few KB; base64 keeps the route JSON (and Zod-validated). */
const pkcs12Input = z.strictObject({ pkcs12: z.base64().max(200_000), password: z.string().max(1024) });

export function registerSigningIdentityRoutes(
  root: FastifyInstance,
  { signing, clock }: { signing: SigningIdentityService; clock: Clock },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['organization'];
  app.get(
    '/api/v1/org/signing-identity',
    { config: { access: need('org:read') }, schema: { tags, response: { 200: identitySchema } } },
    (req) => signing.describe(staff(req).orgId),
  );
  app.post(
    '/api/v1/org/signing-identity/pkcs12',
    {
      config: { access: need('settings:security') },
      schema: { tags, body: pkcs12Input, response: { 201: identitySchema } },
    },
    async (req, reply) => {
      // Whoever controls the signing key speaks for the organization: same bar as payout changes.
      requireStepUp(req.principal, clock, 'Replacing the signing identity');
      const info = await signing.importPkcs12(
        staff(req).orgId,
        Buffer.from(req.body.pkcs12, 'base64'),
        req.body.password,
        actorOf(req),
      );
      return reply.code(201).send(info);
    },
  );
}
