// Portal links ('portal-link' mode): a notification carrying a personal link that signs one
// contact into the portal once. The token (256 bits) travels in the URL fragment, so it never
// reaches server logs, proxies or Referer headers; the portal page exchanges it by POST, so a mail
// scanner that prefetches links cannot burn it. Stored only as SHA-256; single use, expiring,
// revocable by staff.
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import { newId } from '../../platform/ids.ts';
import { hashToken, newToken } from '../../platform/crypto/tokens.ts';
import { consumePortalLink, findPortalLinkByHash, insertPortalLink, revokePortalLinks } from './links.repo.ts';

export interface PortalLinkTarget {
  orgId: string;
  deliveryId: string;
  clientId: string;
  contactId: string;
  documentId: string;
}

export function createPortalLinksService({
  clock,
  publicUrl,
  ttlHours,
}: {
  clock: Clock;
  publicUrl: string;
  ttlHours: number;
}) {
  return {
    async createInTx(tx: Executor, t: PortalLinkTarget): Promise<{ url: string; expiresAt: string }> {
      const token = newToken();
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000).toISOString();
      await insertPortalLink(tx, {
        id: newId(now.getTime()),
        org_id: t.orgId,
        delivery_id: t.deliveryId,
        client_id: t.clientId,
        contact_id: t.contactId,
        document_id: t.documentId,
        token_hash: hashToken('portal-link', token),
        expires_at: expiresAt,
        used_at: null,
        revoked_at: null,
        created_at: now.toISOString(),
      });
      return { url: `${publicUrl}/portal/open#t=${token}`, expiresAt };
    },

    /** Consumes a link: its target when it was live (unused, unrevoked, unexpired), else null. */
    async consumeInTx(tx: Executor, token: string): Promise<PortalLinkTarget | null> {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
      const row = await findPortalLinkByHash(tx, hashToken('portal-link', token));
      if (!row || !(await consumePortalLink(tx, row.id, clock.now().toISOString()))) return null;
      return {
        orgId: row.org_id,
        deliveryId: row.delivery_id,
        clientId: row.client_id,
        contactId: row.contact_id,
        documentId: row.document_id,
      };
    },

    revokeForDeliveryInTx: (tx: Executor, orgId: string, deliveryId: string) =>
      revokePortalLinks(tx, orgId, deliveryId, clock.now().toISOString()),
  };
}

export type PortalLinksService = ReturnType<typeof createPortalLinksService>;
