// Builds the online-payment services (providers, pay links, pay page, webhooks, refunds and
// disputes, reconciliation, attachments) for the container. The receipt service is built before the
// ledger (manual payments render their receipt in the booking transaction) and passed in.
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { Config } from '../../config/env.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database } from '../../platform/db/kysely.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { FileService } from '../files/file.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { VerificationService } from '../verification/verification.service.ts';
import { createPayLinkService } from './pay-links.service.ts';
import { createPayPageService } from './pay-page.service.ts';
import { createPaymentListService } from './payment-list.service.ts';
import { createPaymentActionsService } from './payment-actions.service.ts';
import { createPaymentAttachmentService } from './payment-attachments.service.ts';
import { createPaymentConsentService } from './payment-consents.service.ts';
import { createSavedChargeService } from './saved-charges.service.ts';
import { createPaymentSettingsService } from './payment-settings.service.ts';
import type { PaymentService } from './payment.service.ts';
import { createProviderEventsService, type ProviderEventsDeps } from './provider-events.service.ts';
import { createProviderFactory, type ProviderFactory } from './providers/registry.ts';
import type { ReceiptService } from './receipt.service.ts';
import { createReconciliationService } from './reconciliation.service.ts';
import { createWebhookService } from './webhook.service.ts';

export interface PaymentsModuleDeps {
  config: Readonly<Config>;
  notifications: Pick<NotificationsService, 'notifyInTx'>;
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  orgs: OrgService;
  documents: DocumentService;
  /** The payments list shows its page's client names. */
  clients: Pick<ClientService, 'namesByIdsInTx'>;
  files: FileService;
  payments: PaymentService;
  receipts: ReceiptService;
  verification: Pick<VerificationService, 'documentFingerprint'>;
  /** Tests may substitute adapters; by default they talk to the configured endpoints. */
  providerFactory?: ProviderFactory;
  /** See ProviderEventsDeps.checkoutHooks (filled in by the container after the recurring module). */
  checkoutHooks?: ProviderEventsDeps['checkoutHooks'];
}

export function createPaymentsModule(d: PaymentsModuleDeps) {
  const { db, keyring, audit, clock } = d;
  const publicUrl = d.config.publicUrl;
  const providerFactory = d.providerFactory ?? createProviderFactory(d.config.payments);
  const paymentSettings = createPaymentSettingsService({ db, keyring, audit, clock, providerFactory, publicUrl });
  const receipts = d.receipts;
  const paymentConsents = createPaymentConsentService({ db, keyring, audit, clock });
  const providerEvents = createProviderEventsService({
    audit,
    clock,
    payments: d.payments,
    receipts,
    notifications: d.notifications,
    consents: paymentConsents,
    ...(d.checkoutHooks && { checkoutHooks: d.checkoutHooks }),
  });
  return {
    paymentConsents,
    savedCharges: createSavedChargeService({
      db,
      audit,
      clock,
      documents: d.documents,
      consents: paymentConsents,
      settings: paymentSettings,
      events: providerEvents,
      notifications: d.notifications,
    }),
    paymentSettings,
    paymentList: createPaymentListService({ db, clients: d.clients, documents: d.documents }),
    receipts,
    payLinks: createPayLinkService({ db, audit, clock, documents: d.documents, publicUrl }),
    payPage: createPayPageService({
      db,
      audit,
      clock,
      documents: d.documents,
      orgs: d.orgs,
      settings: paymentSettings,
      verification: d.verification,
      publicUrl,
    }),
    webhooks: createWebhookService({ db, clock, settings: paymentSettings, events: providerEvents }),
    paymentActions: createPaymentActionsService({ db, audit, clock, settings: paymentSettings, payments: d.payments }),
    reconciliation: createReconciliationService({ db, clock, audit, settings: paymentSettings }),
    paymentAttachments: createPaymentAttachmentService({ db, keyring, audit, clock, files: d.files }),
  };
}

export type PaymentsModule = ReturnType<typeof createPaymentsModule>;
