// Every error leaves as application/problem+json. Expected errors (AppError, validation, Fastify's
// own 4xx) keep their status and a clear message; anything else is logged with its stack on the
// server and answers a bare 500, so no stack trace, SQL or secret ever reaches a client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { DecryptionError } from '../crypto/aead.ts';
import { MasterKeyError } from '../crypto/master-key.ts';
import { AppError, type FieldError } from '../errors.ts';
import { problem, type Problem } from './problem.ts';

function send(reply: FastifyReply, request: FastifyRequest, body: Problem, headers?: Record<string, string>): FastifyReply {
  if (headers) reply.headers(headers);
  return reply
    .code(body.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send({ ...body, requestId: request.id });
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      const fieldErrors: FieldError[] | undefined = err.fieldErrors;
      if (err.status >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code: err.code }, err.message);
      return send(reply, request, problem(err.status, err.code, err.message, fieldErrors ? { errors: fieldErrors } : {}), err.headers);
    }
    if (err instanceof DecryptionError) {
      // Corruption or tampering of stored data is not the caller's fault and must never be answered
      // with wrong data: a distinct code for monitoring, the detail (which row) only in the log.
      request.log.error({ err: { name: err.name, message: err.message } }, 'stored data failed its integrity check');
      return send(reply, request, problem(500, 'integrity_failed', 'Stored data failed its integrity check; the incident has been logged.'));
    }
    if (err instanceof MasterKeyError) {
      // A data key wrapped by a master key this process was not started with (e.g. created by a
      // process already on a new key): a configuration problem, not damaged data.
      request.log.error({ err: { name: err.name, message: err.message } }, 'master key not configured');
      return send(reply, request, problem(503, 'key_unavailable', 'This server was not started with the master key that protects this data; its operator must restart it with that key.'));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const root = (err as FastifyError).validationContext ?? 'body';
      const errors = err.validation.map((v) => ({
        path: `/${root}${v.instancePath === '/' ? '' : v.instancePath}`,
        message: v.message ?? 'invalid',
      }));
      return send(reply, request, problem(400, 'validation_failed', 'The request is invalid; see errors for each field.', { errors }));
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err: { message: err.message, method: err.method, url: err.url } }, 'response failed its schema');
      return send(reply, request, problem(500, 'internal', 'An unexpected error occurred.'));
    }
    const status = (err as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = status === 413 ? 'payload_too_large' : status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : 'validation_failed';
      // Fastify's own messages for 4xx (bad JSON, wrong content type, body too large) are safe and useful.
      return send(reply, request, problem(status, code, err.message));
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, request, problem(500, 'internal', 'An unexpected error occurred.'));
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, problem(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
