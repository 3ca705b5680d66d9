// Builds the secure-delivery services from the platform and the services they use, so the
// container adds one line for the whole area (the client portal has its own: portal.module.ts).
import type { Config } from '../../config/env.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database } from '../../platform/db/kysely.ts';
import type { Jobs } from '../../platform/jobs/jobs.ts';
import type { MailQueue } from '../../platform/mail/mail.job.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { LifecycleService } from '../documents/document-lifecycle.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { DOCUMENT_PREFIXES } from '../documents/document.routes.ts';
import { KIND_LABEL } from '../documents/document.service.ts';
import type { DeliveryRow } from './delivery.repo.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import { createPadesSigning } from '../verification/pades.ts';
import type { SigningIdentityService } from '../verification/signing-identity.service.ts';
import { createTsaClient } from '../../platform/crypto/tsa.ts';
import { createDeliveryKeysService } from './delivery-keys.service.ts';
import { createDeliveryTrackingService } from './delivery-tracking.service.ts';
import { createDeliveryService } from './delivery.service.ts';
import { createEvidenceService } from './evidence.service.ts';
import { createDeliveryHousekeeping } from './housekeeping.service.ts';
import type { FingerprintSource } from './messages.ts';
import { createPortalLinksService } from './portal-links.service.ts';
import { createSealedLinksService } from './sealed-links.service.ts';
import type { TemplatesService } from './templates.service.ts';
import { createWkdLookup } from './wkd.ts';

export interface DeliveryModuleDeps {
  config: Readonly<Config>;
  db: Database;
  dialect: 'sqlite' | 'postgres';
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  mailer: Mailer;
  mail: MailQueue;
  jobs: Jobs;
  orgs: OrgService;
  clients: ClientService;
  documents: DocumentService;
  lifecycle: LifecycleService;
  signing: SigningIdentityService;
  /** Staff are told when clients open or acknowledge documents and when deliveries bounce. */
  notifications: Pick<NotificationsService, 'notifyInTx'>;
  /** The verification service: the fingerprint printed on each PDF, repeated in emails. */
  verification: FingerprintSource;
  /** Built by the container: receipts and the portal's sign-in mail use the same templates. */
  templates: TemplatesService;
  warn: (msg: string) => void;
}

const NEWS = {
  accessed: { kind: 'document_opened', verb: 'opened' },
  acknowledged: { kind: 'document_acknowledged', verb: 'acknowledged receipt of' },
  bounced: { kind: 'delivery_bounced', verb: 'did not receive (the mail bounced)' },
} as const;

/** One notification per first opening, acknowledgement or bounce of a delivery. */
async function tellStaff(
  notifications: Pick<NotificationsService, 'notifyInTx'>,
  documents: Pick<DocumentService, 'getInTx'>,
  tx: Executor,
  orgId: string,
  before: DeliveryRow,
  type: keyof typeof NEWS,
): Promise<void> {
  if (type === 'accessed' && (before.status === 'accessed' || before.status === 'acknowledged')) return;
  const doc = await documents.getInTx(tx, orgId, before.document_kind, before.document_id);
  const what = `${KIND_LABEL[doc.kind].toLowerCase()} ${doc.number ?? ''}`.trim();
  const news = NEWS[type];
  await notifications.notifyInTx(tx, orgId, news.kind, {
    title: `${doc.clientName} ${news.verb} ${what}`,
    body:
      type === 'bounced'
        ? `A delivery of ${what} to ${doc.clientName} bounced. Check the address and send it again.`
        : `${doc.clientName} ${news.verb} ${what} in the client portal.`,
    link: `/app/${DOCUMENT_PREFIXES[doc.kind]}/${doc.id}`,
  });
}

export function createDeliveryModule(d: DeliveryModuleDeps) {
  const { config, db, dialect, keyring, audit, clock, mailer, orgs, clients, documents, lifecycle } = d;
  const keys = createDeliveryKeysService({
    db,
    keyring,
    audit,
    clock,
    orgs,
    clients,
    mailFrom: config.mailFrom,
    wkd: config.delivery.wkd ? createWkdLookup() : null,
  });
  const tsa = config.delivery.evidenceTsaUrl ? createTsaClient(config.delivery.evidenceTsaUrl) : null;
  const evidence = createEvidenceService({
    db,
    dialect,
    keyring,
    clock,
    keys,
    timestamper: tsa ? { stamp: async (data) => (await tsa.timestamp(data)).toString('base64') } : null,
  });
  // Delivery certificates are PAdES-signed with the org's X.509 signing identity (verification module).
  const pades = createPadesSigning();
  const pdfSigner = async (orgId: string) => {
    const identity = await d.signing.getOrCreate(orgId);
    const org = await orgs.get(orgId);
    return pades.signer(identity, {
      signingTime: clock.now(),
      signerName: org.name,
      reason: 'Certificate of delivery',
    });
  };
  const tracking = createDeliveryTrackingService({
    db,
    keyring,
    clock,
    evidence,
    orgs,
    documents,
    pdfSigner,
    onClientFacingInTx: (tx, orgId, before, type) => tellStaff(d.notifications, documents, tx, orgId, before, type),
  });
  const portalLinks = createPortalLinksService({
    clock,
    publicUrl: config.publicUrl,
    ttlHours: config.delivery.portalLinkHours,
  });
  const sealedLinks = createSealedLinksService({
    db,
    keyring,
    clock,
    publicUrl: config.publicUrl,
    mailer,
    orgs,
    clients,
    tracking,
  });
  const { templates } = d;
  const delivery = createDeliveryService({
    db,
    keyring,
    audit,
    clock,
    mailer,
    orgs,
    clients,
    documents,
    lifecycle,
    keys,
    tracking,
    portalLinks,
    sealedLinks,
    signingIdentity: d.signing,
    fingerprints: d.verification,
    publicUrl: config.publicUrl,
    templates,
    afterEvidence: tsa ? (orgId, deliveryId) => evidence.timestamp(orgId, deliveryId) : undefined,
  });
  const deliveryHousekeeping = createDeliveryHousekeeping({ db, clock });
  return {
    deliveryKeys: keys,
    evidence,
    tracking,
    portalLinks,
    sealedLinks,
    delivery,
    templates,
    deliveryHousekeeping,
  };
}

export type DeliveryModule = ReturnType<typeof createDeliveryModule>;
