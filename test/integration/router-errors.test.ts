// Attack / robustness: requests that fail before a route runs. A URL with a broken
// percent-encoding (/api/v1/%E0%A4%A), an over-long path parameter or request line, oversized
// headers and bytes that are not HTTP were answered by Fastify's router or Node's HTTP parser
// directly: plain JSON without the security headers (no CSP, no nosniff, no frame denial) and
// outside the problem+json contract. Each is sent over a real socket to a listening server, and
// every answer must be problem+json with a closed code and the same security headers as any other
// response; unknown routes, wrong methods, wrong content types, broken JSON and huge bodies too.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fastifyHelmet from '@fastify/helmet';
import Fastify from 'fastify';
import { cspDirectives, staticSecurityHeaders } from '../../src/platform/http/security-headers.ts';
import { createTestInstance, type TestInstance } from '../helpers/instance.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends raw bytes and parses the one HTTP/1.1 answer (the server closes the connection). */
function raw(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.write(request));
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {}); // the server may reset after answering; the bytes received count
    s.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: text.slice(end + 4) });
    });
    s.setTimeout(10_000, () => s.destroy());
  });
}

const get = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}Connection: close\r\n\r\n`;
const post = (path: string, type: string, body: string) =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

function expectProblemWithHeaders(r: RawResponse, status: number, code: string, tls: boolean): void {
  expect(r.status, r.body).toBe(status);
  expect(r.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(r.headers['cache-control']).toBe('no-store');
  const body = JSON.parse(r.body);
  expect(body).toMatchObject({ status, code, type: `https://sealbill.dev/problems/${code}` });
  expect(typeof body.requestId).toBe('string');
  expect(r.body).not.toMatch(/FST_|at .*\.(ts|js):\d+|node_modules|stack/i);
  for (const [name, value] of Object.entries(staticSecurityHeaders({ tls })))
    expect(r.headers[name], `${status} ${code}: ${name}`).toBe(value);
  expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(r.headers['x-content-type-options']).toBe('nosniff');
}

for (const tls of [false, true]) {
  describe(`router-level errors are problem+json with the security headers (${tls ? 'https public URL' : 'http'})`, () => {
    let t: TestInstance;
    let port: number;

    beforeAll(async () => {
      t = await createTestInstance(
        'sqlite',
        tls ? { env: { SEALBILL_PUBLIC_URL: 'https://billing.example.test' } } : {},
      );
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as AddressInfo).port;
    });
    afterAll(() => t.close());

    // The app sets the fixed map itself (helmet rebuilt it on every request); helmet, configured
    // with the same policy, is the oracle that the map is what it would send.
    it('ordinary responses carry exactly the fixed header set, and it equals what helmet sends', async () => {
      const securityNames = (headers: Record<string, unknown>) =>
        Object.fromEntries(
          Object.keys(headers)
            .filter(
              (h) =>
                h !== 'x-request-id' &&
                /^(content-security-policy|strict-transport-security|x-|cross-origin-|origin-agent|referrer-policy)/.test(
                  h,
                ),
            )
            .map((h) => [h, String(headers[h])]),
        );
      const fixed = staticSecurityHeaders({ tls });
      const ours = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(securityNames(ours.headers)).toEqual(fixed);
      const oracle = Fastify();
      await oracle.register(fastifyHelmet, {
        global: true,
        contentSecurityPolicy: { useDefaults: false, directives: cspDirectives({ tls }) },
        strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
        referrerPolicy: { policy: 'no-referrer' },
        crossOriginEmbedderPolicy: false,
        xFrameOptions: { action: 'deny' },
      });
      oracle.get('/', async () => 'ok');
      const helmet = await oracle.inject({ method: 'GET', url: '/' });
      await oracle.close();
      expect(securityNames(helmet.headers)).toEqual(fixed);
    });

    it('a malformed percent-encoding in the URL: 400', async () => {
      for (const path of ['/api/v1/%E0%A4%A', '/%c0', '/api/v1/invoices/%ZZ'])
        expectProblemWithHeaders(await raw(port, get(path)), 400, 'validation_failed', tls);
    });

    it('an over-long path parameter: 414; an over-long request line: 414; oversized headers: 431', async () => {
      expectProblemWithHeaders(await raw(port, get(`/api/v1/invoices/${'a'.repeat(300)}`)), 414, 'uri_too_long', tls);
      expectProblemWithHeaders(await raw(port, get(`/api/v1/${'a'.repeat(20_000)}`)), 414, 'uri_too_long', tls);
      expectProblemWithHeaders(
        await raw(port, get('/api/v1/org', `X-Big: ${'a'.repeat(20_000)}\r\n`)),
        431,
        'headers_too_large',
        tls,
      );
    });

    it('bytes that are not HTTP: 400', async () => {
      expectProblemWithHeaders(await raw(port, 'GARBAGE\r\n\r\n'), 400, 'validation_failed', tls);
      expectProblemWithHeaders(
        await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'),
        400,
        'validation_failed',
        tls,
      );
    });

    it('unknown routes and wrong methods: 404', async () => {
      expectProblemWithHeaders(await raw(port, get('/api/v1/nope')), 404, 'not_found', tls);
      expectProblemWithHeaders(
        await raw(port, `DELETE /api/v1/setup HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`),
        404,
        'not_found',
        tls,
      );
    });

    it('a wrong content type: 415; broken or empty JSON: 400; a huge body: 413', async () => {
      expectProblemWithHeaders(
        await raw(port, post('/api/v1/auth/login', 'text/xml', '<a/>')),
        415,
        'unsupported_media_type',
        tls,
      );
      expectProblemWithHeaders(
        await raw(port, post('/api/v1/auth/login', 'application/json', '{"email":')),
        400,
        'validation_failed',
        tls,
      );
      expectProblemWithHeaders(
        await raw(port, post('/api/v1/auth/login', 'application/json', '')),
        400,
        'validation_failed',
        tls,
      );
      const huge = `POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\nConnection: close\r\n\r\n{}`;
      expectProblemWithHeaders(await raw(port, huge), 413, 'payload_too_large', tls);
    });
  });
}
