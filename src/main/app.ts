// Builds the HTTP application for a container: authentication, every module's routes (each
// declares its access next to its handler), held against the generated permission table.
import { buildApp, type BuildAppOptions } from '../platform/http/app.ts';
import { registerAuditRoutes } from '../modules/audit/audit.routes.ts';
import { registerClientRoutes } from '../modules/clients/client.routes.ts';
import { registerIdentityRoutes } from '../modules/identity/identity.routes.ts';
import { routeAccessTable } from '../modules/identity/route-access.ts';
import { registerCatalogRoutes } from '../modules/catalog/catalog.routes.ts';
import { registerRatesRoutes } from '../modules/rates/rates.routes.ts';
import { registerReportRoutes } from '../modules/reports/reports.routes.ts';
import { registerStatementRoutes } from '../modules/statements/statement.routes.ts';
import { registerDocumentRoutes } from '../modules/documents/document.routes.ts';
import { registerOrgRoutes } from '../modules/orgs/org.routes.ts';
import { registerOrgLogoRoutes } from '../modules/orgs/org-logo.routes.ts';
import { registerRecurringRoutes } from '../modules/recurring/recurring.routes.ts';
import { registerDunningRoutes } from '../modules/dunning/dunning.routes.ts';
import { registerNotificationRoutes } from '../modules/notifications/notifications.routes.ts';
import { registerDeliveryRoutes } from '../modules/delivery/delivery.routes.ts';
import { registerSealedRoutes } from '../modules/delivery/sealed.routes.ts';
import { registerPortalRoutes } from '../modules/portal/portal.routes.ts';
import { registerPayoutRoutes } from '../modules/payouts/payout.routes.ts';
import { registerSigningIdentityRoutes } from '../modules/verification/signing-identity.routes.ts';
import { registerVerificationRoutes } from '../modules/verification/verification.routes.ts';
import { registerPayRoutes } from '../modules/payments/pay.routes.ts';
import { registerPaymentRoutes } from '../modules/payments/payment.routes.ts';
import { registerPaymentConsentRoutes } from '../modules/payments/payment-consents.routes.ts';
import { createAuthenticator } from './authenticate.ts';
import type { Container } from './container.ts';
import { registerSecurityRoutes } from '../modules/security/security.routes.ts';
import { registerExportRoutes } from '../modules/exports/export.routes.ts';
import { registerImportRoutes } from '../modules/imports/import.routes.ts';
import { registerBulkRoutes } from '../modules/bulk/bulk.routes.ts';
import { registerWebRoutes } from './web.ts';
import { PUBLIC } from '../platform/http/access.ts';

export async function buildHttpApp(
  c: Container,
  opts: Partial<Pick<BuildAppOptions, 'logger' | 'https' | 'access' | 'onRouteAccess'>> = {},
) {
  const { services: s, db, clock, config } = c;

  return buildApp({
    config,
    access: routeAccessTable,
    authenticate: createAuthenticator(c),
    earlyRefusals: [{ method: 'POST', path: '/api/v1/auth/login', refusal: s.identity.passwords.queue.refusal }],
    ...opts,
    routes: async (app) => {
      app.get('/healthz', { config: { access: PUBLIC }, schema: { hide: true } }, async () => ({ ok: true }));
      registerIdentityRoutes(app, {
        bootstrap: s.bootstrap,
        config,
        identity: s.identity,
        tokens: s.tokens,
        sessions: s.sessions,
        clock,
      });
      registerOrgRoutes(app, { db, orgs: s.orgs });
      await registerOrgLogoRoutes(app, { orgLogo: s.orgLogo });
      registerPayoutRoutes(app, { payout: s.payoutProtection });
      registerSigningIdentityRoutes(app, { signing: s.signing, clock });
      await registerVerificationRoutes(app, {
        verification: s.verification,
        signing: s.signing,
        rateLimitPerMinute: config.verification.rateLimitPerMinute,
        rateLimit: c.rateLimits,
      });
      registerClientRoutes(app, { clients: s.clients });
      registerCatalogRoutes(app, { catalog: s.catalog });
      await registerRatesRoutes(app, { rates: s.rates, ratesFetch: s.ratesFetch });
      registerDocumentRoutes(app, { db, clock, keyring: c.keyring, documents: s.documents, lifecycle: s.lifecycle });
      registerRecurringRoutes(app, { recurring: s.recurring, recurringSend: s.recurringSend });
      registerDunningRoutes(app, { dunning: s.dunning });
      registerNotificationRoutes(app, { notifications: s.notifications });
      registerReportRoutes(app, { reports: s.reports, ledger: s.ledger });
      registerStatementRoutes(app, { statements: s.statements });
      registerExportRoutes(app, { dataExport: s.dataExport, clock });
      registerImportRoutes(app, { imports: s.imports });
      registerBulkRoutes(app, { bulk: s.bulk });
      registerAuditRoutes(app, { db, audit: s.audit, checkpoints: s.checkpoints });
      registerDeliveryRoutes(app, {
        delivery: s.delivery,
        tracking: s.tracking,
        keys: s.deliveryKeys,
        templates: s.templates,
      });
      registerSealedRoutes(app, { sealedLinks: s.sealedLinks, keys: s.deliveryKeys });
      registerPortalRoutes(app, {
        auth: s.portalAuth,
        portal: s.portal,
        sessions: s.sessions,
        factors: s.portalFactors,
        throttle: s.identity.throttle,
        orgLogo: s.orgLogo,
      });
      registerPaymentConsentRoutes(app, { consents: s.paymentConsents, clients: s.clients });
      registerPaymentRoutes(app, {
        db,
        clock,
        keyring: c.keyring,
        payments: s.payments,
        paymentList: s.paymentList,
        settings: s.paymentSettings,
        payLinks: s.payLinks,
        actions: s.paymentActions,
        receipts: s.receipts,
        reconciliation: s.reconciliation,
        attachments: s.paymentAttachments,
      });
      registerPayRoutes(app, {
        payLinks: s.payLinks,
        payPage: s.payPage,
        receipts: s.receipts,
        documents: s.documents,
        webhooks: s.webhooks,
        rateLimit: c.rateLimits,
        orgLogo: s.orgLogo,
      });
      registerSecurityRoutes(app, { security: s.security, clock, config });
      // Last: the web app's pages and assets (src/main/web.ts).
      await registerWebRoutes(app);
    },
  });
}
