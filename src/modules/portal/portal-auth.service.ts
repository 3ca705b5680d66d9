// Client portal sign-in: a realm of its own. A contact asks for a code by email; the answer is the
// same whatever the email (no enumeration: a challenge row is written for unknown emails too, and
// the email goes out in the background so timing does not tell either). The email holds a 6-digit
// code and a magic link (token in the fragment, exchanged by POST). A portal link from a
// 'portal-link' delivery signs its contact in once. Each success starts a new portal session
// (sessions service: hashed token, idle and absolute timeouts, server-side logout).
// A contact who set up a second factor (authenticator app or passkey) gets only a partial session
// ('mfa') from an emailed code or link: it reaches nothing but the routes that finish signing in
// (portal-pending), where the TOTP code or passkey rotates it to 'full'. A passkey (user
// verification required) is both factors at once, so it may also be the first and only step.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring, OrgCrypto } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { z } from 'zod';
import { defineJob, type Jobs } from '../../platform/jobs/jobs.ts';
import type { Mailer } from '../../platform/mail/mailer.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { DeliveryTrackingService } from '../delivery/delivery-tracking.service.ts';
import {
  issueCodeInTx,
  orgOfCodeInTx,
  redeemCodeInTx,
  redeemMagicInTx,
  takeIpQuotaInTx,
} from '../delivery/one-time-codes.ts';
import type { PortalLinksService } from '../delivery/portal-links.service.ts';
import type { TemplatesService } from '../delivery/templates.service.ts';
import { documentLanguage } from '../documents/document-language.ts';
import { t } from '../../shared/i18n/messages.ts';
import type { SessionRow, SessionsService } from '../identity/sessions/sessions.service.ts';
import { csrfTokenFor } from '../identity/sessions/sessions.service.ts';
import { ipKey, throttledError, type ThrottleService } from '../identity/sign-in/throttle.service.ts';
import type { PortalPrincipal } from '../../platform/http/principal.ts';
import { findPortalPasskey } from './portal-factors.repo.ts';
import type { PortalFactorsService } from './portal-factors.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { PortalSession } from './portal.schemas.ts';
import { sha256 } from '../../platform/crypto/hash.ts';

export interface PortalRequestMeta {
  ip: string;
  userAgent: string | null;
}

export interface PortalAuthDeps {
  db: Database;
  keyring: Keyring;
  clock: Clock;
  mailer: Mailer;
  jobs: Jobs;
  publicUrl: string;
  audit: AuditService;
  orgs: Pick<OrgService, 'get' | 'getInTx'>;
  clients: Pick<ClientService, 'get' | 'findContactsByEmail' | 'getInTx'>;
  documents: Pick<DocumentService, 'get' | 'getInTx'>;
  sessions: SessionsService;
  portalLinks: PortalLinksService;
  /** The organization's email templates: the sign-in mail's subject and opening. */
  templates: Pick<TemplatesService, 'render'>;
  tracking: Pick<DeliveryTrackingService, 'record'>;
  factors: Pick<PortalFactorsService, 'summaryInTx' | 'totpFor' | 'ceremoniesFor'>;
  throttle: ThrottleService;
  warn?: (msg: string) => void;
}

type SignedIn = { token: string; session: PortalSession };

const refused = () => new AppError('unauthenticated', 'The code or link is wrong, expired or already used');

