// The Fastify application: validation by Zod, OpenAPI generated from the same schemas, security
// headers, problem+json errors, request ids, and the declared-access hook in front of every route.
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../../config/env.ts';
import { randomUUID } from '../crypto/random.ts';
import { loggerOptions } from '../logger.ts';
import { type AccessTable, type Authenticator, installAuthHooks, type RouteAccessListener } from './auth-hooks.ts';
import { AppError } from '../errors.ts';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandler } from './error-handler.ts';
import { installRequestLog } from './request-log.ts';
import { type EarlyRefusal, installEarlyRefusals } from './early-refusal.ts';
import { staticSecurityHeaders } from './security-headers.ts';
import { findUnsafeText } from './text-guard.ts';
import { PUBLIC } from './access.ts';

export type App = FastifyInstance;
export type ZApp = ReturnType<FastifyInstance['withTypeProvider']> & FastifyInstance;

export interface BuildAppOptions {
  config: Readonly<Config>;
  /** The generated table every route's declared access must match; null only for its generator. */
  access: AccessTable | null;
  /** Told every route's access as it is registered (the table's generator listens). */
  onRouteAccess?: RouteAccessListener;
  authenticate: Authenticator;
  /** Registers every module's routes (wiring lives in src/main). */
  routes: (app: FastifyInstance) => Promise<void> | void;
  logger?: FastifyServerOptions['logger'] | false;
  /** Requests answered 429 before Fastify sees them while their queue is saturated (early-refusal.ts). */
  earlyRefusals?: EarlyRefusal[];
  https?: { cert: Buffer; key: Buffer } | null;
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const tls = Boolean(opts.https) || config.publicUrl.startsWith('https:');
  const fixedHeaders = staticSecurityHeaders({ tls });
  const app = Fastify({
    logger:
      opts.logger === undefined ? (loggerOptions(config.logLevel) as FastifyServerOptions['logger']) : opts.logger,
    genReqId: () => randomUUID(),
    // One line per request, written when it is answered (installRequestLog), instead of two.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors answered before any hook runs: problem+json with the security headers all the same.
    frameworkErrors: frameworkErrorHandler(fixedHeaders),
    clientErrorHandler: clientErrorHandler(fixedHeaders),
    ...(opts.https
      ? {
          https: {
            cert: opts.https.cert,
            key: opts.https.key,
            minVersion: 'TLSv1.2' as const,
            // Modern AEAD suites only for TLS 1.2 (TLS 1.3 suites are all AEAD).
            ciphers:
              'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256',
            honorCipherOrder: true,
          },
        }
      : {}),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // The security headers (the same fixed set on every answer; a route may override one, e.g. the
  // pay page's CSP). Set from a precomputed map: helmet rebuilt them on every request.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(fixedHeaders);
    done();
  });
  const requestLog = installRequestLog(app);
  installEarlyRefusals(app.server, opts.earlyRefusals ?? [], {
    securityHeaders: fixedHeaders,
    onRefused: requestLog.refused,
  });
  installErrorHandler(app);
  // Control characters and broken Unicode never reach a schema, a service or the database.
  // JSON bodies only: raw payloads (signed webhooks, uploaded PDFs, multipart) are not text.
  app.addHook('preValidation', async (request) => {
    const json = /\bjson\b/i.test(request.headers['content-type'] ?? '') && !Buffer.isBuffer(request.body);
    const errors = findUnsafeText(
      json ? request.body : undefined,
      '/body',
      findUnsafeText({ ...(request.query as object) }, '/query'),
    );
    if (errors.length > 0)
      throw new AppError(
        'validation_failed',
        'The request contains characters that are not allowed; see errors for each field.',
        { fieldErrors: errors },
      );
  });
  await app.register(fastifyCookie);
  installAuthHooks(app, opts.access, opts.authenticate, opts.onRouteAccess);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Sealbill API',
        version: '1',
        description: 'Security-first invoicing. Errors are RFC 9457 problem+json.',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/v1/docs', staticCSP: true });
  app.get('/api/v1/openapi.json', { config: { access: PUBLIC }, schema: { hide: true } }, async () => app.swagger());

  // Authenticated API answers must never be stored by browsers or proxies.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  await opts.routes(app);
  return app;
}
