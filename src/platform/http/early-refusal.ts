// Refusal before Fastify: a request that a saturated queue would refuse anyway (a sign-in while
// the password queue is full) is answered 429 straight from Node's request event, before Fastify
// builds its request, child logger and hooks. Under a sign-in flood nearly every request ends
// here, so its cost decides how much of the event loop the flood takes from everyone else (issue
// #14 item 4). The answer is the same problem+json, with the same security headers and a request
// id, as the route's own refusal (test/integration/sign-in-flood.test.ts compares them).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomUUID } from '../crypto/random.ts';
import type { AppError } from '../errors.ts';
import { problem } from './problem.ts';

export interface EarlyRefusal {
  method: string;
  /** The route's path (matched with or without a trailing slash, any query string). */
  path: string;
  /** The error to answer now, or null to let the request through to its route. */
  refusal: () => AppError | null;
}

const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  const p = q < 0 ? url : url.slice(0, q);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
};

export function installEarlyRefusals(
  server: Server,
  refusals: EarlyRefusal[],
  securityHeaders: Record<string, string>,
  onRefused: (route: string) => void,
): void {
  if (refusals.length === 0) return;
  const handlers = server.listeners('request');
  if (handlers.length !== 1) throw new Error(`early refusals: expected one request handler, found ${handlers.length}`);
  const [next] = handlers as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const r = refusals.find((x) => x.method === req.method && x.path === pathOf(req.url ?? ''));
    const err = r?.refusal();
    if (!err) return next!(req, res);
    const requestId = randomUUID();
    const body = JSON.stringify({ ...problem(err.status, err.code, err.message), requestId });
    res.writeHead(err.status, {
      ...securityHeaders,
      ...err.headers,
      'content-type': 'application/problem+json; charset=utf-8',
      'cache-control': 'no-store',
      'x-request-id': requestId,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
    onRefused(`${r!.method} ${r!.path}`);
  });
}
