// A portal contact's own second factors: an authenticator app (TOTP, RFC 6238) and passkeys.
// The building blocks are the identity module's (createTotpService with a portal store; the
// WebAuthn ceremonies with a portal credential store and portal-only challenge purposes).
// Starting an enrolment or removing a factor needs a fresh sign-in (within 5 minutes), like staff
// step-up. Every change ends the contact's other portal sessions, rotates this one (new token),
// is audited, and is announced to the contact by email.
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import type { PortalPrincipal, Principal } from '../../platform/http/principal.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import { ENROLMENT_WINDOW_MS } from '../identity/mfa/factors.service.ts';
import type { Notifier } from '../identity/notify.ts';
import type { SessionsService } from '../identity/sessions/sessions.service.ts';
import { createTotpService, type TotpEnrolment } from '../identity/mfa/totp.service.ts';
import { createWebAuthnCeremonies, type WebAuthnConfig } from '../identity/mfa/webauthn-ceremonies.ts';
import { requireStepUp } from '../../platform/http/step-up.ts';
import type { OrgService } from '../orgs/org.service.ts';
import {
  deletePortalPasskey,
  insertPortalPasskey,
  listPortalPasskeys,
  pendingPortalTotp,
  portalCredentialStore,
  portalFactorsOf,
  portalTotpStore,
  type PortalPasskeyRow,
} from './portal-factors.repo.ts';
import type { PortalFactors, PortalPasskey } from './portal.schemas.ts';

export interface PortalFactorsDeps {
  db: Database;
  keyring: Keyring;
  clock: Clock;
  audit: AuditService;
  sessions: SessionsService;
  notifier: Notifier;
  webauthn: WebAuthnConfig;
  orgs: Pick<OrgService, 'get' | 'getInTx'>;
  clients: Pick<ClientService, 'get' | 'getInTx'>;
}

const view = (r: PortalPasskeyRow): PortalPasskey => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  backedUp: r.backed_up === 1,
  deviceType: r.device_type,
});

