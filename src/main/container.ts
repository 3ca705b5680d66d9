// Wiring only: builds the platform and every service from the config. The server, the CLI, the
// worker and the tests all start from here, so they share one code path.
import path from 'node:path';
import type { Config } from '../config/env.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { Keyring, storedMasterKeyIds } from '../platform/crypto/keyring.ts';
import { loadMasterKey, loadPreviousMasterKeys, type MasterKey } from '../platform/crypto/master-key.ts';
import { openDatabase, type DbHandle } from '../platform/db/kysely.ts';
import { createLedgerService } from '../modules/reports/ledger.service.ts';
import { createReportService } from '../modules/reports/reports.service.ts';
import { createStatementService } from '../modules/statements/statement.service.ts';
import { migrateToLatest, refreshPlannerStatistics } from '../platform/db/migrate.ts';
import { ensurePrivateDir } from '../platform/private-files.ts';
import { createAuditService } from '../modules/audit/audit.service.ts';
import { createTsaClient } from '../platform/crypto/tsa.ts';
import { createCheckpointService } from '../modules/audit/checkpoint.service.ts';
import { createClientService } from '../modules/clients/client.service.ts';
import { createFileService } from '../modules/files/file.service.ts';
import { createKeysService } from '../modules/keys/keys.service.ts';
import { createBackupService } from '../modules/backup/backup.service.ts';
import { createApiTokensService } from '../modules/identity/tokens/api-tokens.service.ts';
import { createBootstrapService } from '../modules/identity/accounts/bootstrap.service.ts';
import { createIdentityServices } from '../modules/identity/identity.module.ts';
import { createPasswordService } from '../modules/identity/passwords/passwords.ts';
import {
  activeMembersHoldingInTx,
  activeOwnersAndAdminsInTx,
  memberHoldsInTx,
} from '../modules/identity/members/member-permissions.ts';
import { createSessionsService } from '../modules/identity/sessions/sessions.service.ts';
import { createWorkQueue } from '../platform/work-queue.ts';
import { createJobs } from '../platform/jobs/jobs.ts';
import { createMailQueue } from '../platform/mail/mail.job.ts';
import { createMailer, type Mailer } from '../platform/mail/mailer.ts';
import { createRateLimitStore } from '../platform/http/rate-limit.ts';
import { createCatalogService } from '../modules/catalog/catalog.service.ts';
import { createRatesService } from '../modules/rates/rates.service.ts';
import { createRatesFetchService } from '../modules/rates/rates-fetch.service.ts';
import { createEcbFeedProvider } from '../modules/rates/providers/ecb-feed.provider.ts';
import { createLifecycleService } from '../modules/documents/document-lifecycle.service.ts';
import { createDocumentService } from '../modules/documents/document.service.ts';
import { createRenderPool } from '../modules/documents/pdf/render-pool.ts';
import { createOrgService } from '../modules/orgs/org.service.ts';
import { createOrgLogoService } from '../modules/orgs/org-logo.service.ts';
import { createPaymentService } from '../modules/payments/payment.service.ts';
import { createPaymentsModule } from '../modules/payments/payments.module.ts';
import { createReceiptService } from '../modules/payments/receipt.service.ts';
import { createRecurringService } from '../modules/recurring/recurring.service.ts';
import { createRecurringSendService } from '../modules/recurring/recurring-send.service.ts';
import { createDunningService } from '../modules/dunning/dunning.service.ts';
import { createNotificationsService } from '../modules/notifications/notifications.service.ts';
import { createPayoutProtectionService } from '../modules/payouts/payout-protection.service.ts';
import { createSigningIdentityService } from '../modules/verification/signing-identity.service.ts';
import { createVerificationModule } from '../modules/verification/verification.module.ts';
import { createDeliveryModule } from '../modules/delivery/delivery.module.ts';
import { createTemplatesService } from '../modules/delivery/templates.service.ts';
import { createReminderDocumentsService } from '../modules/dunning/reminder-documents.service.ts';
import { createPortalModule } from '../modules/portal/portal.module.ts';
import { createSecurityService } from '../modules/security/security.service.ts';
import { createExportService } from '../modules/exports/export.service.ts';
import { createImportService } from '../modules/imports/import.service.ts';
import { createBulkService } from '../modules/bulk/bulk.service.ts';

