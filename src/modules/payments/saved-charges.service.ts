// Charging an invoice to a client's saved, authorised payment method while the client is away
// (issue #15, item 5; the recurring module calls it for a schedule with autoCharge). Three steps,
// so the caller can keep its own state in the same transactions and never charge twice:
//  1. prepareInTx: in the caller's transaction, an off-session checkout (channel 'off_session')
//     for the amount due, naming the consent. Its id travels to the provider as metadata, so the
//     provider's webhook books the payment exactly like a paid checkout.
//  2. charge: the provider call, with the caller's idempotency key (the same key for every
//     attempt at this checkout: the provider makes the charge at most once and answers a repeat
//     with the same PaymentIntent). The consent is re-checked just before: a revoked one is never
//     charged. Expected outcomes are values; a ProviderError means "try again later".
//  3. settleInTx: in the caller's transaction, the outcome on the ledger. A payment goes through
//     the same path as a paid checkout's webhook (provider-events: ledger row keyed by the
//     provider's reference, receipt, receipt mail, notification), so the webhook that also
//     arrives finds it booked ('duplicate'), in either order.
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import { moneyFormatter } from '../documents/pdf/document-view.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { findCheckoutInOrg, insertCheckout, updateCheckout } from './checkouts.repo.ts';
import type { PaymentConsentService } from './payment-consents.service.ts';
import { findPaymentByCheckout } from './payment.repo.ts';
import type { PaymentSettingsService } from './payment-settings.service.ts';
import type { ProviderEventsService } from './provider-events.service.ts';
import type { ProviderName, SavedMethodChargeResult } from './providers/provider.ts';
import { OPEN_INVOICE_STATUS_SET } from '../documents/documents.tables.ts';

const SYSTEM: AuditActor = { type: 'system', id: 'auto-charge', ip: null };

/** A charge that was not attempted: why (no consent, revoked, nothing to pay, provider gone). */
export type ChargeOutcome = SavedMethodChargeResult | { status: 'skipped'; reason: string };

export interface SavedChargeDeps {
  db: Database;
  audit: AuditService;
  clock: Clock;
  documents: Pick<DocumentService, 'getInTx'>;
  consents: Pick<PaymentConsentService, 'chargeableInTx' | 'activeInTx'>;
  settings: Pick<PaymentSettingsService, 'providerForInTx'>;
  events: Pick<ProviderEventsService, 'apply'>;
  notifications: Pick<NotificationsService, 'notifyInTx'>;
}

