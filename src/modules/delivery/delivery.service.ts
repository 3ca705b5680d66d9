// Sending a document. One delivery = one attempt to one contact in one mode:
//   1. in one transaction: the delivery row, the signed 'submitted' evidence (document hash,
//      sender, recipient, mode), any portal or sealed link, and the audit entry;
//   2. the message is built (PGP/MIME or S/MIME encryption happens here) and handed to the relay;
//   3. in a second transaction: 'relayed' evidence with the relay's reply and queue id, or
//      'failed' evidence with the error, and the status; then the document is marked sent.
// Later evidence (accessed, acknowledged, bounced, revoked) is appended to the same chain.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import type { DocumentKind } from '../../platform/db/schema.ts';
import { inTx } from '../../platform/db/tx.ts';
import { notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Mailer, MailMessage } from '../../platform/mail/mailer.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { Contact } from '../clients/client.schemas.ts';
import type { LifecycleService } from '../invoices/document-lifecycle.service.ts';
import type { DocumentService } from '../invoices/document.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { findDelivery, insertDelivery, updateDelivery } from './delivery.repo.ts';
import type { DeliveryKeysService } from './delivery-keys.service.ts';
import type { Delivery, DeliveryMode, SealedLinkInput, SendInput } from './delivery.schemas.ts';
import { recipientAad, type DeliveryTrackingService } from './delivery-tracking.service.ts';
import { contentEntity, messageIdFor, type EnvelopeHeaders } from './mime.ts';
import { encryptedBodyText, encryptedSubject, fingerprintFor, noticeText, portalLinkText, sealedLinkText, subjectFor, type FingerprintSource, type MessageFacts } from './messages.ts';
import { buildPgpMimeMessage } from './pgp-mime.ts';
import type { PortalLinksService } from './portal-links.service.ts';
import type { SealedLinksService } from './sealed-links.service.ts';
import { buildSmimeMessage, type SmimeSigner } from './smime.ts';

export interface SigningIdentitySource {
  getOrCreate(ex: Executor, orgId: string): Promise<{ certificatePem: string; privateKeyPem: string; chainPem: string[] }>;
}

export interface DeliveryServiceDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  mailer: Mailer;
  orgs: Pick<OrgService, 'get'>;
  clients: Pick<ClientService, 'get'>;
  documents: Pick<DocumentService, 'get'>;
  lifecycle: Pick<LifecycleService, 'pdf' | 'markSent'>;
  keys: Pick<DeliveryKeysService, 'orgPgpKey' | 'clientKeyMaterial'>;
  tracking: DeliveryTrackingService;
  portalLinks: PortalLinksService;
  sealedLinks: SealedLinksService;
  signingIdentity: SigningIdentitySource | null;
  /** The fingerprint printed on each document (verification module); emails repeat it. */
  fingerprints: FingerprintSource | null;
  /** Called after commit to timestamp new evidence (RFC 3161), when configured. */
  afterEvidence?: (orgId: string, deliveryId: string) => Promise<void>;
}

const queueIdOf = (response: string): string | null => /queued as ([A-Za-z0-9._-]+)/i.exec(response)?.[1] ?? /\bid=([A-Za-z0-9._-]+)/i.exec(response)?.[1] ?? null;

function pickContact(contacts: Contact[], to: string | undefined): Contact & { email: string } {
  const c = to ? contacts.find((x) => x.id === to) : (contacts.find((x) => x.isPrimary && x.email) ?? contacts.find((x) => x.email));
  if (!c) throw unprocessable(to ? 'No such contact for this client' : 'The client has no contact with an email address', [{ path: '/body/to', message: 'no recipient' }]);
  if (!c.email) throw unprocessable('This contact has no email address', [{ path: '/body/to', message: 'no email' }]);
  return c as Contact & { email: string };
}

