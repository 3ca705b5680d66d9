// A client's authorisation to charge a payment method it saved (issue #15, item 5). The payer
// gives it at a checkout ("save this method for future invoices of <org>"): the provider keeps
// the method on a customer it created, and its webhook names both; the consent is written in
// that webhook's transaction, once per checkout. What is stored: which client and provider
// account, the kind (card / SEPA Direct Debit), who authorised it (a portal contact or a pay link)
// and when; the provider's customer and payment method refs and the label ("Visa •••• 4242") are
// sealed together under the org's field key (AAD: payment_consents|<id>|method_enc). No card
// number, expiry or IBAN ever reaches Sealbill. Staff and the client's portal contacts may revoke
// it; a revoked consent is never charged, and stays listed with who revoked it and when.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { CheckoutRow } from './checkouts.repo.ts';
import { listAccounts } from './payment-accounts.repo.ts';
import {
  findConsent,
  findConsentByCheckout,
  insertConsent,
  listConsents,
  revokeConsent,
  type ConsentRow,
} from './payment-consents.repo.ts';
import type { SavedMethodInfo } from './providers/provider.ts';

const methodAad = (id: string) => ({ table: 'payment_consents', row: id, column: 'method_enc' });
const sealedMethod = z.object({ customerRef: z.string(), paymentMethodRef: z.string(), label: z.string() });
type SealedMethod = z.infer<typeof sealedMethod>;

export const consentSchema = z.object({
  id: z.string(),
  clientId: z.string(),
  provider: z.string(),
  kind: z.enum(['card', 'sepa_debit']),
  label: z.string().describe('brand or scheme and the last four digits, e.g. "Visa •••• 4242"; nothing more is stored'),
  authorisedVia: z.enum(['portal', 'pay_link']).describe('where the payer ticked "save this method"'),
  authorisedAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.enum(['staff', 'client']).nullable(),
  active: z.boolean(),
});
export type Consent = z.infer<typeof consentSchema>;

/** What an off-session charge needs: the refs, unsealed only for the call. */
export interface ChargeableConsent {
  id: string;
  accountId: string;
  provider: string;
  customerRef: string;
  paymentMethodRef: string;
}

/** Who an audit actor is, in the words the revoked_by column keeps. */
const actorKey = (a: AuditActor) => `${a.type}:${a.id ?? ''}`;

export interface PaymentConsentDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
}

export function createPaymentConsentService({ db, keyring, audit, clock }: PaymentConsentDeps) {
  async function unseal(ex: Executor, r: ConsentRow): Promise<SealedMethod> {
    const crypto = await keyring.forOrg(ex, r.org_id);
    return sealedMethod.parse(crypto.decryptJson(r.method_enc, methodAad(r.id)));
  }

  async function toConsent(ex: Executor, r: ConsentRow): Promise<Consent> {
    return {
      id: r.id,
      clientId: r.client_id,
      provider: r.provider,
      kind: r.kind,
      label: (await unseal(ex, r)).label,
      authorisedVia: r.authorised_by.startsWith('portal_contact:') ? 'portal' : 'pay_link',
      authorisedAt: r.authorised_at,
      revokedAt: r.revoked_at,
      revokedBy: r.revoked_by === null ? null : r.revoked_by.startsWith('portal:') ? 'client' : 'staff',
      active: r.revoked_at === null,
    };
  }

  return {
    /**
     * In the webhook's transaction: the payer of this checkout asked to save the method and the
     * provider saved it. Once per checkout (a webhook may be delivered more than once).
     */
    async saveFromCheckoutInTx(
      tx: Executor,
      checkout: CheckoutRow,
      clientId: string,
      refs: { customerRef: string; paymentMethodRef: string },
      info: SavedMethodInfo,
    ): Promise<void> {
      if (checkout.save_method !== 1 || !checkout.consent_by) return;
      if (await findConsentByCheckout(tx, checkout.org_id, checkout.id)) return;
      const id = newId(clock.now().getTime());
      const now = clock.now().toISOString();
      const crypto = await keyring.forOrg(tx, checkout.org_id);
      await insertConsent(tx, {
        id,
        org_id: checkout.org_id,
        client_id: clientId,
        account_id: checkout.account_id,
        provider: checkout.provider,
        kind: info.kind,
        method_enc: crypto.encryptJson({ ...refs, label: info.label } satisfies SealedMethod, methodAad(id)),
        checkout_id: checkout.id,
        authorised_by: checkout.consent_by,
        authorised_at: now,
        revoked_at: null,
        revoked_by: null,
        created_at: now,
      });
      await audit.appendInTx(tx, {
        orgId: checkout.org_id,
        actor: { type: 'system', id: checkout.consent_by, ip: null },
        action: 'payment.method_saved',
        objectType: 'client',
        objectId: clientId,
        summary: { consentId: id, provider: checkout.provider, kind: info.kind, checkoutId: checkout.id },
      });
    },

    /** A client's saved methods, revoked ones included. */
    async list(orgId: string, clientId: string): Promise<Consent[]> {
      const rows = await listConsents(db, orgId, clientId);
      return Promise.all(rows.map((r) => toConsent(db, r)));
    },

    /** Staff (or the client's portal contact: `clientId` from the session) withdraw the authorisation. */
    async revoke(orgId: string, clientId: string, id: string, actor: AuditActor): Promise<Consent> {
      return inTx(db, async (tx) => {
        const row = await findConsent(tx, orgId, id);
        if (!row || row.client_id !== clientId) throw notFound('Saved payment method');
        const now = clock.now().toISOString();
        if (!(await revokeConsent(tx, orgId, id, { revoked_at: now, revoked_by: actorKey(actor) })))
          throw conflict('This saved payment method was revoked already');
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payment.method_revoked',
          objectType: 'client',
          objectId: clientId,
          summary: { consentId: id, provider: row.provider, kind: row.kind },
        });
        return toConsent(tx, (await findConsent(tx, orgId, id))!);
      });
    },

    /**
     * The consent an invoice of this client and currency can be charged with: the newest active
     * one whose provider account is connected and enabled (SEPA Direct Debit only for euros).
     */
    async chargeableInTx(
      ex: Executor,
      orgId: string,
      clientId: string,
      currency: string,
    ): Promise<ChargeableConsent | null> {
      const enabled = new Set(
        (await listAccounts(ex, orgId)).filter((a) => a.enabled === 1 && a.secrets_hint !== '').map((a) => a.id),
      );
      for (const r of await listConsents(ex, orgId, clientId)) {
        if (r.revoked_at !== null || !enabled.has(r.account_id)) continue;
        if (r.kind === 'sepa_debit' && currency !== 'EUR') continue;
        const m = await unseal(ex, r);
        return {
          id: r.id,
          accountId: r.account_id,
          provider: r.provider,
          customerRef: m.customerRef,
          paymentMethodRef: m.paymentMethodRef,
        };
      }
      return null;
    },

    /** One consent by id, if it is still active (the charge re-checks just before calling the provider). */
    async activeInTx(ex: Executor, orgId: string, id: string): Promise<ChargeableConsent | null> {
      const r = await findConsent(ex, orgId, id);
      if (!r || r.revoked_at !== null) return null;
      const m = await unseal(ex, r);
      return {
        id: r.id,
        accountId: r.account_id,
        provider: r.provider,
        customerRef: m.customerRef,
        paymentMethodRef: m.paymentMethodRef,
      };
    },
  };
}

export type PaymentConsentService = ReturnType<typeof createPaymentConsentService>;