export function createSavedChargeService({
  db,
  audit,
  clock,
  documents,
  consents,
  settings,
  events,
  notifications,
}: SavedChargeDeps) {
  const now = () => clock.now().toISOString();

  return {
    /** Step 1, in the caller's transaction: the checkout this charge is (or why there is none). */
    async prepareInTx(
      tx: Executor,
      orgId: string,
      invoiceId: string,
    ): Promise<{ checkoutId: string } | { skipped: string }> {
      const inv = await documents.getInTx(tx, orgId, 'invoice', invoiceId);
      if (!OPEN_INVOICE_STATUS_SET.has(inv.status) || inv.amountDue <= 0)
        return { skipped: 'the invoice has nothing left to pay' };
      const consent = await consents.chargeableInTx(tx, orgId, inv.clientId, inv.currency);
      if (!consent)
        return {
          skipped: `the client has no active authorisation to charge a saved payment method in ${inv.currency}`,
        };
      const checkoutId = newId(clock.now().getTime());
      await insertCheckout(tx, {
        id: checkoutId,
        org_id: orgId,
        document_id: invoiceId,
        account_id: consent.accountId,
        provider: consent.provider,
        provider_ref: null,
        amount: inv.amountDue,
        currency: inv.currency,
        channel: 'off_session',
        pay_link_id: null,
        status: 'open',
        created_at: now(),
        updated_at: now(),
        save_method: 0,
        consent_by: null,
        consent_id: consent.id,
      });
      await audit.appendInTx(tx, {
        orgId,
        actor: SYSTEM,
        action: 'payment.checkout_started',
        objectType: 'invoice',
        objectId: invoiceId,
        summary: {
          checkoutId,
          provider: consent.provider,
          amount: inv.amountDue,
          currency: inv.currency,
          channel: 'off_session',
          consentId: consent.id,
        },
      });
      return { checkoutId };
    },

    /** Step 2: the provider call (no database writes). ProviderError: transient, try again with the same key. */
    async charge(orgId: string, checkoutId: string, idempotencyKey: string): Promise<ChargeOutcome> {
      const c = await findCheckoutInOrg(db, orgId, checkoutId);
      if (!c || c.channel !== 'off_session' || !c.consent_id) return { status: 'skipped', reason: 'no such charge' };
      const consent = await consents.activeInTx(db, orgId, c.consent_id);
      if (!consent) return { status: 'skipped', reason: 'the client revoked the authorisation before the charge' };
      const inv = await documents.getInTx(db, orgId, 'invoice', c.document_id);
      if (!OPEN_INVOICE_STATUS_SET.has(inv.status) || inv.amountDue <= 0)
        return { status: 'skipped', reason: 'the invoice was paid or closed before the charge' };
      const p = await settings.providerForInTx(db, orgId, c.provider as ProviderName, true);
      if (!p || p.account.id !== c.account_id)
        return { status: 'skipped', reason: `${c.provider} is no longer connected or enabled` };
      // The amount fixed at step 1: a repeat with the same key must ask for exactly the same charge.
      return p.provider.chargeSavedMethod({
        orgId,
        checkoutId,
        invoiceId: c.document_id,
        invoiceNumber: inv.number ?? '',
        customerRef: consent.customerRef,
        paymentMethodRef: consent.paymentMethodRef,
        amount: Number(c.amount),
        currency: c.currency,
        idempotencyKey,
      });
    },

    /** Whether this checkout's payment is on the ledger (booked by the charge or by its webhook). */
    async paidInTx(ex: Executor, orgId: string, checkoutId: string): Promise<boolean> {
      return (await findPaymentByCheckout(ex, orgId, checkoutId)) !== undefined;
    },

    /** Step 3, in the caller's transaction: the outcome on the ledger and the checkout. */
    async settleInTx(tx: Executor, orgId: string, checkoutId: string, outcome: ChargeOutcome): Promise<void> {
      const c = await findCheckoutInOrg(tx, orgId, checkoutId);
      if (!c) return;
      const ctx = { orgId, provider: c.provider as ProviderName };
      switch (outcome.status) {
        case 'succeeded':
          // Exactly what a paid checkout's webhook does; 'duplicate' if the webhook came first.
          await events.apply(
            tx,
            ctx,
            {
              kind: 'payment_succeeded',
              checkoutId,
              paymentRef: outcome.paymentRef,
              orderRef: null,
              amount: outcome.amount,
              currency: outcome.currency,
            },
            null,
          );
          if (!c.provider_ref) await updateCheckout(tx, orgId, checkoutId, { provider_ref: outcome.paymentRef });
          return;
        case 'processing':
          // A SEPA debit: the webhook books it when it settles (days later), through this checkout.
          await updateCheckout(tx, orgId, checkoutId, { provider_ref: outcome.paymentRef, updated_at: now() });
          await audit.appendInTx(tx, {
            orgId,
            actor: SYSTEM,
            action: 'payment.off_session_processing',
            objectType: 'invoice',
            objectId: c.document_id,
            summary: { checkoutId, providerRef: outcome.paymentRef },
          });
          return;
        case 'authentication_required':
        case 'declined': {
          await updateCheckout(tx, orgId, checkoutId, {
            status: 'failed',
            ...(outcome.paymentRef && !c.provider_ref ? { provider_ref: outcome.paymentRef } : {}),
            updated_at: now(),
          });
          const reason = outcome.status === 'declined' ? outcome.code : 'authentication_required';
          await audit.appendInTx(tx, {
            orgId,
            actor: SYSTEM,
            action: 'payment.off_session_failed',
            objectType: 'invoice',
            objectId: c.document_id,
            summary: { checkoutId, reason, providerRef: outcome.paymentRef },
          });
          const amount = moneyFormatter('en-GB', c.currency)(Number(c.amount));
          await notifications.notifyInTx(tx, orgId, 'payment_failed', {
            title: `An automatic charge of ${amount} failed (${c.provider})`,
            body:
              outcome.status === 'authentication_required'
                ? `The client's bank asked for authentication, so ${amount} was not charged; the invoice goes to the client to pay.`
                : `The saved payment method was declined (${reason}); the invoice goes to the client to pay.`,
            link: `/app/invoices/${c.document_id}`,
          });
          return;
        }
        case 'skipped':
          await updateCheckout(tx, orgId, checkoutId, { status: 'failed', updated_at: now() });
          return;
      }
    },
  };
}

export type SavedChargeService = ReturnType<typeof createSavedChargeService>;
