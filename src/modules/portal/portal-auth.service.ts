// Client portal sign-in: a realm of its own. A contact asks for a code by email; the answer is the
// same whatever the email (no enumeration: a challenge row is written for unknown emails too, and
// the email goes out in the background so timing does not tell either). The email holds a 6-digit
// code and a magic link (token in the fragment, exchanged by POST). A portal link from a
// 'portal-link' delivery signs its contact in once. Each success starts a new portal session
// (sessions service: hashed token, idle and absolute timeouts, server-side logout).
import { createHash } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring, OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { DeliveryTrackingService } from '../delivery/delivery-tracking.service.ts';
import { issueCode, orgOfCode, redeemCode, redeemMagic } from '../delivery/one-time-codes.ts';
import type { PortalLinksService } from '../delivery/portal-links.service.ts';
import type { SessionsService } from '../identity/sessions.service.ts';
import { csrfTokenFor } from '../identity/sessions.service.ts';
import type { DocumentService } from '../invoices/document.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { PortalSession } from './portal.schemas.ts';

export interface PortalRequestMeta {
  ip: string;
  userAgent: string | null;
}

export interface PortalAuthDeps {
  db: Database;
  keyring: Keyring;
  clock: Clock;
  mailer: Mailer;
  publicUrl: string;
  audit: AuditService;
  orgs: Pick<OrgService, 'get'>;
  clients: Pick<ClientService, 'get' | 'findContactsByEmail'>;
  documents: Pick<DocumentService, 'get'>;
  sessions: SessionsService;
  portalLinks: PortalLinksService;
  tracking: Pick<DeliveryTrackingService, 'record'>;
  warn?: (msg: string) => void;
}

const refused = () => new AppError('unauthenticated', 'The code or link is wrong, expired or already used');

