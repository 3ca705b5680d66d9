// Refusal before Fastify: a request that a saturated queue would refuse anyway (a sign-in while
// the password queue is full) is answered 429 straight from Node's request event, before Fastify
// builds its request, child logger and hooks. Under a sign-in flood nearly every request ends
// here, so its cost decides how much of the event loop the flood takes from everyone else (issue
// #14 item 4); and it is sent after a pause, which slows down every client that waits for its
// answers (nginx's limit_req does the same with the requests over its rate). The answer is the same problem+json, with the same security headers and a request
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

/** How long a refusal waits before it is sent (a Retry-After is at least 1 s anyway). */
export const DELAY_MS = 1000;
/** Refusals waiting at once, at most. */
export const MAX_DELAYED = 2000;

const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  const p = q < 0 ? url : url.slice(0, q);
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
};

export interface EarlyRefusalOptions {
  /** Headers every answer carries (security-headers.ts). */
  securityHeaders: Record<string, string>;
  /** Told each refusal (request-log.ts counts them into its summary). */
  onRefused: (route: string) => void;
  delayMs?: number;
  maxDelayed?: number;
}

export function installEarlyRefusals(
  server: Server,
  refusals: EarlyRefusal[],
  { securityHeaders, onRefused, delayMs = DELAY_MS, maxDelayed = MAX_DELAYED }: EarlyRefusalOptions,
): void {
  if (refusals.length === 0) return;
  const handlers = server.listeners('request');
  if (handlers.length !== 1) throw new Error(`early refusals: expected one request handler, found ${handlers.length}`);
  const [next] = handlers as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  let delayed = 0;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const r = refusals.find((x) => x.method === req.method && x.path === pathOf(req.url ?? ''));
    const err = r?.refusal();
    if (!err) return next!(req, res);
    onRefused(`${r!.method} ${r!.path}`);
    // Answered after a pause: a client that waits for each answer before its next request (most
    // flood tools, every HTTP/1.1 keep-alive connection) then gets one refusal per connection per
    // delay instead of thousands per second. Beyond maxDelayed pending answers (a flood over very
    // many connections) the rest are answered at once, so the pauses never cost more than
    // maxDelayed timers and sockets.
    if (delayed >= maxDelayed) return answer(res, err);
    delayed++;
    // Spread over half to one and a half times the delay, so refusals taken together are not all sent
    // together (a burst that would hold up every other request queued behind it).
    setTimeout(
      () => {
        delayed--;
        if (!res.destroyed) answer(res, err);
      },
      delayMs * (0.5 + Math.random()),
    );
  });

  function answer(res: ServerResponse, err: AppError): void {
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
  }
}
