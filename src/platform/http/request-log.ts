// Request logging: one line per answered request (method, path without its query, status, time,
// request id), written when the answer is sent. A 429 is the mark of a flood (a saturated password
// queue, a throttled address): those are counted per route and logged as one summary line every
// SUMMARY_MS, so a flood of refused requests cannot turn into a flood of log lines, each of which
// costs the event loop its serialization and redaction (issue #14 item 4). Refusals answered before
// routing (early-refusal.ts) are counted under their own key, so an operator sees which path took
// the flood.
import type { FastifyInstance } from 'fastify';

const SUMMARY_MS = 10_000;

export interface RequestLog {
  /**
   * Counts a 429 answered outside Fastify (see early-refusal.ts) into the summary, apart from the
   * route's own refusals: `POST /api/v1/auth/login (before routing)`.
   */
  refused(route: string): void;
}

export function installRequestLog(app: FastifyInstance): RequestLog {
  let refused = new Map<string, number>();
  const count = (route: string): void => void refused.set(route, (refused.get(route) ?? 0) + 1);
  const flush = (): void => {
    if (refused.size === 0) return;
    app.log.warn({ refused: Object.fromEntries(refused) }, 'requests refused with 429 (count per route)');
    refused = new Map();
  };
  const timer = setInterval(flush, SUMMARY_MS).unref();
  app.addHook('onClose', (_app, done) => {
    clearInterval(timer);
    flush();
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (reply.statusCode === 429) count(`${request.method} ${request.routeOptions.url ?? '(no route)'}`);
    else request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    done();
  });
  return { refused: (route) => count(`${route} (before routing)`) };
}
