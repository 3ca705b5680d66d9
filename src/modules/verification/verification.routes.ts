// Public verification API (no login): the published keys, and four ways to check a document (QR
// token, uploaded PDF, uploaded e-invoice XML, typed-in details).
// The routes live in one encapsulated plugin so the rate limit and the PDF body parsers apply to
// them alone. The limit uses the in-memory store: each process counts on its own, so behind
// several instances the effective limit is N × the configured one (use a shared Redis store then).
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import { rateLimitOptions, type RateLimitStore } from '../../platform/http/rate-limit.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';
import { MAX_XML_BYTES } from './einvoice-read.ts';
import type { SigningIdentityService } from './signing-identity.service.ts';
import { publishedKeysSchema, verificationResult, verifyDetailsInput } from './verification.schemas.ts';
import type { VerificationService } from './verification.service.ts';
import { PUBLIC } from '../../platform/http/access.ts';

/** Invoices are tens of kilobytes; 10 MiB leaves room for scans and attachments without inviting abuse. */
export const MAX_PDF_BYTES = 10 * 1024 * 1024;

export interface VerificationRouteDeps {
  verification: VerificationService;
  signing: Pick<SigningIdentityService, 'publishedKeys'>;
  rateLimitPerMinute: number;
  rateLimit: RateLimitStore;
}

/** The uploaded file: a raw body of the route's content type, or the one file of a multipart form. */
async function readUpload(
  req: FastifyRequest,
  what: 'PDF' | 'XML',
  maxBytes: number,
  contentType: string,
): Promise<Buffer> {
  if (req.isMultipart()) {
    const part = await req.file({ limits: { fileSize: maxBytes, files: 1, fields: 0, parts: 2 } });
    if (!part) throw new AppError('validation_failed', `Attach the ${what} as a file field`);
    const bytes = await part.toBuffer().catch((err: unknown) => {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
        throw new AppError('payload_too_large', `The ${what} is larger than ${maxBytes} bytes`);
      throw err;
    });
    return bytes;
  }
  if (Buffer.isBuffer(req.body)) return req.body;
  throw new AppError('validation_failed', `Send the ${what} as ${contentType} or multipart/form-data`);
}
const readPdf = (req: FastifyRequest) => readUpload(req, 'PDF', MAX_PDF_BYTES, 'application/pdf');

/** ?org= from the verification link: lets an upload without our token be matched by its e-invoice. */
const orgQuery = z.strictObject({ org: z.string().max(64).optional() });

export async function registerVerificationRoutes(root: FastifyInstance, deps: VerificationRouteDeps): Promise<void> {
  await root.register(async (scope) => {
    await scope.register(fastifyRateLimit, rateLimitOptions(deps.rateLimit, 'verify', deps.rateLimitPerMinute));
    await scope.register(fastifyMultipart, { limits: { fileSize: MAX_PDF_BYTES, files: 1, fields: 0, parts: 2 } });
    scope.addContentTypeParser('application/pdf', { parseAs: 'buffer', bodyLimit: MAX_PDF_BYTES }, (_req, body, done) =>
      done(null, body),
    );
    scope.addContentTypeParser(
      ['application/xml', 'text/xml'],
      { parseAs: 'buffer', bodyLimit: MAX_XML_BYTES },
      (_req, body, done) => done(null, body),
    );
    const app = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['verification'];

    app.get(
      '/.well-known/sealbill/keys',
      {
        config: { access: PUBLIC },
        schema: {
          tags,
          querystring: z.strictObject({ org: z.uuid().optional() }),
          response: { 200: publishedKeysSchema },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'public, max-age=300');
        const keys = await deps.signing.publishedKeys(req.query.org ?? null);
        // Certificates name their organization: the instance-wide list carries fingerprints only,
        // so it does not enumerate who uses this server; ask with ?org= for the certificates.
        return { keys: req.query.org ? keys : keys.map((k) => ({ ...k, certificatePem: null })) };
      },
    );

    app.post(
      '/api/v1/verify/pdf',
      {
        config: { access: PUBLIC },
        bodyLimit: MAX_PDF_BYTES,
        schema: { tags, querystring: orgQuery, response: { 200: verificationResult } },
      },
      async (req) => deps.verification.byPdf(await readPdf(req), req.query.org),
    );

    // A bare e-invoice (XRechnung / Peppol UBL or CII, or the XML taken out of a Factur-X PDF).
    app.post(
      '/api/v1/verify/einvoice',
      {
        config: { access: PUBLIC },
        bodyLimit: MAX_XML_BYTES + 64 * 1024,
        schema: { tags, querystring: orgQuery, response: { 200: verificationResult } },
      },
      async (req) =>
        deps.verification.byEinvoice(await readUpload(req, 'XML', MAX_XML_BYTES, 'application/xml'), req.query.org),
    );

    app.post(
      '/api/v1/verify/details',
      { config: { access: PUBLIC }, schema: { tags, body: verifyDetailsInput, response: { 200: verificationResult } } },
      (req) => deps.verification.byDetails(req.body),
    );

    app.get(
      '/api/v1/verify/:token',
      {
        config: { access: PUBLIC },
        schema: { tags, params: z.strictObject({ token: z.string().max(64) }), response: { 200: verificationResult } },
      },
      (req) => deps.verification.byToken(req.params.token),
    );
  });
}
