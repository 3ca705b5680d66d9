import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Database } from '../../platform/db/kysely.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import type { AuditService } from './audit.service.ts';
import { isVerifierKey } from './audit.checkpoint.ts';
import type { CheckpointService } from './checkpoint.service.ts';
import { need } from '../../platform/http/access.ts';

const entry = z.object({
  seq: z.number(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  summary: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  hash: z.string(),
});

const checkpointSchema = z.object({
  id: z.string(),
  treeSize: z.number(),
  rootHash: z.string().describe('base64 RFC 9162 Merkle tree hash over the entry hashes'),
  keyHash: z.string(),
  note: z.string().describe('C2SP tlog-checkpoint signed note'),
  timestampToken: z.string().nullable().describe('RFC 3161 TimeStampToken over the note, base64 DER'),
  createdAt: z.string(),
});

const verification = z.object({
  ok: z.boolean(),
  count: z.number(),
  head: z.string().optional(),
  badSeq: z.number().optional(),
  reason: z.string().optional(),
  checkpointsChecked: z.number(),
  proof: z
    .enum(['external', 'internal'])
    .describe(
      'external: matched checkpoints kept outside the database (sent in the request); internal: only what the database holds',
    ),
  externallyCovered: z.number().describe('entries covered by the largest matching exported checkpoint'),
  statement: z.string().describe('what was proved, in one sentence'),
});

export function registerAuditRoutes(
  root: FastifyInstance,
  { db, audit, checkpoints }: { db: Database; audit: AuditService; checkpoints: CheckpointService },
): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit'];
  app.get(
    '/api/v1/audit-events',
    {
      config: { access: need('audit:read') },
      schema: {
        tags,
        querystring: z.strictObject({
          action: z.string().max(100).optional(),
          actorId: z.string().max(100).optional(),
          objectId: z.string().max(100).optional(),
          from: z.iso.datetime().optional(),
          to: z.iso.datetime().optional(),
          afterSeq: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(entry) }) },
      },
    },
    async (req) => {
      const rows = await audit.list(db, { orgId: staff(req).orgId, ...req.query });
      return {
        items: rows.map((r) => ({
          seq: Number(r.seq),
          at: r.at,
          actorType: r.actor_type,
          actorId: r.actor_id,
          action: r.action,
          objectType: r.object_type,
          objectId: r.object_id,
          summary: JSON.parse(r.summary) as Record<string, unknown>,
          ip: r.ip,
          hash: r.hash,
        })),
      };
    },
  );
  app.post(
    '/api/v1/audit-events/verify',
    {
      config: { access: need('audit:read') },
      schema: {
        tags,
        description:
          'Recomputes the hash chain and checks every signed checkpoint (plus any exported ones sent) against the entries; names the first bad entry. ' +
          "Checkpoint keys are trusted only from outside the database: derived from the organization's data keys, endorsed at a key rotation, or sent as trustedKeys.",
        body: z
          .strictObject({
            checkpoints: z.array(z.string().max(4000)).max(1000).optional(),
            trustedKeys: z
              .array(
                z.string().max(300).refine(isVerifierKey, 'not an Ed25519 signed-note verifier key (name+hash+base64)'),
              )
              .max(20)
              .optional(),
            exportedAt: z
              .string()
              .max(100)
              .optional()
              .describe('when the checkpoints sent were exported (for the statement)'),
          })
          .nullish(),
        response: { 200: verification },
      },
    },
    (req) =>
      checkpoints.verify(staff(req).orgId, {
        checkpoints: req.body?.checkpoints ?? [],
        trustedVkeys: req.body?.trustedKeys ?? [],
        exportedAt: req.body?.exportedAt ?? null,
      }),
  );
  app.get(
    '/api/v1/audit-checkpoints',
    {
      config: { access: need('audit:read') },
      schema: { tags, response: { 200: z.object({ items: z.array(checkpointSchema) }) } },
    },
    async (req) => ({
      items: await checkpoints.list(staff(req).orgId),
    }),
  );
  app.post(
    '/api/v1/audit-checkpoints',
    {
      config: { access: need('audit:read') },
      schema: {
        tags,
        description: 'Signs a checkpoint now (returns the latest if the log has not grown).',
        response: { 201: checkpointSchema },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return checkpoints.create(staff(req).orgId);
    },
  );
  app.get(
    '/api/v1/audit-checkpoint-keys',
    {
      config: { access: need('audit:read') },
      schema: {
        tags,
        description:
          "Ed25519 verifier keys (signed-note vkey format) of every trusted key that has signed this log's checkpoints.",
        response: {
          200: z.object({
            origin: z.string(),
            items: z.array(
              z.object({
                keyHash: z.string(),
                name: z.string(),
                publicKey: z.string(),
                vkey: z.string(),
                createdAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({
      origin: checkpoints.originOf(staff(req).orgId),
      items: await checkpoints.keys(staff(req).orgId),
    }),
  );
}
