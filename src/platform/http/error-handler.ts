// Every error leaves as application/problem+json. Expected errors (AppError, validation, Fastify's
// own 4xx) keep their status and a clear message; anything else is logged with its stack on the
// server and answers a bare 500, so no stack trace, SQL or secret ever reaches a client.
// Two kinds of answer never reach Fastify's error handler or its hooks (where helmet sets the
// security headers): the router's (a URL that is not valid percent-encoding, an over-long path
// parameter) and Node's HTTP parser's (over-long request line or headers, unparsable HTTP, a
// client too slow to send its request). They get the same problem+json and the same security
// headers here (frameworkErrorHandler, clientErrorHandler, installed by app.ts).
import { randomUUID } from '../crypto/random.ts';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { DecryptionError } from '../crypto/aead.ts';
import { MasterKeyError } from '../crypto/master-key.ts';
import { AppError, type ErrorCode, type FieldError } from '../errors.ts';
import { problem, type Problem } from './problem.ts';

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  body: Problem,
  headers?: Record<string, string>,
): FastifyReply {
  if (headers) reply.headers(headers);
  return reply
    .code(body.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send({ ...body, requestId: request.id });
}

/** The closed code for each 4xx status Fastify or Node may answer (any other 4xx: validation_failed). */
const FASTIFY_4XX_CODES: Partial<Record<number, ErrorCode>> = {
  404: 'not_found',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      const fieldErrors: FieldError[] | undefined = err.fieldErrors;
      if (err.status >= 500) request.log.error({ err }, 'request failed');
      // A 429 is counted in request-log.ts's summary, not logged one by one.
      else if (err.code !== 'rate_limited') request.log.info({ code: err.code }, err.message);
      return send(
        reply,
        request,
        problem(err.status, err.code, err.message, fieldErrors ? { errors: fieldErrors } : {}),
        err.headers,
      );
    }
    if (err instanceof DecryptionError) {
      // Corruption or tampering of stored data is not the caller's fault and must never be answered
      // with wrong data: a distinct code for monitoring, the detail (which row) only in the log.
      request.log.error({ err: { name: err.name, message: err.message } }, 'stored data failed its integrity check');
      return send(
        reply,
        request,
        problem(500, 'integrity_failed', 'Stored data failed its integrity check; the incident has been logged.'),
      );
    }
    if (err instanceof MasterKeyError) {
      // A data key wrapped by a master key this process was not started with (e.g. created by a
      // process already on a new key): a configuration problem, not damaged data.
      request.log.error({ err: { name: err.name, message: err.message } }, 'master key not configured');
      return send(
        reply,
        request,
        problem(
          503,
          'key_unavailable',
          'This server was not started with the master key that protects this data; its operator must restart it with that key.',
        ),
      );
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const root = (err as FastifyError).validationContext ?? 'body';
      const errors = err.validation.map((v) => ({
        path: `/${root}${v.instancePath === '/' ? '' : v.instancePath}`,
        message: v.message ?? 'invalid',
      }));
      return send(
        reply,
        request,
        problem(400, 'validation_failed', 'The request is invalid; see errors for each field.', { errors }),
      );
    }
    if (isResponseSerializationError(err)) {
      request.log.error(
        { err: { message: err.message, method: err.method, url: err.url } },
        'response failed its schema',
      );
      return send(reply, request, problem(500, 'internal', 'An unexpected error occurred.'));
    }
    const status = (err as FastifyError).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own messages for 4xx (bad JSON, wrong content type, body too large) are safe and useful.
      return send(reply, request, problem(status, FASTIFY_4XX_CODES[status] ?? 'validation_failed', err.message));
    }
    request.log.error({ err }, 'unhandled error');
    return send(reply, request, problem(500, 'internal', 'An unexpected error occurred.'));
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, request, problem(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/** The router's own errors: the URL is not valid percent-encoding, or a path parameter is too long. */
export function frameworkErrorHandler(
  securityHeaders: Record<string, string>,
): NonNullable<FastifyServerOptions['frameworkErrors']> {
  return (err, request, reply) => {
    const [status, code, detail]: [number, ErrorCode, string] =
      err.code === 'FST_ERR_BAD_URL'
        ? [400, 'validation_failed', 'The URL is not valid: it contains a malformed percent-encoding.']
        : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? [414, 'uri_too_long', 'A path segment of the URL is too long.']
          : [500, 'internal', 'An unexpected error occurred.'];
    if (status >= 500) request.log.error({ err: { code: err.code, message: err.message } }, 'router error');
    else request.log.info({ code: err.code }, 'refused by the router');
    reply.headers(securityHeaders).header('x-request-id', request.id);
    send(reply, request, problem(status, code, detail));
  };
}

/** A request line longer than this (or one without an end) is answered 414 rather than 431. */
const MAX_REQUEST_LINE = 4096;

/**
 * Node's HTTP parser refused the bytes before any request existed. Written straight to the socket
 * (as Fastify's default does), but as problem+json with the security headers.
 */
export function clientErrorHandler(securityHeaders: Record<string, string>) {
  return (err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void => {
    // A connection reset or an already destroyed socket: nobody to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    let answer: [number, ErrorCode, string];
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
      answer = [408, 'request_timeout', 'The request was not received in time.'];
    else if (err.code === 'HPE_HEADER_OVERFLOW') {
      const eol = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.indexOf('\r\n') : 0;
      answer =
        eol === -1 || eol > MAX_REQUEST_LINE
          ? [414, 'uri_too_long', 'The URL is too long.']
          : [431, 'headers_too_large', 'The request headers are too large.'];
    } else answer = [400, 'validation_failed', 'The request is not valid HTTP.'];
    const [status, code, detail] = answer;
    if (socket.writable) {
      const body = JSON.stringify({ ...problem(status, code, detail), requestId: randomUUID() });
      const head = [
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
        'content-type: application/problem+json; charset=utf-8',
        `content-length: ${Buffer.byteLength(body)}`,
        'cache-control: no-store',
        'connection: close',
        ...Object.entries(securityHeaders).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
    }
    socket.destroy(err);
  };
}
