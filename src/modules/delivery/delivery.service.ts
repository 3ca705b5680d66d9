// Sending a document. One delivery = one attempt to one contact in one mode:
//   1. in one transaction: the delivery row, the signed 'submitted' evidence (document hash,
//      sender, recipient, mode), any portal or sealed link, and the audit entry;
//   2. the message is built (PGP/MIME or S/MIME encryption happens here; plain mode attaches the
//      files unencrypted) and handed to the relay;
//   3. in a second transaction: 'relayed' evidence with the relay's reply, queue id and the
//      Message-ID of the message actually transmitted, or 'saved_to_outbox' when no SMTP relay is
//      configured (nothing was sent, and the document is not marked sent), or 'failed' evidence
//      with the error, and the status; then the document is marked sent.
// Each recipient (the contact, and the client's billing email: recipients.ts) is one delivery.
// Mail names the organization as sender (display name) and its contact address as Reply-To; the
// address itself stays SEALBILL_MAIL_FROM, the domain that SPF and DKIM vouch for.
// Later evidence (accessed, acknowledged, bounced, revoked) is appended to the same chain.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import type { DocumentKind } from '../documents/documents.tables.ts';
import { inTx } from '../../platform/db/tx.ts';
import { notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { addressOf, type Mailer, type MailMessage } from '../../platform/mail/mailer.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { Client, Contact } from '../clients/client.schemas.ts';
import type { LifecycleService } from '../documents/document-lifecycle.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { findDelivery, insertDelivery, updateDelivery } from './delivery.repo.ts';
import type { DeliveryKeysService } from './delivery-keys.service.ts';
import type { Delivery, DeliveryMode, SealedLinkInput, SendInput, SendResult } from './delivery.schemas.ts';
import { recipientAad, type DeliveryTrackingService } from './delivery-tracking.service.ts';
import { contentEntity, formatAddress, messageIdFor, type EnvelopeHeaders } from './mime.ts';
import {
  encryptedBodyText,
  encryptedSubject,
  fingerprintFor,
  noticeText,
  plainText,
  portalLinkText,
  openingFor,
  sealedLinkText,
  subjectFor,
  templateKindOf,
  type FingerprintSource,
  type MessageFacts,
  type ReminderFacts,
} from './messages.ts';
import { buildPgpMimeMessage } from './pgp-mime.ts';
import { placeholderErrors, wordingLanguageOf, type TemplatesService } from './templates.service.ts';
import type { PortalLinksService } from './portal-links.service.ts';
import { recipientsFor, type Recipient } from './recipients.ts';
import type { SealedLinksService } from './sealed-links.service.ts';
import { buildSmimeMessage, type SmimeSigner } from './smime.ts';
import { sha256Hex } from '../../platform/crypto/hash.ts';
import { documentLanguage } from '../documents/document-language.ts';
import { fingerprintCheckUrl } from '../verification/verification.service.ts';

export interface SigningIdentitySource {
  getOrCreate(orgId: string): Promise<{ certificatePem: string; privateKeyPem: string; chainPem: string[] }>;
  getOrCreateInTx(tx: Executor, orgId: string): Promise<unknown>;
}

export interface DeliveryServiceDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  mailer: Mailer;
  orgs: Pick<OrgService, 'get'>;
  clients: Pick<ClientService, 'get'>;
  documents: Pick<DocumentService, 'get' | 'languageOf'>;
  lifecycle: Pick<LifecycleService, 'pdf' | 'markSent' | 'einvoice' | 'einvoiceCheck'>;
  keys: Pick<DeliveryKeysService, 'orgPgpKey' | 'clientKeyMaterial'>;
  tracking: DeliveryTrackingService;
  portalLinks: PortalLinksService;
  sealedLinks: SealedLinksService;
  signingIdentity: SigningIdentitySource | null;
  /** The fingerprint printed on each document (verification module); emails repeat it. */
  fingerprints: FingerprintSource | null;
  /** SEALBILL_PUBLIC_URL: plain emails link to its public verification page. */
  publicUrl: string;
  /** The organization's wording of each message kind (issue #15, item 3). */
  templates: Pick<TemplatesService, 'pick'>;
  /** Called after commit to timestamp new evidence (RFC 3161), when configured. */
  afterEvidence?: (orgId: string, deliveryId: string) => Promise<void>;
}

const queueIdOf = (response: string): string | null =>
  /queued as ([A-Za-z0-9._-]+)/i.exec(response)?.[1] ?? /\bid=([A-Za-z0-9._-]+)/i.exec(response)?.[1] ?? null;