export function createPortalAuthService(deps: PortalAuthDeps) {
  const { db, keyring, clock, mailer, publicUrl, audit, orgs, clients, sessions, portalLinks } = deps;
  const pending = new Set<Promise<void>>();

  async function orgCrypto(orgId: string): Promise<{ name: string; crypto: OrgCrypto } | null> {
    try {
      const org = await orgs.get(orgId);
      return { name: org.name, crypto: await keyring.forOrg(db, orgId) };
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return null;
      throw err;
    }
  }

  /** Starts a portal session for a contact that still exists; the raw token goes only into the cookie. */
  async function startSession(tx: Executor, orgId: string, clientId: string, contactId: string, method: string, meta: PortalRequestMeta, doc: { id: string; kind: PortalSession['documentKind'] } | null): Promise<{ token: string; session: PortalSession }> {
    const client = await clients.get(orgId, clientId, tx).catch(() => null);
    const contact = client?.contacts.find((c) => c.id === contactId);
    if (!client || !contact) throw refused();
    const { token } = await sessions.create(tx, { realm: 'portal', orgId, clientId, contactId, level: 'full', ip: meta.ip, userAgent: meta.userAgent });
    await audit.append(tx, { orgId, actor: { type: 'portal', id: contactId, ip: meta.ip }, action: 'portal.signed_in', objectType: 'client', objectId: clientId, summary: { method } });
    const org = await orgs.get(orgId, tx);
    return {
      token,
      session: {
        csrfToken: csrfTokenFor(token),
        organization: org.name,
        client: client.name,
        contact: { id: contact.id, name: contact.name, email: contact.email },
        documentId: doc?.id ?? null,
        documentKind: doc?.kind ?? null,
      },
    };
  }

  return {
    /** Always 202 with a challenge id; an email is sent only when the address belongs to a contact. */
    async requestCode(orgId: string, email: string): Promise<{ challengeId: string }> {
      const org = await orgCrypto(orgId);
      const matches = org ? (await clients.findContactsByEmail(orgId, email)).sort((a, b) => (a.contact.id < b.contact.id ? -1 : 1)) : [];
      // The subject names client and contact, so redeeming needs no lookup in the clients' tables.
      const subject = matches[0] ? `${matches[0].clientId}/${matches[0].contact.id}` : null;
      // Never the email itself: a keyed index, or for an unknown org a plain hash (nothing to protect there but the typist's address).
      const throttleKey = `portal:${orgId}:${org ? org.crypto.blindIndex(email, 'portal-throttle') : createHash('sha256').update(email).digest('base64url')}`;
      const issued = await inTx(db, (tx) => issueCode(tx, clock, { orgId, crypto: org?.crypto ?? null, purpose: 'portal-login', subjectId: subject, throttleKey, magic: true }));
      if (org && subject && !issued.throttled) {
        const text = [
          `Your sign-in code for the ${org.name} client portal is ${issued.code}`,
          '',
          'Or sign in with this link (it works once, for 10 minutes):',
          `${publicUrl}/portal/magic#t=${issued.magicToken}`,
          '',
          'If you did not ask to sign in, ignore this email.',
          '',
        ].join('\n');
        const p = mailer
          .send({ to: email, subject: `Your sign-in code for ${org.name}`, text })
          .then(() => undefined)
          .catch((err: unknown) => deps.warn?.(`portal sign-in email failed: ${(err as Error).message}`))
          .finally(() => pending.delete(p));
        pending.add(p);
      }
      return { challengeId: issued.id };
    },

    async verifyCode(challengeId: string, code: string, meta: PortalRequestMeta): Promise<{ token: string; session: PortalSession }> {
      const orgId = await orgOfCode(db, challengeId);
      const org = orgId ? await orgCrypto(orgId) : null;
      if (!orgId || !org) throw refused();
      const row = { org_id: orgId };
      const subject = await inTx(db, (tx) => redeemCode(tx, clock, org.crypto, { id: challengeId, orgId: row.org_id, purpose: 'portal-login', code }));
      if (!subject) {
        await inTx(db, (tx) => audit.append(tx, { orgId: row.org_id, actor: { type: 'anonymous', id: null, ip: meta.ip }, action: 'portal.sign_in_failed', summary: { method: 'code' } }));
        throw refused();
      }
      const [clientId, contactId] = subject.split('/') as [string, string];
      return inTx(db, (tx) => startSession(tx, row.org_id, clientId, contactId, 'code', meta, null));
    },

    async redeemMagicLink(token: string, meta: PortalRequestMeta): Promise<{ token: string; session: PortalSession }> {
      const hit = await inTx(db, (tx) => redeemMagic(tx, clock, token));
      if (!hit?.subjectId) throw refused();
      const [clientId, contactId] = hit.subjectId.split('/') as [string, string];
      return inTx(db, (tx) => startSession(tx, hit.orgId, clientId, contactId, 'magic-link', meta, null));
    },

    /** Exchanges a delivery's portal link: one sign-in, recorded as access evidence on that delivery. */
    async redeemPortalLink(token: string, meta: PortalRequestMeta): Promise<{ token: string; session: PortalSession }> {
      return inTx(db, async (tx) => {
        const target = await portalLinks.consume(tx, token);
        if (!target) throw refused();
        const doc = await deps.documents.get(target.orgId, undefined, target.documentId, tx);
        const out = await startSession(tx, target.orgId, target.clientId, target.contactId, 'portal-link', meta, { id: doc.id, kind: doc.kind });
        await deps.tracking.record(tx, target.orgId, target.deliveryId, 'accessed', { via: 'portal-link', contactId: target.contactId, ip: meta.ip, userAgent: meta.userAgent });
        return out;
      });
    },

    async logout(sessionId: string, orgId: string, contactId: string, ip: string): Promise<void> {
      await inTx(db, async (tx) => {
        await sessions.revoke(tx, sessionId);
        await audit.append(tx, { orgId, actor: { type: 'portal', id: contactId, ip }, action: 'portal.signed_out' });
      });
    },

    /** Waits for background sign-in emails (tests and shutdown). */
    async settle(): Promise<void> {
      await Promise.all([...pending]);
    },
  };
}

export type PortalAuthService = ReturnType<typeof createPortalAuthService>;