export function createPortalAuthService(deps: PortalAuthDeps) {
  const { db, keyring, clock, mailer, jobs, publicUrl, audit, orgs, clients, sessions, portalLinks } = deps;
  // The sign-in mail is a job written with the code. Every request that issues a code writes one,
  // with no recipient when the address is no contact's, so the answer takes the same work whether
  // or not the address is known (no enumeration by timing). The mail is worded when the job runs,
  // in the client's language: the subject and opening are the organization's `portal_code`
  // template (else the built-in wording); the code, the link and the warning follow in fixed
  // wording, so no template can drop or disguise them.
  const signInMail = defineJob(
    'portal.sign-in-mail',
    z.union([
      z.object({
        to: z.string().nullable(),
        orgId: z.string(),
        clientId: z.string().nullable(),
        contactId: z.string().nullable(),
        code: z.string(),
        magicToken: z.string().nullable(),
      }),
      // Jobs queued before sign-in mails were worded by templates carry their finished text.
      z.object({ to: z.string().nullable(), fromName: z.string(), subject: z.string(), text: z.string() }),
    ]),
    async (m) => {
      if (!m.to) return;
      if ('text' in m) {
        await mailer.send({ to: m.to, fromName: m.fromName, subject: m.subject, text: m.text });
        return;
      }
      const mail = await signInMailText(m.orgId, m.clientId, m.contactId, m.code, m.magicToken);
      await mailer.send({ to: m.to, ...mail });
    },
  );
  jobs.register(signInMail);

  async function signInMailText(
    orgId: string,
    clientId: string | null,
    contactId: string | null,
    code: string,
    magicToken: string | null,
  ): Promise<{ fromName: string; subject: string; text: string }> {
    const org = await orgs.get(orgId);
    const client = clientId ? await clients.get(orgId, clientId).catch(() => null) : null;
    const lang = documentLanguage(client?.language, org.locale);
    const { subject, opening } = await deps.templates.render(orgId, 'portal_code', lang.language, client?.language, {
      'org.name': org.name,
      'client.name': client?.name ?? '',
      'contact.name': client?.contacts.find((c) => c.id === contactId)?.name ?? '',
      'portal.url': `${publicUrl}/portal`,
    });
    const text = [
      opening,
      '',
      t(lang.language, 'mail.portalCode.code', { code }),
      '',
      ...(magicToken
        ? [t(lang.language, 'mail.portalCode.link'), `${publicUrl}/portal/magic#t=${magicToken}`, '']
        : []),
      t(lang.language, 'mail.portalCode.ignore'),
      '',
    ].join('\n');
    return { fromName: org.name, subject, text };
  }

  async function orgCrypto(orgId: string): Promise<{ name: string; crypto: OrgCrypto } | null> {
    try {
      const org = await orgs.get(orgId);
      return { name: org.name, crypto: await keyring.forOrg(db, orgId) };
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return null;
      throw err;
    }
  }

  /** What a sign-in answer tells the browser (the raw token goes only into the cookie). */
  async function describe(
    tx: Executor,
    orgId: string,
    clientId: string,
    contactId: string,
    token: string,
    level: 'full' | 'mfa',
    doc: { id: string; kind: PortalSession['documentKind'] } | null,
  ): Promise<SignedIn> {
    const client = await clients.getInTx(tx, orgId, clientId).catch(() => null);
    const contact = client?.contacts.find((c) => c.id === contactId);
    if (!client || !contact) throw refused();
    const org = await orgs.getInTx(tx, orgId);
    const f = await deps.factors.summaryInTx(tx, orgId, contactId);
    return {
      token,
      session: {
        csrfToken: csrfTokenFor(token),
        organization: org.name,
        client: client.name,
        contact: { id: contact.id, name: contact.name, email: contact.email },
        language: client.language,
        documentId: doc?.id ?? null,
        documentKind: doc?.kind ?? null,
        level,
        secondFactors: { totp: f.totp, passkey: f.passkeys > 0 },
      },
    };
  }

  /**
   * Starts a portal session for a contact that still exists. An emailed credential (code, magic
   * link, portal link) is one factor: a contact with a second factor must still present it.
   */
  async function startSession(
    tx: Executor,
    orgId: string,
    clientId: string,
    contactId: string,
    method: string,
    meta: PortalRequestMeta,
    doc: { id: string; kind: PortalSession['documentKind'] } | null,
  ): Promise<SignedIn> {
    const client = await clients.getInTx(tx, orgId, clientId).catch(() => null);
    if (!client?.contacts.some((c) => c.id === contactId)) throw refused();
    const f = await deps.factors.summaryInTx(tx, orgId, contactId);
    const level = method !== 'passkey' && (f.totp || f.passkeys > 0) ? 'mfa' : 'full';
    const { token } = await sessions.create(tx, {
      realm: 'portal',
      orgId,
      clientId,
      contactId,
      level,
      amr: method,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    const action = level === 'full' ? 'portal.signed_in' : 'portal.second_factor_due';
    await audit.appendInTx(tx, {
      orgId,
      actor: { type: 'portal', id: contactId, ip: meta.ip },
      action,
      objectType: 'client',
      objectId: clientId,
      summary: { method },
    });
    return describe(tx, orgId, clientId, contactId, token, level, doc);
  }

  async function pendingSession(p: PortalPrincipal): Promise<SessionRow> {
    const session = await sessions.findInTx(db, p.sessionId);
    if (!session) throw refused();
    if (session.level === 'full') throw new AppError('conflict', 'You are already signed in');
    return session;
  }

  /** The second step: throttled per contact and IP; success rotates the session to 'full'. */
  async function completeSecond(
    p: PortalPrincipal,
    method: 'totp' | 'passkey',
    meta: PortalRequestMeta,
    check: () => Promise<boolean>,
  ): Promise<SignedIn> {
    const session = await pendingSession(p);
    const keys = { account: `portal-mfa:${p.orgId}:${p.contactId}`, ip: ipKey(meta.ip) };
    const gate = await inTx(db, (tx) => deps.throttle.attemptInTx(tx, keys));
    if (!gate.ok) throw throttledError(gate);
    if (!(await check())) {
      await inTx(db, (tx) =>
        audit.appendInTx(tx, {
          orgId: p.orgId,
          actor: { type: 'portal', id: p.contactId, ip: meta.ip },
          action: 'portal.sign_in_failed',
          summary: { method },
        }),
      );
      throw new AppError(
        'unauthenticated',
        method === 'totp'
          ? 'The code is not valid, has expired, or was already used'
          : 'The passkey could not be verified',
      );
    }
    return inTx(db, async (tx) => {
      await deps.throttle.succeededInTx(tx, keys);
      const amr = `${session.amr} ${method}`.trim();
      const token = await sessions.rotateInTx(tx, session.id, {
        level: 'full',
        amr,
        authenticated_at: clock.now().toISOString(),
      });
      await audit.appendInTx(tx, {
        orgId: p.orgId,
        actor: { type: 'portal', id: p.contactId, ip: meta.ip },
        action: 'portal.signed_in',
        objectType: 'client',
        objectId: p.clientId,
        summary: { method: amr.replace(' ', '+') },
      });
      return describe(tx, p.orgId, p.clientId, p.contactId, token, 'full', null);
    });
  }

  return {
    /**
     * Always 202 with a challenge id; an email is sent only when the address belongs to a contact.
     * Rows are bounded: per email (5 per 15 minutes, 20 a day: further requests write nothing and
     * get the same answer) and per client IP (429 past MAX_CODES_PER_IP per 15 minutes, whatever
     * the email, so the limit tells nothing about who is a contact).
     */
    async requestCode(
      orgId: string,
      email: string,
      meta: Pick<PortalRequestMeta, 'ip'>,
    ): Promise<{ challengeId: string }> {
      const org = await orgCrypto(orgId);
      const matches = org
        ? (await clients.findContactsByEmail(orgId, email)).sort((a, b) => (a.contact.id < b.contact.id ? -1 : 1))
        : [];
      // The subject names client and contact, so redeeming needs no lookup in the clients' tables.
      const subject = matches[0] ? `${matches[0].clientId}/${matches[0].contact.id}` : null;
      // Never the email itself: a keyed index, or for an unknown org a plain hash (nothing to protect there but the typist's address).
      const throttleKey = `portal:${orgId}:${org ? org.crypto.blindIndex(email, 'portal-throttle') : sha256(email).toString('base64url')}`;
      const issued = await inTx(db, async (tx) => {
        if (!(await takeIpQuotaInTx(tx, clock, meta.ip)))
          throw new AppError(
            'rate_limited',
            'Too many sign-in code requests from this address; try again in 15 minutes.',
            { headers: { 'retry-after': '900' } },
          );
        const code = await issueCodeInTx(tx, clock, {
          orgId,
          crypto: org?.crypto ?? null,
          purpose: 'portal-login',
          subjectId: subject,
          throttleKey,
          magic: true,
        });
        if (code.throttled) return code;
        await jobs.enqueue(tx, signInMail, {
          to: org && subject ? email : null,
          orgId,
          clientId: matches[0]?.clientId ?? null,
          contactId: matches[0]?.contact.id ?? null,
          code: code.code,
          magicToken: code.magicToken,
        });
        return code;
      });
      return { challengeId: issued.id };
    },

    async verifyCode(challengeId: string, code: string, meta: PortalRequestMeta): Promise<SignedIn> {
      const orgId = await orgOfCodeInTx(db, challengeId);
      const org = orgId ? await orgCrypto(orgId) : null;
      if (!orgId || !org) throw refused();
      const row = { org_id: orgId };
      const subject = await inTx(db, (tx) =>
        redeemCodeInTx(tx, clock, org.crypto, { id: challengeId, orgId: row.org_id, purpose: 'portal-login', code }),
      );
      if (!subject) {
        await inTx(db, (tx) =>
          audit.appendInTx(tx, {
            orgId: row.org_id,
            actor: { type: 'anonymous', id: null, ip: meta.ip },
            action: 'portal.sign_in_failed',
            summary: { method: 'code' },
          }),
        );
        throw refused();
      }
      const [clientId, contactId] = subject.split('/') as [string, string];
      return inTx(db, (tx) => startSession(tx, row.org_id, clientId, contactId, 'code', meta, null));
    },

    async redeemMagicLink(token: string, meta: PortalRequestMeta): Promise<SignedIn> {
      const hit = await inTx(db, (tx) => redeemMagicInTx(tx, clock, token));
      if (!hit?.subjectId) throw refused();
      const [clientId, contactId] = hit.subjectId.split('/') as [string, string];
      return inTx(db, (tx) => startSession(tx, hit.orgId, clientId, contactId, 'magic-link', meta, null));
    },

    /** Exchanges a delivery's portal link: one sign-in, recorded as access evidence on that delivery. */
    async redeemPortalLink(token: string, meta: PortalRequestMeta): Promise<SignedIn> {
      return inTx(db, async (tx) => {
        const target = await portalLinks.consumeInTx(tx, token);
        if (!target) throw refused();
        const doc = await deps.documents.getInTx(tx, target.orgId, undefined, target.documentId);
        const out = await startSession(tx, target.orgId, target.clientId, target.contactId, 'portal-link', meta, {
          id: doc.id,
          kind: doc.kind,
        });
        const secondFactorDue = out.session.level !== 'full';
        await deps.tracking.record(tx, target.orgId, target.deliveryId, 'accessed', {
          via: 'portal-link',
          contactId: target.contactId,
          ip: meta.ip,
          userAgent: meta.userAgent,
          ...(secondFactorDue ? { secondFactorDue } : {}),
        });
        return out;
      });
    },

    /** Usernameless passkey sign-in within one organization's portal (RP ID shared with staff, credentials not). */
    async passkeyOptions(orgId: string) {
      return deps.factors.ceremoniesFor(orgId).authenticationOptions('login', {});
    },

    async passkeyLogin(
      orgId: string,
      challengeId: string,
      response: AuthenticationResponseJSON,
      meta: PortalRequestMeta,
    ): Promise<SignedIn> {
      const r = await deps.factors.ceremoniesFor(orgId).authenticate(challengeId, 'login', response, {});
      const row = r.ok ? await findPortalPasskey(db, orgId, r.passkeyId) : undefined;
      if (!row) {
        if (await orgCrypto(orgId))
          await inTx(db, (tx) =>
            audit.appendInTx(tx, {
              orgId,
              actor: { type: 'anonymous', id: null, ip: meta.ip },
              action: 'portal.sign_in_failed',
              summary: { method: 'passkey', reason: r.ok ? 'gone' : r.reason.slice(0, 200) },
            }),
          );
        throw new AppError('unauthenticated', 'The passkey could not be verified');
      }
      return inTx(db, (tx) => startSession(tx, orgId, row.client_id, row.contact_id, 'passkey', meta, null));
    },

    /** A partial session's state: which second factors can finish signing in. */
    async pending(
      p: PortalPrincipal,
    ): Promise<{ level: 'full' | 'mfa'; secondFactors: PortalSession['secondFactors'] }> {
      const f = await deps.factors.summaryInTx(db, p.orgId, p.contactId);
      return { level: p.level, secondFactors: { totp: f.totp, passkey: f.passkeys > 0 } };
    },

    completeTotp: (p: PortalPrincipal, code: string, meta: PortalRequestMeta) =>
      completeSecond(
        p,
        'totp',
        meta,
        async () => (await inTx(db, (tx) => deps.factors.totpFor(p.orgId).verifyInTx(tx, p.contactId, code))).ok,
      ),

    async mfaPasskeyOptions(p: PortalPrincipal) {
      await pendingSession(p);
      return deps.factors
        .ceremoniesFor(p.orgId)
        .authenticationOptions('mfa', { userId: p.contactId, sessionId: p.sessionId });
    },

    completePasskey: (
      p: PortalPrincipal,
      challengeId: string,
      response: AuthenticationResponseJSON,
      meta: PortalRequestMeta,
    ) =>
      completeSecond(
        p,
        'passkey',
        meta,
        async () =>
          (
            await deps.factors
              .ceremoniesFor(p.orgId)
              .authenticate(challengeId, 'mfa', response, { sessionId: p.sessionId })
          ).ok,
      ),

    async logout(sessionId: string, orgId: string, contactId: string, ip: string): Promise<void> {
      await inTx(db, async (tx) => {
        await sessions.revokeInTx(tx, sessionId);
        await audit.appendInTx(tx, {
          orgId,
          actor: { type: 'portal', id: contactId, ip },
          action: 'portal.signed_out',
        });
      });
    },

    /** Waits for background sign-in emails (tests and shutdown). */
    async settle(): Promise<void> {
      await jobs.settled();
    },
  };
}

export type PortalAuthService = ReturnType<typeof createPortalAuthService>;