/** Who a message says it is from: the organization's name on our sending address, replies to its contact address. */
export interface Sender {
  from: string;
  fromName: string;
  replyTo: string | null;
}

/** A file besides the PDF that modes carrying the document attach: the e-invoice XML (issue #12). */
export interface ExtraFile {
  bytes: Buffer;
  filename: string;
  contentType: string;
  sha256: string;
}

/** The modes whose message carries the document itself (encrypted, or plain), not a link or a notice. */
const CARRIES_DOCUMENT = new Set<DeliveryMode>(['openpgp', 'smime', 'plain']);

export function createDeliveryService(deps: DeliveryServiceDeps) {
  const {
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
  } = deps;

  async function newDelivery(
    tx: Executor,
    p: {
      orgId: string;
      kind: DocumentKind;
      documentId: string;
      clientId: string;
      contact: Contact | null;
      email?: string | null;
      mode: DeliveryMode;
      sha256: string;
      actor: AuditActor;
      channel: 'email' | 'link';
      number: string | null;
      sender?: string;
      billing?: boolean;
      files?: Array<{ filename: string; sha256: string }>;
      reminder?: ReminderFacts;
    },
  ): Promise<string> {
    const recipient = p.email ?? p.contact?.email ?? null;
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
      recipient_enc: recipient ? crypto.encryptText(recipient, recipientAad(id)) : null,
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
      senderAddress: p.sender ?? mailer.from,
      recipient,
      contactId: p.contact?.id ?? null,
      mode: p.mode,
      channel: p.channel,
      ...(p.billing ? { billingEmail: true } : {}),
      // Every file the message carries, hashed (the PDF and, with an e-invoice format, its XML).
      ...(p.files ? { files: p.files } : {}),
      // A reminder's facts and charges are part of what the evidence proves was sent.
      ...(p.reminder ? { reminder: p.reminder } : {}),
    });
    await audit.appendInTx(tx, {
      orgId: p.orgId,
      actor: p.actor,
      action: 'delivery.submitted',
      objectType: p.kind,
      objectId: p.documentId,
      summary: { deliveryId: id, mode: p.mode, channel: p.channel },
    });
    return id;
  }

  /** The text of one recipient's message (inside the encryption for the encrypted modes). */
  function textFor(
    r: Recipient,
    facts: MessageFacts,
    link: { url: string; expiresAt: string } | null,
    sealed: SendInput['sealedLink'],
    attachments: string[],
  ): string {
    switch (r.mode) {
      case 'notice-only':
        return noticeText(facts, r.contact !== null);
      case 'plain':
        return plainText(facts, fingerprintCheckUrl(deps.publicUrl, facts.fingerprint), attachments);
      case 'portal-link':
        return portalLinkText(facts, link!.url, link!.expiresAt);
      case 'sealed-link':
        return sealedLinkText(
          facts,
          link!.url,
          link!.expiresAt,
          sealed?.maxDownloads ?? null,
          sealed?.requireCode ?? false,
        );
      default:
        return encryptedBodyText(facts, r.mode === 'openpgp' ? 'OpenPGP' : 'S/MIME');
    }
  }

  async function buildMessage(
    orgId: string,
    r: Recipient,
    sender: Sender,
    facts: MessageFacts,
    link: { url: string; expiresAt: string } | null,
    sealed: SendInput['sealedLink'],
    pdf: { bytes: Buffer; filename: string },
    clientId: string,
    extra: ExtraFile[] = [],
  ): Promise<MailMessage> {
    const { mode, email: to } = r;
    const base = {
      to,
      fromName: sender.fromName,
      ...(sender.replyTo ? { replyTo: sender.replyTo } : {}),
      subject: subjectFor(facts),
    };
    if (mode === 'plain') {
      const files = [{ bytes: pdf.bytes, filename: pdf.filename, contentType: 'application/pdf' }, ...extra];
      return {
        ...base,
        text: textFor(
          r,
          facts,
          link,
          sealed,
          files.map((f) => f.filename),
        ),
        attachments: files.map((f) => ({ filename: f.filename, content: f.bytes, contentType: f.contentType })),
      };
    }
    if (mode !== 'openpgp' && mode !== 'smime') return { ...base, text: textFor(r, facts, link, sealed, []) };
    const content = contentEntity(textFor(r, facts, link, sealed, []), [
      { contentType: 'application/pdf', body: pdf.bytes, filename: pdf.filename, disposition: 'attachment' },
      ...extra.map((f) => ({
        contentType: f.contentType,
        body: f.bytes,
        filename: f.filename,
        disposition: 'attachment' as const,
      })),
    ]);
    const headers: EnvelopeHeaders = {
      from: sender.from,
      to,
      replyTo: sender.replyTo,
      subject: encryptedSubject(facts),
      date: clock.now(),
      messageId: messageIdFor(mailer.from),
    };
    const material = await keys.clientKeyMaterial(orgId, clientId);
    let raw: Buffer;
    if (mode === 'openpgp') {
      const orgKey = await keys.orgPgpKey(db, orgId);
      raw = await buildPgpMimeMessage({
        headers,
        content,
        orgPrivateKeyArmored: orgKey.privateKeyArmored,
        recipientPublicKeyArmored: material.openpgp!,
      });
    } else {
      const id = await deps.signingIdentity!.getOrCreate(orgId);
      const signer: SmimeSigner = {
        certificatePem: id.certificatePem,
        privateKeyPem: id.privateKeyPem,
        chainPem: id.chainPem.join('\n'),
      };
      raw = await buildSmimeMessage({ headers, content, signer, recipientCertificatePem: material.smime! });
    }
    return { to, subject: headers.subject, text: '', raw };
  }

  /**
   * Hands the message to the relay and records the outcome as evidence. The Message-ID recorded is
   * the one the transmitted message carries (the mailer reads it from what it sent).
   */
  async function relay(
    orgId: string,
    deliveryId: string,
    msg: MailMessage | Error,
    actor: AuditActor,
  ): Promise<'relayed' | 'saved_to_outbox' | 'failed'> {
    type Outcome =
      | { type: 'relayed' | 'saved_to_outbox'; data: Record<string, unknown>; messageId: string }
      | { type: 'failed'; data: Record<string, unknown> };
    let outcome: Outcome;
    if (msg instanceof Error) outcome = { type: 'failed', data: { stage: 'build', error: msg.message } };
    else {
      try {
        const r = await mailer.send(msg);
        if (r.accepted.length === 0)
          outcome = {
            type: 'failed',
            data: { stage: 'relay', error: `rejected: ${r.response}`, rejected: r.rejected },
          };
        else if (mailer.transport === 'outbox') {
          outcome = {
            type: 'saved_to_outbox',
            messageId: r.messageId,
            data: {
              transport: 'outbox',
              sent: false,
              messageId: r.messageId,
              outbox: r.response,
              note: 'saved to the outbox, not sent: configure SMTP (SEALBILL_SMTP_URL)',
            },
          };
        } else {
          outcome = {
            type: 'relayed',
            messageId: r.messageId,
            data: {
              transport: mailer.transport,
              messageId: r.messageId,
              relayResponse: r.response,
              queueId: queueIdOf(r.response),
              accepted: r.accepted,
              rejected: r.rejected,
            },
          };
        }
      } catch (err) {
        const e = err as Error & { responseCode?: number; response?: string; code?: string };
        outcome = {
          type: 'failed',
          data: {
            stage: 'relay',
            error: e.response ?? e.message,
            responseCode: e.responseCode ?? null,
            code: e.code ?? null,
          },
        };
      }
    }
    await inTx(db, async (tx) => {
      await tracking.record(tx, orgId, deliveryId, outcome.type, outcome.data);
      if (outcome.type !== 'failed') await updateDelivery(tx, orgId, deliveryId, { message_id: outcome.messageId });
      await audit.appendInTx(tx, {
        orgId,
        actor,
        action: `delivery.${outcome.type}`,
        objectType: 'delivery',
        objectId: deliveryId,
      });
    });
    return outcome.type;
  }

  /** One recipient: delivery row, evidence and links in one transaction, then build and hand over. */
  async function deliverTo(p: {
    orgId: string;
    kind: DocumentKind;
    documentId: string;
    number: string | null;
    client: Client;
    recipient: Recipient;
    sender: Sender;
    facts: MessageFacts;
    pdf: { bytes: Buffer; filename: string; sha256: string };
    extra: ExtraFile[];
    input: SendInput;
    actor: AuditActor;
  }): Promise<{ deliveryId: string; outcome: 'relayed' | 'saved_to_outbox' | 'failed' }> {
    const { orgId, kind, documentId, client, recipient: r, pdf } = p;
    const extra = CARRIES_DOCUMENT.has(r.mode) ? p.extra : [];
    const files = CARRIES_DOCUMENT.has(r.mode)
      ? [pdf, ...extra].map((f) => ({ filename: f.filename, sha256: f.sha256 }))
      : undefined;
    const { deliveryId, link } = await inTx(db, async (tx) => {
      const id = await newDelivery(tx, {
        orgId,
        kind,
        documentId,
        clientId: client.id,
        contact: r.contact,
        email: r.email,
        mode: r.mode,
        sha256: pdf.sha256,
        actor: p.actor,
        channel: 'email',
        number: p.number,
        sender: p.sender.from,
        billing: r.billing,
        ...(files && { files }),
        ...(p.facts.reminder && { reminder: p.facts.reminder }),
      });
      // Keys are created on first use inside this transaction, so the build step only reads them.
      if (r.mode === 'openpgp') await keys.orgPgpKey(tx, orgId);
      if (r.mode === 'smime') await deps.signingIdentity!.getOrCreateInTx(tx, orgId);
      if (r.mode === 'portal-link')
        return {
          deliveryId: id,
          link: await portalLinks.createInTx(tx, {
            orgId,
            deliveryId: id,
            clientId: client.id,
            contactId: r.contact!.id,
            documentId,
          }),
        };
      if (r.mode === 'sealed-link') {
        const s = p.input.sealedLink ?? { expiresInHours: 24 * 14, maxDownloads: null, requireCode: false };
        return {
          deliveryId: id,
          link: await sealedLinks.createInTx(tx, {
            orgId,
            deliveryId: id,
            documentId,
            contactId: r.contact?.id ?? null,
            bytes: pdf.bytes,
            filename: pdf.filename,
            language: p.facts.formatLocale,
            ...s,
          }),
        };
      }
      return { deliveryId: id, link: null };
    });
    const msg = await buildMessage(orgId, r, p.sender, p.facts, link, p.input.sealedLink, pdf, client.id, extra).catch(
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    const outcome = await relay(orgId, deliveryId, msg, p.actor);
    if (deps.afterEvidence) await deps.afterEvidence(orgId, deliveryId);
    return { deliveryId, outcome };
  }

  /**
   * The e-invoice in the format the document was issued for, if any (quotes have none). Issued for
   * Factur-X, the e-invoice is the signed hybrid PDF itself: it already travels as the PDF, so no
   * second copy is attached.
   */
  async function einvoiceFile(
    orgId: string,
    kind: DocumentKind,
    documentId: string,
    pdfSha256: string,
  ): Promise<ExtraFile[]> {
    if (kind === 'quote') return [];
    const { format } = await lifecycle.einvoiceCheck(orgId, kind, documentId);
    if (format === 'none') return [];
    const file = await lifecycle.einvoice(orgId, kind, documentId, format);
    const sha256 = sha256Hex(file.bytes);
    if (sha256 === pdfSha256) return [];
    return [{ bytes: file.bytes, filename: file.filename, contentType: file.contentType, sha256 }];
  }

  /**
   * Everything a sending needs before the first delivery row: the document, the recipients, the
   * checks that refuse a mode (with nothing recorded), the files and the message facts.
   */
  async function prepare(
    orgId: string,
    kind: DocumentKind,
    documentId: string,
    input: SendInput,
    reminder: ReminderFacts | undefined,
  ) {
    const doc = await documents.get(orgId, kind, documentId);
    if (doc.status === 'draft') throw unprocessable('Issue the document before sending it');
    const client = await clients.get(orgId, doc.clientId);
    const mode = input.mode ?? client.deliveryMode;
    const recipients = recipientsFor(client, mode, input);
    const material = await keys.clientKeyMaterial(orgId, client.id);
    if (mode === 'openpgp' && !material.openpgp)
      throw unprocessable("Import the client's OpenPGP public key first (PUT /api/v1/clients/:id/keys)");
    if (mode === 'smime' && !material.smime)
      throw unprocessable("Import the client's S/MIME certificate first (PUT /api/v1/clients/:id/keys)");
    if (mode === 'smime' && !deps.signingIdentity)
      throw unprocessable('S/MIME needs the organization signing identity, which is not available');
    // The outbox writes messages to disk: a sealed link's key would then be stored on this server.
    if (mode === 'sealed-link' && mailer.transport === 'outbox')
      throw unprocessable('Sealed links cannot be emailed without SMTP; create the link and share it yourself');
    // Plain mode's only protection on the way to the relay is TLS; without it the document itself
    // (client, lines, bank details) would cross the network in clear.
    if (mode === 'plain' && mailer.tls === 'none')
      throw unprocessable(
        'Plain email is refused: the SMTP relay is used without TLS (SEALBILL_SMTP_URL has starttls=never), so the document would travel in clear. Use TLS (smtps:// or STARTTLS) or a secure delivery mode',
        input.mode ? [{ path: '/body/mode', message: 'needs an SMTP relay with TLS' }] : undefined,
      );
    const pdf = await lifecycle.pdf(orgId, kind, documentId);
    const extra = await einvoiceFile(orgId, kind, documentId, pdf.sha256);
    const org = await orgs.get(orgId);
    const fingerprint = await fingerprintFor(deps.fingerprints, orgId, documentId, pdf.sha256);
    // The email speaks the issued document's language, so it matches the PDF (issue #15 item 4).
    const lang = (await documents.languageOf(orgId, kind, documentId)) ?? documentLanguage(client.language, org.locale);
    const base = { kind, reminder };
    // The wording: this sending's own, else the organization's for the document's language (the
    // client's, for a language Sealbill does not ship), else the built-in one in the document's
    // language (never another language's wording).
    const templateKind = templateKindOf(base);
    if (input.message) {
      const errors = placeholderErrors(templateKind, input.message, (f) => `/body/message/${f}`);
      if (errors.length) throw unprocessable('The message uses placeholders it does not offer', errors);
    }
    const wordingLanguage = wordingLanguageOf(lang.language, client.language);
    const wording = input.message ?? (await deps.templates.pick(orgId, templateKind, wordingLanguage));
    const facts: MessageFacts = {
      orgName: org.name,
      kind,
      number: doc.number ?? '',
      total: doc.total,
      currency: doc.currency,
      language: lang.language,
      formatLocale: lang.formatLocale,
      fingerprint,
      issueDate: doc.issueDate,
      dueDate: doc.dueDate,
      portalUrl: `${deps.publicUrl}/portal`,
      clientName: client.name,
      ...(reminder && { reminder }),
      ...(wording && { wording }),
    };
    const sender: Sender = {
      from: formatAddress(org.name, addressOf(mailer.from)),
      fromName: org.name,
      replyTo: org.profile.email,
    };
    return {
      doc,
      client,
      recipients,
      pdf,
      extra,
      facts,
      sender,
      wording: input.message ? ('this sending' as const) : wording ? ('organization' as const) : ('built-in' as const),
    };
  }

  /** A recipient's facts: notices never name the client, whatever the wording asks for. */
  const factsFor = (f: MessageFacts, r: Recipient): MessageFacts =>
    r.mode === 'notice-only' ? { ...f, clientName: '' } : f;

  return {
    async send(
      orgId: string,
      kind: DocumentKind,
      documentId: string,
      input: SendInput,
      actor: AuditActor,
      opts: { reminder?: ReminderFacts; attachments?: ExtraFile[] } = {},
    ): Promise<SendResult> {
      const {
        doc,
        client,
        recipients,
        pdf,
        extra: files,
        facts,
        sender,
      } = await prepare(orgId, kind, documentId, input, opts.reminder);
      // Modes that carry the document also carry the caller's files (a reminder's own document).
      const extra = [...files, ...(opts.attachments ?? [])];

      const sent: Array<{ deliveryId: string; outcome: 'relayed' | 'saved_to_outbox' | 'failed' }> = [];
      for (const recipient of recipients) {
        sent.push(
          await deliverTo({
            orgId,
            kind,
            documentId,
            number: doc.number,
            client,
            recipient,
            sender,
            facts: factsFor(facts, recipient),
            pdf,
            extra,
            input,
            actor,
          }),
        );
      }
      // Only a relay's acceptance makes a document "sent"; a message saved to the outbox reached nobody.
      if (sent.some((x) => x.outcome === 'relayed') && doc.status === 'issued')
        await lifecycle.markSent(orgId, kind, documentId, actor).catch(() => undefined);
      const [first, ...rest] = await Promise.all(sent.map((x) => tracking.get(orgId, x.deliveryId)));
      return { ...first!, alsoDelivered: rest };
    },

    /**
     * What a sending would say, without sending or recording anything: the recipients, the
     * subject, the opening staff may edit, and the first recipient's whole text (a link is made
     * only when sending, so the text shows where it will be).
     */
    async preview(orgId: string, kind: DocumentKind, documentId: string, input: SendInput) {
      const p = await prepare(orgId, kind, documentId, input, undefined);
      const first = p.recipients[0]!;
      const facts = factsFor(p.facts, first);
      const link = { url: '‹the personal link is created when sending›', expiresAt: clock.now().toISOString() };
      const files = [p.pdf, ...(CARRIES_DOCUMENT.has(first.mode) ? p.extra : [])].map((f) => f.filename);
      return {
        recipients: p.recipients.map((r) => ({ email: r.email, mode: r.mode, billing: r.billing ?? false })),
        subject: subjectFor(facts),
        opening: openingFor(facts),
        text: textFor(first, facts, link, input.sealedLink, files),
        wording: p.wording,
      };
    },

    /** A sealed link for staff to share themselves (nothing is emailed). The URL is shown once. */
    async createSealedLink(
      orgId: string,
      kind: DocumentKind,
      documentId: string,
      input: SealedLinkInput,
      actor: AuditActor,
    ) {
      const doc = await documents.get(orgId, kind, documentId);
      if (doc.status === 'draft') throw unprocessable('Issue the document before sharing it');
      const client = await clients.get(orgId, doc.clientId);
      const contact = input.contactId ? (client.contacts.find((c) => c.id === input.contactId) ?? null) : null;
      if (input.contactId && !contact)
        throw unprocessable('No such contact for this client', [
          { path: '/body/contactId', message: 'unknown contact' },
        ]);
      if (input.requireCode && !contact?.email)
        throw unprocessable('A one-time code needs a contact with an email address', [
          { path: '/body/contactId', message: 'required with requireCode' },
        ]);
      const pdf = await lifecycle.pdf(orgId, kind, documentId);
      // The link page speaks the document's language, as an emailed link's would.
      const lang =
        (await documents.languageOf(orgId, kind, documentId)) ??
        documentLanguage(client.language, (await orgs.get(orgId)).locale);
      const r = await inTx(db, async (tx) => {
        const deliveryId = await newDelivery(tx, {
          orgId,
          kind,
          documentId,
          clientId: client.id,
          contact,
          mode: 'sealed-link',
          sha256: pdf.sha256,
          actor,
          channel: 'link',
          number: doc.number,
        });
        const link = await sealedLinks.createInTx(tx, {
          orgId,
          deliveryId,
          documentId,
          contactId: contact?.id ?? null,
          bytes: pdf.bytes,
          filename: pdf.filename,
          expiresInHours: input.expiresInHours,
          maxDownloads: input.maxDownloads,
          requireCode: input.requireCode,
          language: lang.formatLocale,
        });
        return { ...link, deliveryId };
      });
      if (deps.afterEvidence) await deps.afterEvidence(orgId, r.deliveryId);
      return {
        id: r.id,
        deliveryId: r.deliveryId,
        url: r.url,
        expiresAt: r.expiresAt,
        maxDownloads: input.maxDownloads,
        requireCode: input.requireCode,
      };
    },

    /** Revokes the delivery's portal and sealed links (evidence 'revoked'). */
    async revoke(orgId: string, deliveryId: string, actor: AuditActor): Promise<Delivery> {
      await inTx(db, async (tx) => {
        const row = await findDelivery(tx, orgId, deliveryId);
        if (!row) throw notFound('Delivery');
        const links =
          (await portalLinks.revokeForDeliveryInTx(tx, orgId, deliveryId)) +
          (await sealedLinks.revokeForDeliveryInTx(tx, orgId, deliveryId));
        await tracking.record(tx, orgId, deliveryId, 'revoked', { links, by: { type: actor.type, id: actor.id } });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'delivery.revoked',
          objectType: 'delivery',
          objectId: deliveryId,
          summary: { links },
        });
      });
      return tracking.get(orgId, deliveryId);
    },

    /** Records a bounce reported later (a DSN received by the sender's mailbox). */
    async recordBounce(orgId: string, deliveryId: string, diagnostic: string, actor: AuditActor): Promise<Delivery> {
      await inTx(db, async (tx) => {
        if (!(await findDelivery(tx, orgId, deliveryId))) throw notFound('Delivery');
        await tracking.record(tx, orgId, deliveryId, 'bounced', {
          diagnostic,
          reportedBy: { type: actor.type, id: actor.id },
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'delivery.bounced',
          objectType: 'delivery',
          objectId: deliveryId,
        });
      });
      return tracking.get(orgId, deliveryId);
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
