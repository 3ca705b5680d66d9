// Serves the built web application (web/dist, produced by `npm run build`): hashed assets under
// /assets/ with a year-long immutable cache, and index.html for every page path of the staff app,
// the client portal and the public pages (the browser router takes over from there). The HTML
// carries no inline script or style, so it runs under the same strict CSP as everything else.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PUBLIC } from '../platform/http/access.ts';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Page paths answered with index.html; each is public (declared where they are registered below). */
export const WEB_PAGE_ROUTES = [
  '/',
  '/app',
  '/app/*',
  '/portal',
  '/portal/*',
  '/verify',
  '/verify/*',
  '/s/:id',
  '/security/:orgId',
] as const;

export async function registerWebRoutes(app: FastifyInstance, opts: { dist?: string } = {}): Promise<void> {
  const dist = opts.dist ?? WEB_DIST;
  let cached: { mtimeMs: number; html: Buffer } | null = null;

  // Re-read index.html only when a rebuild replaced it (its asset names change with every build).
  function indexHtml(): Buffer | null {
    try {
      const st = statSync(`${dist}index.html`);
      if (!cached || cached.mtimeMs !== st.mtimeMs)
        cached = { mtimeMs: st.mtimeMs, html: readFileSync(`${dist}index.html`) };
      return cached.html;
    } catch {
      return null;
    }
  }

  await app.register(fastifyStatic, {
    root: `${dist}assets`,
    prefix: '/assets/',
    wildcard: true,
    index: false,
    list: false,
    dotfiles: 'deny',
    decorateReply: false,
    // File names carry a content hash, so a cached copy can never be stale.
    immutable: true,
    maxAge: '365d',
    serveDotFiles: false,
    logLevel: 'warn',
  });

  const page = async (_req: unknown, reply: FastifyReply) => {
    const html = indexHtml();
    if (!html) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(
          'The web application is not built. Run `npm run build` (or start with `npm start`, which builds it when missing).\n',
        );
    }
    // Always revalidate the HTML so a new release's asset names are picked up at once.
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  };
  for (const path of WEB_PAGE_ROUTES) app.get(path, { config: { access: PUBLIC }, schema: { hide: true } }, page);
}
