// Sealed links (zero-knowledge download). The PDF is encrypted with AES-256-GCM under a fresh
// random key; the key is put only in the URL fragment (`/s/<id>#k=<base64url key>`), which
// browsers never send to a server (RFC 3986 §3.5), and then dropped: the server keeps ciphertext
// it cannot read. The browser fetches the ciphertext and decrypts with WebCrypto.
//
// Format (v1): ciphertext = nonce (12 bytes) ‖ AES-256-GCM ciphertext ‖ tag (16 bytes), with
// associated data "sealbill-sealed-link-v1|<link id>", so ciphertexts cannot be swapped between
// links. Links expire, may be limited to N downloads, revoked, and gated by an emailed code.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring, OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import { t } from '../../shared/i18n/messages.ts';
import type { ClientService } from '../clients/client.service.ts';
import { documentLanguage } from '../documents/document-language.ts';
import type { OrgService } from '../orgs/org.service.ts';
import { seal } from '../../platform/crypto/aead.ts';
import { randomBytes } from '../../platform/crypto/random.ts';
import {
  countSealedDownload,
  findSealedLink,
  insertSealedLink,
  revokeSealedLinks,
  type SealedLinkRow,
} from './links.repo.ts';
import { issueCodeInTx, redeemCodeInTx } from './one-time-codes.ts';
import { findDelivery } from './delivery.repo.ts';
import { recipientAad, type DeliveryTrackingService } from './delivery-tracking.service.ts';

export const sealedAad = (id: string): Buffer => Buffer.from(`sealbill-sealed-link-v1|${id}`, 'utf8');

export function sealForLink(id: string, plaintext: Buffer): { key: Buffer; ciphertext: Buffer } {
  const key = randomBytes(32);
  return { key, ciphertext: seal(key, plaintext, sealedAad(id)) }; // platform AEAD: the v1 format above
}

export interface SealedLinkView {
  id: string;
  organization: string;
  filename: string;
  contentType: string;
  size: number;
  expiresAt: string;
  downloadsLeft: number | null;
  codeRequired: boolean;
}

export interface SealedPayload extends SealedLinkView {
  format: 'sealbill-sealed-link-v1';
  aad: string;
  ciphertext: string; // base64url
}

export interface RequestMeta {
  ip: string;
  userAgent: string | null;
}

export interface SealedLinksDeps {
  db: Database;
  keyring: Keyring;
  clock: Clock;
  publicUrl: string;
  mailer: Mailer;
  orgs: Pick<OrgService, 'get'>;
  clients: Pick<ClientService, 'get'>;
  tracking: Pick<DeliveryTrackingService, 'record'>;
}

const gone = () => notFound('Link (it may have expired, been used up or revoked)');

