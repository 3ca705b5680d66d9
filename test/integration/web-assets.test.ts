// Serving the built web application: index.html for every page path (under the strict CSP),
// hashed assets with an immutable cache, and nothing else. Attacks performed: path traversal out
// of the assets folder, directory listing, dotfiles, a missing build.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebRoutes, WEB_PAGE_ROUTES } from '../../src/main/web.ts';
import { ROUTE_ACCESS, routeAccessTable } from '../../src/modules/identity/route-access.ts';
import { createTestInstance, describeEachDb, type TestInstance } from '../helpers/instance.ts';

describe('web assets (a built dist folder)', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = `${mkdtempSync(path.join(tmpdir(), 'sealbill-web-'))}/`;
    mkdirSync(`${dir}assets`);
    writeFileSync(
      `${dir}index.html`,
      '<!doctype html><title>Sealbill</title><script type="module" src="/assets/app-1a2b3c.js"></script>',
    );
    writeFileSync(`${dir}assets/app-1a2b3c.js`, 'console.log(1)');
    writeFileSync(`${dir}assets/.hidden`, 'HIDDEN-DOTFILE-CONTENT');
    writeFileSync(`${dir}secret.txt`, 'outside the assets folder');
    app = Fastify({ logger: false });
    await registerWebRoutes(app, { dist: dir });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers index.html for every page path, revalidated on each visit', async () => {
    for (const url of [
      '/',
      '/app',
      '/app/invoices/0190c3a4-0000-7000-8000-000000000000',
      '/portal',
      '/portal/magic',
      '/verify',
      '/verify/abc',
      '/s/xyz',
      '/security/org',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('/assets/app-1a2b3c.js');
    }
  });

  it('serves hashed assets with a year-long immutable cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/app-1a2b3c.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/javascript/);
  });

  it('does not list directories, serve dotfiles, or escape the assets folder', async () => {
    for (const url of [
      '/assets/',
      '/assets/.hidden',
      '/assets/../secret.txt',
      '/assets/..%2fsecret.txt',
      '/assets/%2e%2e/secret.txt',
      '/secret.txt',
      '/index.html/../secret.txt',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect([400, 403, 404], `${url} → ${res.statusCode}`).toContain(res.statusCode);
      expect(res.body).not.toContain('outside the assets folder');
      expect(res.body).not.toContain('HIDDEN-DOTFILE-CONTENT');
    }
  });

  it('says how to build when the web application is missing', async () => {
    const bare = Fastify({ logger: false });
    await registerWebRoutes(bare, { dist: path.join(dir, 'nope/') });
    const res = await bare.inject({ method: 'GET', url: '/app' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    await bare.close();
  });

  it('declares every page route public in the access table', () => {
    for (const p of WEB_PAGE_ROUTES) expect(ROUTE_ACCESS[`GET ${p}`], p).toEqual({ kind: 'public' });
    expect(routeAccessTable.lookup('GET', '/assets/*')).toEqual({ kind: 'public' });
    expect(routeAccessTable.lookup('POST', '/assets/*')).toBeUndefined();
  });
});

describeEachDb('web pages in the full application', (dialect) => {
  let t: TestInstance;
  beforeAll(async () => {
    t = await createTestInstance(dialect);
  });
  afterAll(() => t.close());

  it('carries the strict CSP (no unsafe-inline) and forbids framing on the pages', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/app/settings' });
    // 200 once `npm run build` has run, 503 with instructions before: the headers are the same.
    expect([200, 503]).toContain(res.statusCode);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('leaves API 404s as problem+json (no HTML fallback under /api)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-thing' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
