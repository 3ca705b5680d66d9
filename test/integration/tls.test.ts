// Transport security against a network attacker: a real TLS handshake refuses TLS 1.1 and
// non-AEAD suites and accepts TLS 1.2 and 1.3; HTTPS answers carry HSTS and the security headers;
// plain HTTP only redirects (and a forged Host cannot redirect elsewhere); X-Forwarded-* is
// trusted only from configured proxies. `sealbill dev-cert` makes the certificate used here.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/env.ts';
import { buildHttpApp } from '../../src/main/app.ts';
import { devCertCommand } from '../../src/main/cli/tls.commands.ts';
import { createHttpRedirectServer } from '../../src/main/server.ts';
import { setupOrg, type Api } from '../helpers/api.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestInstance, type TestInstance } from '../helpers/instance.ts';
import { itNeeds } from '../helpers/tools.ts';

function handshake(
  port: number,
  ca: string,
  opts: tls.ConnectionOptions,
): Promise<{ protocol: string | null; cipher: string }> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ...opts }, () => {
      const r = { protocol: s.getProtocol(), cipher: s.getCipher().name };
      s.end();
      resolve(r);
    });
    s.on('error', reject);
  });
}

function get(
  url: string,
  opts: https.RequestOptions = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    mod
      .get(url, opts, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('TLS and security headers', () => {
  let t: TestInstance;
  let app: FastifyInstance;
  let api: Api;
  let port: number;
  let cert: string;

  beforeAll(async () => {
    t = await createTestInstance('sqlite');
    const dir = path.join(t.dir, 'tls');
    const out = await runCli(t, devCertCommand, ['--out', dir, '--days', '2']);
    expect(out.out).toMatch(/dev-cert\.pem/);
    cert = readFileSync(path.join(dir, 'dev-cert.pem'), 'utf8');
    app = await buildHttpApp(t.container, {
      logger: false,
      https: { cert: Buffer.from(cert), key: readFileSync(path.join(dir, 'dev-key.pem')) },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
    api = await setupOrg(t.app);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  itNeeds(['openssl'], 'dev-cert makes a P-256 server certificate for localhost and loopback addresses', () => {
    const text = spawnSync('openssl', ['x509', '-noout', '-text'], { input: cert }).stdout.toString();
    expect(text).toMatch(/DNS:localhost/);
    expect(text).toMatch(/IP Address:127\.0\.0\.1/);
    expect(text).toMatch(/IP Address:0:0:0:0:0:0:0:1/);
    expect(text).toMatch(/TLS Web Server Authentication/);
    expect(text).toMatch(/prime256v1|P-256/);
  });

  it('accepts TLS 1.3 and TLS 1.2 with an AEAD suite', async () => {
    expect(await handshake(port, cert, { minVersion: 'TLSv1.3' })).toMatchObject({ protocol: 'TLSv1.3' });
    const r12 = await handshake(port, cert, { maxVersion: 'TLSv1.2' });
    expect(r12.protocol).toBe('TLSv1.2');
    expect(r12.cipher).toMatch(/GCM|CHACHA20/);
  });

  it('refuses TLS 1.1 and TLS 1.0, even from a client willing to use them', async () => {
    for (const v of ['TLSv1.1', 'TLSv1'] as const) {
      await expect(
        handshake(port, cert, { minVersion: v, maxVersion: v, ciphers: 'DEFAULT@SECLEVEL=0' }),
      ).rejects.toThrow(/protocol|version|alert/i);
    }
  });

  it('refuses non-AEAD (CBC) suites on TLS 1.2', async () => {
    await expect(
      handshake(port, cert, { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA' }),
    ).rejects.toThrow(/handshake|cipher|alert/i);
  });

  it('sends HSTS and the security headers over HTTPS; authenticated answers are not cached', async () => {
    const r = await get(`https://localhost:${port}/healthz`, { ca: cert });
    expect(r.status).toBe(200);
    expect(r.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const authed = await get(`https://localhost:${port}/api/v1/org`, {
      ca: cert,
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(authed.status).toBe(200);
    expect(authed.headers['cache-control']).toBe('no-store');
  });

  it('plain HTTP only redirects to the HTTPS public origin, whatever Host says', async () => {
    const config = { publicUrl: `https://localhost:${port}`, host: '127.0.0.1', port };
    const redirect = createHttpRedirectServer(config);
    await new Promise<void>((r) => redirect.listen(0, '127.0.0.1', r));
    const rport = (redirect.address() as AddressInfo).port;
    try {
      const r = await get(`http://127.0.0.1:${rport}/api/v1/clients?limit=1`);
      expect(r.status).toBe(308);
      expect(r.headers.location).toBe(`https://localhost:${port}/api/v1/clients?limit=1`);
      const forged = await get(`http://127.0.0.1:${rport}/login`, { headers: { host: 'evil.example' } });
      expect(forged.headers.location).toBe(`https://localhost:${port}/login`);
    } finally {
      redirect.close();
    }
  });
});

describe('reverse proxy trust is explicit', () => {
  it('parses SEALBILL_TRUST_PROXY as off, on, or a list of proxy addresses', () => {
    expect(parseConfig({}).trustProxy).toBe(false);
    expect(parseConfig({ SEALBILL_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(parseConfig({ SEALBILL_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
    ]);
    expect(() => parseConfig({ SEALBILL_TRUST_PROXY: 'everyone' })).toThrow(/SEALBILL_TRUST_PROXY/);
  });

  for (const [setting, expectedIp] of [
    ['false', '127.0.0.1'],
    ['127.0.0.1', '203.0.113.9'],
    ['10.9.9.9', '127.0.0.1'],
  ] as const) {
    it(`with SEALBILL_TRUST_PROXY=${setting} the client address is ${expectedIp}`, async () => {
      const t = await createTestInstance('sqlite', { env: { SEALBILL_TRUST_PROXY: setting } });
      try {
        const api = await setupOrg(t.app);
        await api.ok('POST', '/api/v1/clients', { name: 'Proxied' }, 201, { 'x-forwarded-for': '203.0.113.9' });
        const ev = await api.ok('GET', '/api/v1/audit-events?action=client.created');
        expect(ev.items[0].ip).toBe(expectedIp);
      } finally {
        await t.close();
      }
    });
  }
});
