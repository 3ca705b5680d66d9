import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { need } from '../../platform/http/access.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { staff } from '../../platform/http/auth-hooks.ts';
import { MAX_CSV_CHARS } from './import.csv.ts';
import { IMPORT_KINDS } from './import.fields.ts';
import { importConfirmInput, importInput, importReport } from './import.schemas.ts';
import type { ImportService } from './import.service.ts';

/** The CSV travels as a JSON string: up to 4 bytes per character once escaped, plus the mapping. */
const BODY_LIMIT = MAX_CSV_CHARS * 4 + 64 * 1024;

/**
 * One route pair per kind, so each carries the create permission of what it writes:
 * POST …/preview checks (writes nothing), POST … imports. Issued invoices (kept numbers) also
 * need invoice:issue, checked by the service.
 */
const ACCESS = { clients: need('client:write'), items: need('item:write'), invoices: need('invoice:write') } as const;
export function registerImportRoutes(root: FastifyInstance, { imports }: { imports: ImportService }): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['imports'];
  for (const kind of IMPORT_KINDS) {
    app.post(
      `/api/v1/imports/${kind}/preview`,
      {
        bodyLimit: BODY_LIMIT,
        config: { access: ACCESS[kind] },
        schema: { tags, body: importInput, response: { 200: importReport } },
      },
      (req) => {
        const p = staff(req);
        return imports.preview(p.orgId, kind, req.body, actorOf(req), { canIssue: p.permissions.has('invoice:issue') });
      },
    );
    app.post(
      `/api/v1/imports/${kind}`,
      {
        bodyLimit: BODY_LIMIT,
        config: { access: ACCESS[kind] },
        schema: { tags, body: importConfirmInput, response: { 201: importReport } },
      },
      async (req, reply) => {
        const p = staff(req);
        const { confirm: _confirm, ...input } = req.body;
        reply.code(201);
        return imports.commit(p.orgId, kind, input, actorOf(req), { canIssue: p.permissions.has('invoice:issue') });
      },
    );
  }
}