export function createDeliveryService(deps: DeliveryServiceDeps) {
  const { db, keyring, audit, clock, mailer, orgs, clients, documents, lifecycle, keys, tracking, portalLinks, sealedLinks } = deps;

  async function newDelivery(tx: Executor, p: { orgId: string; kind: DocumentKind; documentId: string; clientId: string; contact: Contact | null; mode: DeliveryMode; sha256: string; actor: AuditActor; channel: 'email' | 'link'; number: string | null }): Promise<string> {
    const now = clock.now().toISOString();
    const id = newId(clock.now().getTime());
    const crypto = await keyring.forOrg(tx, p.orgId);
    await insertDelivery(tx, {
      id,
      org_id: p.orgId,
      document_id: p.documentId,
      document_kind: p.kind,
      client_id: p.clientId,
      contact_id: p.contact?.id ?? null,
      mode: p.mode,
      status: 'submitted',
      recipient_enc: p.contact?.email ? crypto.encryptText(p.contact.email, recipientAad(id)) : null,
      document_sha256: p.sha256,
      message_id: null,
      created_by: p.actor.id,
      created_at: now,
      updated_at: now,
    });
    await tracking.record(tx, p.orgId, id, 'submitted', {
      documentKind: p.kind,
      documentNumber: p.number,
      documentSha256: p.sha256,
      sender: { type: p.actor.type, id: p.actor.id },
      senderAddress: mailer.from,
      recipient: p.contact?.email ?? null,
      contactId: p.contact?.id ?? null,
      mode: p.mode,
      channel: p.channel,
    });
    await audit.append(tx, { orgId: p.orgId, actor: p.actor, action: 'delivery.submitted', objectType: p.kind, objectId: p.documentId, summary: { deliveryId: id, mode: p.mode, channel: p.channel } });
    return id;
  }

  async function buildMessage(orgId: string, mode: DeliveryMode, facts: MessageFacts, to: string, link: { url: string; expiresAt: string } | null, sealed: SendInput['sealedLink'], pdf: { bytes: Buffer; filename: string }, clientId: string): Promise<MailMessage> {
    if (mode === 'notice-only') return { to, subject: subjectFor(facts), text: noticeText(facts) };
    if (mode === 'portal-link') return { to, subject: subjectFor(facts), text: portalLinkText(facts, link!.url, link!.expiresAt) };
    if (mode === 'sealed-link') return { to, subject: subjectFor(facts), text: sealedLinkText(facts, link!.url, link!.expiresAt, sealed?.maxDownloads ?? null, sealed?.requireCode ?? false) };
    const how = mode === 'openpgp' ? 'OpenPGP' : 'S/MIME';
    const content = contentEntity(encryptedBodyText(facts, how), [{ contentType: 'application/pdf', body: pdf.bytes, filename: pdf.filename, disposition: 'attachment' }]);
    const headers: EnvelopeHeaders = { from: mailer.from, to, subject: encryptedSubject(facts), date: clock.now(), messageId: messageIdFor(mailer.from) };
    const material = await keys.clientKeyMaterial(db, orgId, clientId);
    let raw: Buffer;
    if (mode === 'openpgp') {
      const orgKey = await keys.orgPgpKey(db, orgId);
      raw = await buildPgpMimeMessage({ headers, content, orgPrivateKeyArmored: orgKey.privateKeyArmored, recipientPublicKeyArmored: material.openpgp! });
    } else {
      const id = await deps.signingIdentity!.getOrCreate(db, orgId);
      const signer: SmimeSigner = { certificatePem: id.certificatePem, privateKeyPem: id.privateKeyPem, chainPem: id.chainPem.join('\n') };
      raw = await buildSmimeMessage({ headers, content, signer, recipientCertificatePem: material.smime! });
    }
    return { to, subject: headers.subject, text: '', raw };
  }

  /** Hands the message to the relay and records the outcome as evidence. */
  async function relay(orgId: string, deliveryId: string, msg: MailMessage | Error, actor: AuditActor): Promise<boolean> {
    let outcome: { ok: true; data: Record<string, unknown>; messageId: string } | { ok: false; data: Record<string, unknown> };
    if (msg instanceof Error) outcome = { ok: false, data: { stage: 'build', error: msg.message } };
    else {
      try {
        const r = await mailer.send(msg);
        outcome = r.accepted.length > 0
          ? { ok: true, messageId: r.messageId, data: { transport: mailer.transport, messageId: r.messageId, relayResponse: r.response, queueId: queueIdOf(r.response), accepted: r.accepted, rejected: r.rejected } }
          : { ok: false, data: { stage: 'relay', error: `rejected: ${r.response}`, rejected: r.rejected } };
      } catch (err) {
        const e = err as Error & { responseCode?: number; response?: string; code?: string };
        outcome = { ok: false, data: { stage: 'relay', error: e.response ?? e.message, responseCode: e.responseCode ?? null, code: e.code ?? null } };
      }
    }
    await inTx(db, async (tx) => {
      await tracking.record(tx, orgId, deliveryId, outcome.ok ? 'relayed' : 'failed', outcome.data);
      if (outcome.ok) await updateDelivery(tx, orgId, deliveryId, { message_id: outcome.messageId });
      await audit.append(tx, { orgId, actor, action: outcome.ok ? 'delivery.relayed' : 'delivery.failed', objectType: 'delivery', objectId: deliveryId });
    });
    return outcome.ok;
  }

  return {
    async send(orgId: string, kind: DocumentKind, documentId: string, input: SendInput, actor: AuditActor): Promise<Delivery> {
      const doc = await documents.get(orgId, kind, documentId);
      if (doc.status === 'draft') throw unprocessable('Issue the document before sending it');
      const client = await clients.get(orgId, doc.clientId);
      const mode = input.mode ?? client.deliveryMode;
      const contact = pickContact(client.contacts, input.to);
      const material = await keys.clientKeyMaterial(db, orgId, client.id);
      if (mode === 'openpgp' && !material.openpgp) throw unprocessable('Import the client\'s OpenPGP public key first (PUT /api/v1/clients/:id/keys)');
      if (mode === 'smime' && !material.smime) throw unprocessable('Import the client\'s S/MIME certificate first (PUT /api/v1/clients/:id/keys)');
      if (mode === 'smime' && !deps.signingIdentity) throw unprocessable('S/MIME needs the organization signing identity, which is not available');
      // The outbox writes messages to disk: a sealed link's key would then be stored on this server.
      if (mode === 'sealed-link' && mailer.transport === 'outbox') throw unprocessable('Sealed links cannot be emailed without SMTP; create the link and share it yourself');
      const pdf = await lifecycle.pdf(orgId, kind, documentId);
      const org = await orgs.get(orgId);
      const fingerprint = await fingerprintFor(deps.fingerprints, orgId, documentId, pdf.sha256);
      const facts: MessageFacts = { orgName: org.name, kind, number: doc.number ?? '', total: doc.total, currency: doc.currency, locale: org.locale, fingerprint };

      const { deliveryId, link } = await inTx(db, async (tx) => {
        const id = await newDelivery(tx, { orgId, kind, documentId, clientId: client.id, contact, mode, sha256: pdf.sha256, actor, channel: 'email', number: doc.number });
        // Keys are created on first use inside this transaction, so the build step only reads them.
        if (mode === 'openpgp') await keys.orgPgpKey(tx, orgId);
        if (mode === 'smime') await deps.signingIdentity!.getOrCreate(tx, orgId);
        const target = { orgId, deliveryId: id, clientId: client.id, contactId: contact.id, documentId };
        if (mode === 'portal-link') return { deliveryId: id, link: await portalLinks.create(tx, target) };
        if (mode === 'sealed-link') {
          const s = input.sealedLink ?? { expiresInHours: 24 * 14, maxDownloads: null, requireCode: false };
          return { deliveryId: id, link: await sealedLinks.create(tx, { orgId, deliveryId: id, documentId, contactId: contact.id, bytes: pdf.bytes, filename: pdf.filename, ...s }) };
        }
        return { deliveryId: id, link: null };
      });

      const msg = await buildMessage(orgId, mode, facts, contact.email, link, input.sealedLink, pdf, client.id).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      const ok = await relay(orgId, deliveryId, msg, actor);
      if (ok && doc.status === 'issued') await lifecycle.markSent(orgId, kind, documentId, actor).catch(() => undefined);
      if (deps.afterEvidence) await deps.afterEvidence(orgId, deliveryId);
      return tracking.get(orgId, deliveryId);
    },

    /** A sealed link for staff to share themselves (nothing is emailed). The URL is shown once. */
    async createSealedLink(orgId: string, kind: DocumentKind, documentId: string, input: SealedLinkInput, actor: AuditActor) {
      const doc = await documents.get(orgId, kind, documentId);
      if (doc.status === 'draft') throw unprocessable('Issue the document before sharing it');
      const client = await clients.get(orgId, doc.clientId);
      const contact = input.contactId ? (client.contacts.find((c) => c.id === input.contactId) ?? null) : null;
      if (input.contactId && !contact) throw unprocessable('No such contact for this client', [{ path: '/body/contactId', message: 'unknown contact' }]);
      if (input.requireCode && !contact?.email) throw unprocessable('A one-time code needs a contact with an email address', [{ path: '/body/contactId', message: 'required with requireCode' }]);
      const pdf = await lifecycle.pdf(orgId, kind, documentId);
      const r = await inTx(db, async (tx) => {
        const deliveryId = await newDelivery(tx, { orgId, kind, documentId, clientId: client.id, contact, mode: 'sealed-link', sha256: pdf.sha256, actor, channel: 'link', number: doc.number });
        const link = await sealedLinks.create(tx, { orgId, deliveryId, documentId, contactId: contact?.id ?? null, bytes: pdf.bytes, filename: pdf.filename, expiresInHours: input.expiresInHours, maxDownloads: input.maxDownloads, requireCode: input.requireCode });
        return { ...link, deliveryId };
      });
      if (deps.afterEvidence) await deps.afterEvidence(orgId, r.deliveryId);
      return { id: r.id, deliveryId: r.deliveryId, url: r.url, expiresAt: r.expiresAt, maxDownloads: input.maxDownloads, requireCode: input.requireCode };
    },

    /** Revokes the delivery's portal and sealed links (evidence 'revoked'). */
    async revoke(orgId: string, deliveryId: string, actor: AuditActor): Promise<Delivery> {
      await inTx(db, async (tx) => {
        const row = await findDelivery(tx, orgId, deliveryId);
        if (!row) throw notFound('Delivery');
        const links = (await portalLinks.revokeForDelivery(tx, orgId, deliveryId)) + (await sealedLinks.revokeForDelivery(tx, orgId, deliveryId));
        await tracking.record(tx, orgId, deliveryId, 'revoked', { links, by: { type: actor.type, id: actor.id } });
        await audit.append(tx, { orgId, actor, action: 'delivery.revoked', objectType: 'delivery', objectId: deliveryId, summary: { links } });
      });
      return tracking.get(orgId, deliveryId);
    },

    /** Records a bounce reported later (a DSN received by the sender's mailbox). */
    async recordBounce(orgId: string, deliveryId: string, diagnostic: string, actor: AuditActor): Promise<Delivery> {
      await inTx(db, async (tx) => {
        if (!(await findDelivery(tx, orgId, deliveryId))) throw notFound('Delivery');
        await tracking.record(tx, orgId, deliveryId, 'bounced', { diagnostic, reportedBy: { type: actor.type, id: actor.id } });
        await audit.append(tx, { orgId, actor, action: 'delivery.bounced', objectType: 'delivery', objectId: deliveryId });
      });
      return tracking.get(orgId, deliveryId);
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