export function createPortalFactorsService(deps: PortalFactorsDeps) {
  const { db, keyring, clock, audit, sessions, notifier, webauthn, orgs, clients } = deps;
  const totpFor = (orgId: string) =>
    createTotpService({ keyring, clock, issuer: `${webauthn.rpName} client portal`, store: portalTotpStore(orgId) });
  const ceremoniesFor = (orgId: string) =>
    createWebAuthnCeremonies({ db, clock, webauthn, store: portalCredentialStore(orgId), realm: 'portal' });

  async function contactOf(p: PortalPrincipal) {
    const client = await clients.get(p.orgId, p.clientId).catch(() => null);
    const contact = client?.contacts.find((c) => c.id === p.contactId);
    if (!contact) throw new AppError('unauthenticated', 'Client portal sign-in required');
    return contact;
  }

  /**
   * The common tail of a change, in its transaction: other sessions end, audit, the alert to the
   * contact's address (`what` changed; a mail job), and a new token for this one.
   */
  async function changed(
    tx: Executor,
    p: PortalPrincipal,
    action: string,
    summary: Record<string, unknown>,
    ip: string,
    alert: { email: string | null; what: string },
  ): Promise<string> {
    await sessions.revokeAllForInTx(tx, { contactId: p.contactId }, p.sessionId);
    await audit.appendInTx(tx, {
      orgId: p.orgId,
      actor: { type: 'portal', id: p.contactId, ip },
      action,
      objectType: 'client',
      objectId: p.clientId,
      summary,
    });
    if (alert.email) {
      const org = await orgs.getInTx(tx, p.orgId);
      await notifier.send(tx, {
        to: alert.email,
        subject: `${org.name} client portal: your sign-in methods changed`,
        text: `The sign-in methods of your ${org.name} client portal access changed: ${alert.what}. Your other portal sessions were signed out.\n\nIf this was not you, tell ${org.name} at once.`,
      });
    }
    return sessions.rotateInTx(tx, p.sessionId);
  }

  return {
    totpFor,
    ceremoniesFor,
    /** Which factors a contact has (decides whether an emailed code yields a full or a partial session). */
    summaryInTx: (ex: Executor, orgId: string, contactId: string) => portalFactorsOf(ex, orgId, contactId),

    async list(p: PortalPrincipal): Promise<PortalFactors> {
      const f = await portalFactorsOf(db, p.orgId, p.contactId);
      return { totp: f.totp, passkeys: (await listPortalPasskeys(db, p.orgId, p.contactId)).map(view) };
    },

    async beginTotp(p: PortalPrincipal): Promise<TotpEnrolment> {
      requireStepUp(p, clock, 'Setting up an authenticator app');
      const contact = await contactOf(p);
      return inTx(db, (tx) =>
        totpFor(p.orgId).beginInTx(tx, { id: p.contactId, email: contact.email ?? contact.name }, p.orgId),
      );
    },

    async confirmTotp(p: PortalPrincipal, code: string, ip: string): Promise<{ token: string }> {
      const contact = await contactOf(p);
      const pending = await pendingPortalTotp(db, p.orgId, p.contactId);
      if (!pending || pending.confirmed_at) throw conflict('Start setting up the authenticator app first');
      if (clock.now().getTime() - Date.parse(pending.created_at) > ENROLMENT_WINDOW_MS)
        throw conflict('This setup has expired; start again');
      const token = await inTx(db, async (tx) =>
        (await totpFor(p.orgId).confirmInTx(tx, p.contactId, code)).ok
          ? changed(tx, p, 'portal.factor_added', { factor: 'totp' }, ip, {
              email: contact.email,
              what: 'an authenticator app was added',
            })
          : null,
      );
      if (!token)
        throw new AppError(
          'unprocessable',
          'The code is not valid; check the time on your device and try the current code',
          { fieldErrors: [{ path: '/body/code', message: 'is not valid' }] },
        );
      return { token };
    },

    async removeTotp(p: PortalPrincipal, ip: string): Promise<{ token: string }> {
      requireStepUp(p, clock, 'Removing your authenticator app');
      const contact = await contactOf(p);
      const token = await inTx(db, async (tx) => {
        if (!(await totpFor(p.orgId).removeInTx(tx, p.contactId))) throw notFound('Authenticator app');
        return changed(tx, p, 'portal.factor_removed', { factor: 'totp' }, ip, {
          email: contact.email,
          what: 'the authenticator app was removed',
        });
      });
      return { token };
    },

    async passkeyOptions(p: PortalPrincipal) {
      requireStepUp(p, clock, 'Adding a passkey');
      const contact = await contactOf(p);
      return ceremoniesFor(p.orgId).registrationOptions(
        { id: p.contactId, email: contact.email ?? contact.name, name: contact.name },
        p.sessionId,
      );
    },

    async addPasskey(
      p: PortalPrincipal,
      input: { challengeId: string; name: string; response: RegistrationResponseJSON },
      ip: string,
    ): Promise<{ token: string; passkey: PortalPasskey }> {
      const contact = await contactOf(p);
      const v = await ceremoniesFor(p.orgId).verifyRegistration(
        p.contactId,
        p.sessionId,
        input.challengeId,
        input.response,
      );
      if (!v.ok) throw new AppError('unprocessable', `The passkey could not be registered: ${v.reason}`);
      const now = clock.now();
      const row: PortalPasskeyRow = {
        id: newId(now.getTime()),
        org_id: p.orgId,
        client_id: p.clientId,
        contact_id: p.contactId,
        credential_id: v.credential.credentialId,
        public_key: v.credential.publicKey,
        counter: v.credential.counter,
        transports: JSON.stringify(v.credential.transports),
        device_type: v.credential.deviceType,
        backed_up: v.credential.backedUp ? 1 : 0,
        aaguid: v.credential.aaguid,
        name: input.name,
        created_at: now.toISOString(),
        last_used_at: null,
      };
      const token = await inTx(db, async (tx) => {
        if (!(await insertPortalPasskey(tx, row))) throw conflict('This passkey is already registered');
        return changed(tx, p, 'portal.factor_added', { factor: 'passkey', name: input.name }, ip, {
          email: contact.email,
          what: `a passkey ("${input.name}") was added`,
        });
      });
      return { token, passkey: view(row) };
    },

    async removePasskey(p: PortalPrincipal, id: string, ip: string): Promise<{ token: string }> {
      requireStepUp(p, clock, 'Removing a passkey');
      const contact = await contactOf(p);
      const token = await inTx(db, async (tx) => {
        const row = await deletePortalPasskey(tx, p.orgId, p.contactId, id);
        if (!row) throw notFound('Passkey');
        return changed(tx, p, 'portal.factor_removed', { factor: 'passkey', name: row.name }, ip, {
          email: contact.email,
          what: `the passkey "${row.name}" was removed`,
        });
      });
      return { token };
    },

    /**
     * Staff recovery for a contact who lost every factor (portal contacts have no recovery codes):
     * removes their authenticator app and passkeys and ends their portal sessions, so the emailed
     * code alone signs them in fully again and they can enrol afresh. Needs staff step-up.
     */
    async resetByStaff(
      p: Principal | null,
      orgId: string,
      clientId: string,
      contactId: string,
      actor: AuditActor,
    ): Promise<{ totp: boolean; passkeys: number }> {
      requireStepUp(p, clock, "Resetting a contact's sign-in factors");
      // Tenant-scoped: another org's client or contact is simply not found.
      const client = await clients.get(orgId, clientId);
      const contact = client.contacts.find((c) => c.id === contactId);
      if (!contact) throw notFound('Contact');
      const removed = await inTx(db, async (tx) => {
        const totp = await totpFor(orgId).removeInTx(tx, contactId);
        const keys = await listPortalPasskeys(tx, orgId, contactId);
        for (const k of keys) await deletePortalPasskey(tx, orgId, contactId, k.id);
        await sessions.revokeAllForInTx(tx, { contactId });
        const out = { totp, passkeys: keys.length };
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'portal.factors_reset',
          objectType: 'client',
          objectId: clientId,
          summary: { contactId, authenticatorApp: totp, webauthnCredentials: keys.length },
        });
        if (contact.email) {
          const org = await orgs.getInTx(tx, orgId);
          await notifier.send(tx, {
            to: contact.email,
            subject: `${org.name} client portal: your sign-in methods were reset`,
            text: `${org.name} reset the sign-in methods of your client portal access: your authenticator app and passkeys were removed and your portal sessions were signed out. Sign in with a code sent to this address, then set up your sign-in methods again.\n\nIf you did not ask ${org.name} for this, tell them at once.`,
          });
        }
        return out;
      });
      return removed;
    },

    /** Waits until the alert mail jobs have run (tests, shutdown). */
    settle: () => notifier.settled(),
  };
}

export type PortalFactorsService = ReturnType<typeof createPortalFactorsService>;
