// Public routes: sealed-link downloads (the link id is the only credential the server sees; the
// key stays in the fragment) and the organization's published delivery keys, which third parties
// use to verify delivery certificates and PGP/MIME signatures without trusting this server's word.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../platform/errors.ts';
import { idParam } from '../../platform/http/schemas.ts';
import type { DeliveryKeysService } from './delivery-keys.service.ts';
import type { SealedLinksService } from './sealed-links.service.ts';
import { PUBLIC } from '../../platform/http/access.ts';

const viewSchema = z.object({
  id: z.string(),
  organization: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  expiresAt: z.string(),
  downloadsLeft: z.number().nullable(),
  codeRequired: z.boolean(),
});
const payloadSchema = viewSchema.extend({
  format: z.literal('sealbill-sealed-link-v1'),
  aad: z.string(),
  ciphertext: z.string(),
});

const metaOf = (req: FastifyRequest) => ({ ip: req.ip, userAgent: req.headers['user-agent']?.slice(0, 300) ?? null });

export function registerSealedRoutes(
  root: FastifyInstance,
  { sealedLinks, keys }: { sealedLinks: SealedLinksService; keys: DeliveryKeysService },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['sealed links'];

  app.get(
    '/api/v1/sealed/:id',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        params: idParam,
        description: 'Metadata; plus the ciphertext when no one-time code is required (counts one download).',
        response: { 200: z.union([payloadSchema, viewSchema]) },
      },
    },
    async (req, reply) => {
      reply.header('referrer-policy', 'no-referrer');
      return sealedLinks.open(req.params.id, metaOf(req));
    },
  );

  app.post(
    '/api/v1/sealed/:id/code',
    {
      config: { access: PUBLIC },
      schema: { tags, security: [], params: idParam, response: { 202: z.object({ challengeId: z.string() }) } },
    },
    async (req, reply) => {
      reply.code(202);
      return sealedLinks.requestCode(req.params.id);
    },
  );

  app.post(
    '/api/v1/sealed/:id/open',
    {
      config: { access: PUBLIC },
      schema: {
        tags,
        security: [],
        params: idParam,
        body: z.strictObject({ challengeId: z.uuid(), code: z.string().regex(/^\d{6}$/) }),
        response: { 200: payloadSchema },
      },
    },
    (req) => sealedLinks.openWithCode(req.params.id, req.body.challengeId, req.body.code, metaOf(req)),
  );

  app.get(
    '/api/v1/public/orgs/:id/delivery-keys',
    {
      config: { access: PUBLIC },
      schema: {
        tags: ['delivery'],
        security: [],
        params: idParam,
        response: {
          200: z.object({
            evidence: z
              .object({ keyId: z.string(), algorithm: z.literal('Ed25519'), publicKeyPem: z.string() })
              .nullable(),
            openpgp: z.object({ fingerprint: z.string(), armored: z.string() }).nullable(),
          }),
        },
      },
    },
    async (req, reply) => {
      // Published from the first read on, before any delivery, so clients can pin them in advance.
      await keys.ensurePublished(req.params.id);
      const [evidence, openpgp] = await Promise.all([
        keys.publishedEvidenceKey(req.params.id),
        keys.publishedPgpKey(req.params.id),
      ]);
      if (!evidence && !openpgp) throw notFound('Published delivery keys');
      reply.header('cache-control', 'public, max-age=300');
      return { evidence, openpgp };
    },
  );
}
