import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { notFound } from '../../platform/errors.ts';
import { MAX_LOGO_BYTES, type LogoImage, type OrgLogoService } from './org-logo.service.ts';
import { orgLogoSchema } from './org.schemas.ts';
import { need } from '../../platform/http/access.ts';

/**
 * Bodies the upload lets in: the file itself, whatever type the browser guessed. What it is, is
 * read from its bytes (org-logo.service.ts), so a declared image/svg+xml or text/html reaches the
 * check and gets its reason; the parser's limit is above the service's, so an oversized logo gets
 * the service's clear 400 rather than a bare 413.
 */
const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'application/octet-stream', 'image/svg+xml', 'text/html'];

/**
 * Answers a logo with the type its bytes proved at upload (PNG or JPEG; never SVG), nosniff so no
 * browser second-guesses it, inline, and a CSP under which nothing runs even if it is opened as a
 * page. The portal's and the pay page's logo routes answer through this too.
 */
export function sendLogo(reply: FastifyReply, logo: LogoImage): FastifyReply {
  return reply
    .type(logo.contentType)
    .header('x-content-type-options', 'nosniff')
    .header('content-disposition', 'inline; filename="logo"')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'no-store')
    .send(logo.bytes);
}

export async function registerOrgLogoRoutes(
  root: FastifyInstance,
  { orgLogo }: { orgLogo: OrgLogoService },
): Promise<void> {
  const tags = ['organization'];
  await root.register(async (scope) => {
    scope.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: MAX_LOGO_BYTES * 2 }, (_req, body, done) =>
      done(null, body),
    );
    const app = scope.withTypeProvider<ZodTypeProvider>();
    app.put(
      '/api/v1/org/logo',
      {
        bodyLimit: MAX_LOGO_BYTES * 2,
        config: { access: need('org:update') },
        schema: {
          tags,
          description: `Sets the logo printed at the top of documents and shown on the portal and pay page: the PNG or JPEG file itself as the body (at most ${MAX_LOGO_BYTES / 1024} KB). Its format is read from its bytes; anything else (SVG, HTML, GIF…) is refused with 400.`,
          response: { 200: orgLogoSchema },
        },
      },
      (req) => orgLogo.set(staff(req).orgId, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), actorOf(req)),
    );
    app.delete('/api/v1/org/logo', { config: { access: need('org:update') }, schema: { tags } }, async (req, reply) => {
      await orgLogo.remove(staff(req).orgId, actorOf(req));
      return reply.code(204).send();
    });
    app.get('/api/v1/org/logo', { config: { access: need('org:read') }, schema: { tags } }, async (req, reply) => {
      const logo = await orgLogo.image(staff(req).orgId);
      if (!logo) throw notFound('Logo');
      return sendLogo(reply, logo);
    });
  });
}
