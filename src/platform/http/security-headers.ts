// Security headers on every response (OWASP ASVS V3): a strict CSP without 'unsafe-inline'
// scripts, framing forbidden, no MIME sniffing, a conservative referrer policy, HSTS over TLS.
export function cspDirectives(opts: { tls: boolean }): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    // The staff app shows PDFs inline: it fetches them with the API client (cookie + CSRF, never
    // a URL that could be framed: every response says frame-ancestors 'none') and frames a
    // blob: object URL of type application/pdf, which the browser's PDF viewer renders.
    // Without this, frame-src falls back to default-src 'self', which never matches blob:.
    // blob: URLs can only be minted by script already running on our origin (script-src
    // 'self'), so this adds nothing an injected page could use; 'self' stays out (nothing of
    // ours may be framed) and <object>/<embed> stay blocked by object-src 'none'.
    'frame-src': ['blob:'],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    ...(opts.tls ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

/**
 * The headers every answer carries, as a fixed map: set by app.ts on every request, and by
 * error-handler.ts on the answers that never reach Fastify's hooks (malformed URLs, over-long
 * paths or headers, unparsable HTTP). test/integration/router-errors.test.ts checks that it
 * equals what helmet sends for securityHeaders().
 */
export function staticSecurityHeaders(opts: { tls: boolean }): Record<string, string> {
  const csp = Object.entries(cspDirectives(opts))
    .map(([name, values]) => (values.length ? `${name} ${values.join(' ')}` : name))
    .join(';');
  return {
    'content-security-policy': csp,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(opts.tls ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
}