export function createSealedLinksService(deps: SealedLinksDeps) {
  const { db, keyring, clock, publicUrl, mailer, orgs, clients, tracking } = deps;

  function live(row: SealedLinkRow | undefined): row is SealedLinkRow {
    if (!row || row.revoked_at || row.expires_at <= clock.now().toISOString()) return false;
    return row.max_downloads === null || row.downloads < row.max_downloads;
  }

  async function view(row: SealedLinkRow): Promise<SealedLinkView> {
    const org = await orgs.get(row.org_id);
    return {
      id: row.id,
      organization: org.name,
      filename: row.filename,
      contentType: row.content_type,
      size: row.size,
      expiresAt: row.expires_at,
      downloadsLeft: row.max_downloads === null ? null : row.max_downloads - row.downloads,
      codeRequired: row.code_required === 1,
    };
  }

  /** Counts the download, records the access as evidence, and hands out the ciphertext. */
  async function release(row: SealedLinkRow, meta: RequestMeta, codeVerified: boolean): Promise<SealedPayload> {
    const ok = await inTx(db, async (tx) => {
      if (!(await countSealedDownload(tx, row.id, clock.now().toISOString()))) return false;
      await tracking.record(tx, row.org_id, row.delivery_id, 'accessed', {
        via: 'sealed-link',
        linkId: row.id,
        download: row.downloads + 1,
        codeVerified,
        ...(codeVerified && row.contact_id ? { contactId: row.contact_id } : {}),
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      return true;
    });
    if (!ok) throw gone();
    const fresh = (await findSealedLink(db, row.id))!;
    return {
      ...(await view(fresh)),
      format: 'sealbill-sealed-link-v1',
      aad: sealedAad(row.id).toString('utf8'),
      ciphertext: Buffer.from(row.ciphertext).toString('base64url'),
    };
  }

  async function mustLive(id: string): Promise<SealedLinkRow> {
    const row = await findSealedLink(db, id);
    if (!live(row)) throw gone();
    return row;
  }

  return {
    /** Seals a PDF for a new link (inside the caller's transaction). The URL is returned once; its key is never stored. */
    async createInTx(
      tx: Executor,
      p: {
        orgId: string;
        deliveryId: string;
        documentId: string;
        contactId: string | null;
        bytes: Buffer;
        filename: string;
        expiresInHours: number;
        maxDownloads: number | null;
        requireCode: boolean;
        /** The document's language and format locale ("de-DE"), which the link page speaks. */
        language: string;
      },
    ): Promise<{ id: string; url: string; expiresAt: string }> {
      const now = clock.now();
      const id = newId(now.getTime());
      const { key, ciphertext } = sealForLink(id, p.bytes);
      const expiresAt = new Date(now.getTime() + p.expiresInHours * 3_600_000).toISOString();
      await insertSealedLink(tx, {
        id,
        org_id: p.orgId,
        delivery_id: p.deliveryId,
        document_id: p.documentId,
        contact_id: p.contactId,
        ciphertext,
        filename: p.filename,
        content_type: 'application/pdf',
        size: p.bytes.length,
        expires_at: expiresAt,
        max_downloads: p.maxDownloads,
        downloads: 0,
        code_required: p.requireCode ? 1 : 0,
        revoked_at: null,
        created_at: now.toISOString(),
      });
      // The page speaks the client's language, but it may load nothing before the reader's click
      // (every fetch of the link counts as a download), so the link itself carries the language:
      // `?lang=` holds nothing secret, and the key stays last, in the fragment only the browser reads.
      const lang = encodeURIComponent(p.language);
      const url = `${publicUrl}/s/${id}?lang=${lang}#k=${key.toString('base64url')}`;
      key.fill(0);
      return { id, url, expiresAt };
    },

    /** Public: metadata, plus the ciphertext when no code is required (counts as a download). */
    async open(id: string, meta: RequestMeta): Promise<SealedLinkView | SealedPayload> {
      const row = await mustLive(id);
      if (row.code_required === 1) return view(row);
      return release(row, meta, false);
    },

    /**
     * Public: emails a one-time code to the address the link was delivered to (a contact, or the
     * client's billing email), else to the link's contact. Same answer whatever happens.
     */
    async requestCode(id: string): Promise<{ challengeId: string }> {
      const row = await mustLive(id);
      if (row.code_required !== 1) throw new AppError('conflict', 'This link does not use a one-time code');
      const crypto: OrgCrypto = await keyring.forOrg(db, row.org_id);
      const delivery = await findDelivery(db, row.org_id, row.delivery_id);
      const client = delivery ? await clients.get(row.org_id, delivery.client_id).catch(() => null) : null;
      const to = delivery?.recipient_enc
        ? crypto.decryptText(delivery.recipient_enc, recipientAad(delivery.id))
        : (client?.contacts.find((c) => c.id === row.contact_id)?.email ?? null);
      if (!to) throw new AppError('conflict', 'This link does not use a one-time code');
      const issued = await inTx(db, (tx) =>
        issueCodeInTx(tx, clock, {
          orgId: row.org_id,
          crypto,
          purpose: 'sealed-link',
          subjectId: row.id,
          throttleKey: `sealed:${row.id}`,
          quotaKey: `sealed-contact:${row.org_id}:${row.contact_id ?? `billing:${delivery?.client_id ?? row.id}`}`,
          magic: false,
        }),
      );
      if (!issued.throttled) {
        // In the client's language (issue #15 item 4), in fixed wording: no template can drop the warning.
        const org = await orgs.get(row.org_id);
        const { language } = documentLanguage(client?.language, org.locale);
        await mailer.send({
          to,
          fromName: org.name,
          ...(org.profile.email ? { replyTo: org.profile.email } : {}),
          subject: t(language, 'mail.sealedCode.subject', { org: org.name }),
          text: `${t(language, 'mail.sealedCode.code', { code: issued.code })}\n\n${t(language, 'mail.sealedCode.ignore', { org: org.name })}\n`,
        });
      }
      return { challengeId: issued.id };
    },

    /** Public: the ciphertext, after a valid one-time code. */
    async openWithCode(id: string, challengeId: string, code: string, meta: RequestMeta): Promise<SealedPayload> {
      const row = await mustLive(id);
      const crypto = await keyring.forOrg(db, row.org_id);
      const subject = await inTx(db, (tx) =>
        redeemCodeInTx(tx, clock, crypto, { id: challengeId, orgId: row.org_id, purpose: 'sealed-link', code }),
      );
      if (subject !== row.id) throw new AppError('unauthenticated', 'The code is wrong, expired or already used');
      return release(row, meta, true);
    },

    revokeForDeliveryInTx: (tx: Executor, orgId: string, deliveryId: string) =>
      revokeSealedLinks(tx, orgId, { deliveryId }, clock.now().toISOString()),
  };
}

export type SealedLinksService = ReturnType<typeof createSealedLinksService>;