export interface ContainerOptions {
  clock?: Clock;
  masterKey?: MasterKey;
  /** Where start-up warnings go (the generated master key warning). */
  warn?: (msg: string) => void;
  migrate?: boolean;
  handle?: DbHandle;
  mailer?: Mailer;
  /** A prebuilt keyring (tests with a short cache, the encryption benchmark's plaintext baseline). */
  keyring?: Keyring;
}

export async function createContainer(config: Readonly<Config>, opts: ContainerOptions = {}) {
  const clock = opts.clock ?? systemClock;
  const warn = opts.warn ?? ((m: string) => process.stderr.write(`WARNING: ${m}\n`));
  const loose = ensurePrivateDir(config.dataDir);
  if (loose) warn(`The data directory ${loose}`);
  const handle = opts.handle ?? openDatabase(config.database);
  if (opts.migrate !== false) {
    await migrateToLatest(handle);
    await refreshPlannerStatistics(handle);
  }
  const { db, dialect } = handle;
  const keyring =
    opts.keyring ??
    new Keyring(opts.masterKey ?? loadMasterKey(config, warn, { existingKekIds: await storedMasterKeyIds(db) }), {
      previous: loadPreviousMasterKeys(config),
    });
  // Refuses to start (MasterKeyError naming the expected key id) unless the configured master keys
  // open every live data key.
  await keyring.openDataKeys(db);

  const audit = createAuditService({ clock, dialect });
  const mailer = opts.mailer ?? createMailer(config);
  // Durable after-commit work (mail first); the worker polls it, every process is nudged at commit.
  const jobs = createJobs({
    db,
    clock,
    keyring,
    leaseMs: config.jobs.leaseMs,
    log: {
      warn: (o, msg) => warn(`${msg ?? 'job'} ${JSON.stringify(o)}`),
      error: (o, msg) => warn(`${msg ?? 'job'} ${JSON.stringify(o)}`),
    },
  });
  const mail = createMailQueue(jobs, mailer);
  const notifications = createNotificationsService({
    db,
    keyring,
    clock,
    mail,
    publicUrl: config.publicUrl,
    membersHoldingInTx: activeMembersHoldingInTx,
  });
  const rateLimits = await createRateLimitStore(config.redis.url, config.redis.prefix);
  const tokens = createApiTokensService({ clock, db, audit });
  const sessions = createSessionsService({ db, clock, policy: config.session });
  const orgs = createOrgService({
    db,
    keyring,
    audit,
    clock,
    mailer,
    adminsInTx: activeOwnersAndAdminsInTx,
    publicUrl: config.publicUrl,
  });
  const files = createFileService({ keyring, clock });
  const orgLogo = createOrgLogoService({ db, audit, clock, files });
  // argon2 and password strength checks share one bounded queue (issue #10 item 3).
  const passwords = createPasswordService({
    queue: createWorkQueue(config.passwordWork),
    threads: config.passwordWork.concurrency,
    nice: config.passwordWork.nice,
  });
  const bootstrap = createBootstrapService({ db, dialect, clock, orgs, tokens, passwords });
  const identity = createIdentityServices({
    config,
    db,
    clock,
    keyring,
    audit,
    mail,
    jobs,
    orgs,
    sessions,
    tokens,
    passwords,
  });
  const signing = createSigningIdentityService({ db, dialect, keyring, audit, clock, orgs, mailFrom: config.mailFrom });
  const clients = createClientService({ db, keyring, audit, clock, orgs });
  const catalog = createCatalogService({ db, audit, clock });
  const rates = createRatesService({ db, dialect, audit, clock, orgs });
  const ratesFetch = createRatesFetchService({
    provider: config.ratesProvider && createEcbFeedProvider(config.ratesProvider),
    rates,
    orgs,
    clock,
  });
  const documents = createDocumentService({ db, keyring, audit, clock, orgs, clients, catalog, rates });
  const payoutProtection = createPayoutProtectionService({
    db,
    keyring,
    audit,
    clock,
    mailer,
    orgs,
    adminsInTx: activeOwnersAndAdminsInTx,
    hasIssuedInvoiceInTx: documents.hasIssuedInvoiceInTx,
    publicUrl: config.publicUrl,
  });
  const currentPayout = async (orgId: string) => (await payoutProtection.current(orgId)).payout;
  const { verification, issueHooks } = createVerificationModule({
    config,
    db,
    keyring,
    clock,
    signing,
    documents,
    currentPayout,
    // Built with the dunning module below; asked only when a file is verified, long after start.
    reminderDocuments: { byPdfSha256: (sha256) => reminderDocuments.byPdfSha256(sha256) },
    warn,
  });
  // The reports' ledger row of an issued invoice or credit note is written in its issuing transaction.
  const ledger = createLedgerService({ db, clock, orgs, catalog, documents });
  // Threads start with the first bulk issue, not here (documents/pdf/render-pool.ts).
  const renderPool = createRenderPool({ threads: config.renderThreads });
  const lifecycle = createLifecycleService({
    db,
    keyring,
    audit,
    clock,
    orgs,
    orgLogo,
    clients,
    files,
    documents,
    renderPool,
    hooks: {
      ...issueHooks,
      onIssuedInTx: async (tx, orgId, doc, pdfSha256, timestampToken) => {
        await ledger.recordInTx(tx, orgId, doc);
        await issueHooks.onIssuedInTx?.(tx, orgId, doc, pdfSha256, timestampToken);
      },
    },
  });
  // Email templates (delivery module) word the delivery mails, and also receipts and portal sign-in codes.
  const templates = createTemplatesService({ db, clock, audit });
  // Receipts before the ledger: a manual payment's signed receipt is rendered in its booking transaction.
  const receipts = createReceiptService({
    db,
    clock,
    files,
    documents,
    orgs,
    orgLogo,
    clients,
    mailer,
    jobs,
    templates,
    publicUrl: config.publicUrl,
    ...(issueHooks.pdfSignerInTx ? { pdfSignerInTx: issueHooks.pdfSignerInTx } : {}),
  });
  const payments = createPaymentService({ db, keyring, audit, clock, documents, lifecycle, receipts });
  // Filled in below once the recurring module exists: a late-failing debit marks its run's charge.
  const checkoutHooks: NonNullable<Parameters<typeof createPaymentsModule>[0]['checkoutHooks']> = {};
  const paymentsModule = createPaymentsModule({
    checkoutHooks,
    config,
    notifications,
    db,
    keyring,
    audit,
    clock,
    orgs,
    documents,
    clients,
    files,
    payments,
    receipts,
    verification,
  });
  // Statements are signed like receipts: the verification module's PAdES signer.
  const statements = createStatementService({
    db,
    clock,
    audit,
    orgs,
    orgLogo,
    clients,
    ...(issueHooks.pdfSignerInTx ? { pdfSignerInTx: issueHooks.pdfSignerInTx } : {}),
  });
  const checkpoints = createCheckpointService({
    db,
    dialect,
    keyring,
    audit,
    clock,
    tsa: config.audit.tsaUrl ? createTsaClient(config.audit.tsaUrl) : null,
    onError: (err, msg) => warn(`${msg}: ${(err as Error).message}`),
  });
  // Old checkpoint keys are endorsed before rotate-org destroys the data keys they derive from.
  const keys = createKeysService({
    db,
    dialect,
    keyring,
    audit,
    clock,
    // Search tokens are blind indexes under the org's key: rebuilt under the new key before the old goes.
    beforeRetireInTx: async (tx, orgId, crypto) => {
      await documents.reindexAllInTx(tx, orgId);
      await clients.reindexAllInTx(tx, orgId);
      return checkpoints.endorseRetiringKeysInTx(tx, orgId, crypto);
    },
  });
  const backups = createBackupService({
    db,
    dialect,
    keyring,
    audit,
    checkpoints,
    orgs,
    clock,
    backup: config.backup,
    openSnapshot: () => openDatabase(config.database),
    tmpDir: path.join(config.dataDir, 'tmp'),
  });
  const deliveryModule = createDeliveryModule({
    config,
    db,
    dialect,
    keyring,
    audit,
    clock,
    mailer,
    mail,
    jobs,
    orgs,
    clients,
    documents,
    lifecycle,
    signing,
    verification,
    notifications,
    templates,
    warn,
  });
  const recurringSend = createRecurringSendService({
    db,
    clock,
    audit,
    jobs,
    delivery: deliveryModule.delivery,
    documents,
    charges: paymentsModule.savedCharges,
  });
  checkoutHooks.failedInTx = (tx, orgId, checkoutId) => recurringSend.chargeFailedLaterInTx(tx, orgId, checkoutId);
  const recurring = createRecurringService({
    db,
    keyring,
    audit,
    clock,
    orgs,
    documents,
    lifecycle,
    sender: recurringSend,
    holdsInTx: memberHoldsInTx,
  });
  // The dashboard's "needs attention": work done on its own that failed and waits for someone.
  const reports = createReportService({
    db,
    clock,
    orgs,
    clients,
    attention: [(orgId) => recurringSend.attention(orgId), (orgId) => dunning.attention(orgId)],
  });
  const dataExport = createExportService({ db, clock, audit, orgs, clients, catalog, documents, payments, recurring });
  const imports = createImportService({ db, audit, orgs, clients, catalog, documents });
  const dunning = createDunningService({
    db,
    clock,
    audit,
    jobs,
    orgs,
    orgLogo,
    clients,
    documents,
    files,
    delivery: deliveryModule.delivery,
    ...(issueHooks.pdfSignerInTx ? { pdfSignerInTx: issueHooks.pdfSignerInTx } : {}),
  });
  // Bulk actions (issue #13 item 5): each document through the single action's service, one job step each.
  const bulk = createBulkService({
    db,
    clock,
    audit,
    jobs,
    files,
    documents,
    lifecycle,
    delivery: deliveryModule.delivery,
    holdsInTx: memberHoldsInTx,
  });
  const reminderDocuments = createReminderDocumentsService({ db, orgs, documents, files });
  const portalModule = createPortalModule({
    config,
    db,
    keyring,
    audit,
    clock,
    mailer,
    jobs,
    notifications,
    orgs,
    clients,
    documents,
    lifecycle,
    payments,
    sessions,
    throttle: identity.throttle,
    notifier: identity.notifier,
    tracking: deliveryModule.tracking,
    portalLinks: deliveryModule.portalLinks,
    templates,
    verification,
    warn,
  });
  const security = createSecurityService({
    clock,
    config,
    mailer,
    orgs,
    orgSecurity: identity.orgSecurity,
    members: identity.members,
    signing,
    checkpoints,
    payout: payoutProtection,
    backups: {
      configured: config.backup !== null,
      intervalHours: config.backup?.intervalHours ?? null,
      runs: () => backups.runs(),
    },
  });

  return {
    config,
    clock,
    handle,
    db,
    dialect,
    keyring,
    mailer,
    jobs,
    services: {
      audit,
      tokens,
      sessions,
      identity,
      orgs,
      orgLogo,
      bootstrap,
      signing,
      payoutProtection,
      verification,
      clients,
      catalog,
      rates,
      ratesFetch,
      files,
      documents,
      lifecycle,
      payments,
      recurring,
      recurringSend,
      dunning,
      notifications,
      reports,
      ledger,
      statements,
      dataExport,
      imports,
      bulk,
      keys,
      checkpoints,
      backups,
      security,
      ...deliveryModule,
      ...portalModule,
      ...paymentsModule,
    },
    rateLimits,
    close: async () => {
      await jobs.stop();
      mailer.close();
      await passwords.close();
      await renderPool.close();
      await rateLimits.close();
      await handle.close();
    },
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
export type Services = Container['services'];
