// Builds the HTTP application for a container: authentication, the permission table, and every
// module's routes.
import { buildApp, type BuildAppOptions } from '../platform/http/app.ts';
import { registerAuditRoutes } from '../modules/audit/audit.routes.ts';
import { registerClientRoutes } from '../modules/clients/client.routes.ts';
import { registerIdentityRoutes } from '../modules/identity/identity.routes.ts';
import { routeAccessTable } from '../modules/identity/route-access.ts';
import { registerCatalogRoutes } from '../modules/items/catalog.routes.ts';
import { registerDocumentRoutes } from '../modules/invoices/document.routes.ts';
import { registerOrgRoutes } from '../modules/orgs/org.routes.ts';
import { registerRecurringRoutes } from '../modules/recurring/recurring.routes.ts';
import { createAuthenticator } from './authenticate.ts';
import type { Container } from './container.ts';

export async function buildHttpApp(c: Container, opts: Pick<BuildAppOptions, 'logger' | 'https'> = {}) {
  const { services: s, db, clock, config } = c;

  return buildApp({
    config,
    access: routeAccessTable,
    authenticate: createAuthenticator(c),
    ...opts,
    routes: (app) => {
      app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
      registerIdentityRoutes(app, { bootstrap: s.bootstrap, config });
      registerOrgRoutes(app, { db, orgs: s.orgs });
      registerClientRoutes(app, { clients: s.clients });
      registerCatalogRoutes(app, { catalog: s.catalog });
      registerDocumentRoutes(app, { db, clock, documents: s.documents, lifecycle: s.lifecycle, payments: s.payments });
      registerRecurringRoutes(app, { recurring: s.recurring });
      registerAuditRoutes(app, { db, audit: s.audit });
    },
  });
}
