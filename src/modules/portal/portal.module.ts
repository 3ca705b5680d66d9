// Builds the client portal's services (sign-in by emailed code, second factors, the portal's
// documents and payments) from the platform and the services they use. The sign-in throttle and
// the account-mail notifier are identity's own (one of each in the process).
import type { Config } from '../../config/env.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database } from '../../platform/db/kysely.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { DeliveryTrackingService } from '../delivery/delivery-tracking.service.ts';
import type { FingerprintSource } from '../delivery/messages.ts';
import type { PortalLinksService } from '../delivery/portal-links.service.ts';
import type { TemplatesService } from '../delivery/templates.service.ts';
import type { LifecycleService } from '../documents/document-lifecycle.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { Notifier } from '../identity/notify.ts';
import type { SessionsService } from '../identity/sessions/sessions.service.ts';
import type { ThrottleService } from '../identity/sign-in/throttle.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { PaymentService } from '../payments/payment.service.ts';
import { createPortalAuthService } from './portal-auth.service.ts';
import { createPortalFactorsService } from './portal-factors.service.ts';
import { createPortalService } from './portal.service.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';

export interface PortalModuleDeps {
  config: Readonly<Config>;
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  mailer: Mailer;
  jobs: Jobs;
  /** Mail as a job in the caller's transaction. */
  /** Tells staff about quotes answered in the portal. */
  notifications: Pick<NotificationsService, 'notifyInTx'>;
  orgs: OrgService;
  clients: ClientService;
  documents: DocumentService;
  lifecycle: LifecycleService;
  payments: PaymentService;
  sessions: SessionsService;
  throttle: ThrottleService;
  notifier: Notifier;
  tracking: DeliveryTrackingService;
  portalLinks: PortalLinksService;
  /** The organization's email templates (delivery module): the sign-in mail's subject and opening. */
  templates: Pick<TemplatesService, 'render'>;
  /** The verification service: the fingerprint printed on each PDF, repeated in the portal. */
  verification: FingerprintSource;
  warn: (msg: string) => void;
}

export function createPortalModule(d: PortalModuleDeps) {
  const {
    config,
    db,
    keyring,
    audit,
    clock,
    mailer,
    jobs,
    orgs,
    clients,
    documents,
    lifecycle,
    sessions,
    throttle,
    notifier,
    tracking,
    portalLinks,
  } = d;
  const portalFactors = createPortalFactorsService({
    db,
    keyring,
    clock,
    audit,
    sessions,
    notifier,
    webauthn: config.webauthn,
    orgs,
    clients,
  });
  // The portal's second step counts per contact and IP in the same DB-backed throttle as staff sign-in.
  const portalAuth = createPortalAuthService({
    db,
    keyring,
    clock,
    mailer,
    jobs,
    publicUrl: config.publicUrl,
    audit,
    orgs,
    clients,
    documents,
    sessions,
    portalLinks,
    templates: d.templates,
    tracking,
    factors: portalFactors,
    throttle,
    warn: d.warn,
  });
  const portal = createPortalService({
    orgs,
    clients,
    documents,
    lifecycle,
    payments: d.payments,
    tracking,
    fingerprints: d.verification,
    async quoteAnsweredInTx(tx, orgId, quote, answer) {
      const org = await orgs.getInTx(tx, orgId);
      await d.notifications.notifyInTx(tx, orgId, answer === 'accepted' ? 'quote_accepted' : 'quote_declined', {
        title: `[${org.name}] Quote ${quote.number} ${answer} by ${quote.clientName}`,
        body:
          answer === 'accepted'
            ? `${quote.clientName} accepted quote ${quote.number} in the client portal. Turn it into an invoice from the quote's page.`
            : `${quote.clientName} declined quote ${quote.number} in the client portal.`,
        link: `/app/quotes/${quote.id}`,
      });
    },
  });
  return { portalAuth, portalFactors, portal };
}

export type PortalModule = ReturnType<typeof createPortalModule>;
