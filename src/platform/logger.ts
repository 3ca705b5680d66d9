// pino with redaction: credentials, cookies and anything secret-shaped are censored before a
// line is written. Request logs carry method, route and status, never bodies.
import pino, { type Logger, type LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.secret',
  '*.totpSecret',
  '*.code',
  '*.iban',
  '*.accountNumber',
  '*.cardNumber',
  '*.masterKey',
  '*.privateKey',
];

/** A secret-shaped key is censored at the top level and two levels deep, not only one level down. */
export function expandRedactPaths(paths: readonly string[]): string[] {
  return [...new Set(paths.flatMap((p) => (p.startsWith('*.') ? [p.slice(2), p, `*.${p}`] : [p])))];
}

export function baseLoggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: expandRedactPaths(REDACT_PATHS), censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({
        id: req.id,
        method: req.method,
        url: redactPathTokens(stripQuery(req.url)),
      }),
    },
  };
}

/**
 * Tokens that travel in the path never reach the log either: pay links (/pay/<token>,
 * /api/v1/pay/<token>/…) and the verification tokens printed as QR codes on signed documents
 * (/verify/<token>, /api/v1/verify/<token>), whose holder learns the document's number, amount
 * and parties. Every /verify/ segment is redacted except the two fixed routes (pdf, details), so
 * a mistyped or guessed token is not logged either.
 */
export function redactPathTokens(url: string): string {
  return url
    .replace(/\/pay\/[A-Za-z0-9_-]{40,}/g, '/pay/[redacted]')
    .replace(/\/verify\/(?!(?:pdf|details)(?:[/?#]|$))[^/?#]+/g, '/verify/[redacted]');
}

/** Query strings can carry single-use tokens (magic links); they never reach the log. */
export function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : `${url.slice(0, i)}?[redacted]`;
}

/** The options behind createLogger; the HTTP app hands them to Fastify's own pino. */
export function loggerOptions(level: string): LoggerOptions {
  return baseLoggerOptions(level);
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(baseLoggerOptions(level), destination) : pino(baseLoggerOptions(level));
}
