// Applies a verified, normalized provider event to the ledger inside the webhook's transaction.
// Idempotent at every step: a payment, refund or dispute reversal is keyed by its provider
// reference (unique in the ledger), so the same money can never be booked twice even when two
// different events announce it (checkout.session.completed and payment_intent.succeeded).
// Out-of-order delivery: an event about a payment we have not recorded yet (a refund or dispute
// arriving before the payment succeeded) is deferred and replayed right after that payment lands.
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import { findCheckoutByRef, findCheckoutInOrg, updateCheckout } from './checkouts.repo.ts';
import { findPaymentByProviderRef, updatePaymentRow } from './payment.repo.ts';
import type { PaymentService } from './payment.service.ts';
import type { PaymentConsentService } from './payment-consents.service.ts';
import type { ProviderEvent, ProviderName, ProviderPayment, SavedMethodInfo } from './providers/provider.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { moneyFormatter } from '../documents/pdf/document-view.ts';
import type { ReceiptService } from './receipt.service.ts';
import { findDispute, insertDispute, insertFlag, listDeferred, updateDispute, updateEvent } from './webhook.repo.ts';

export type Outcome = 'applied' | 'duplicate' | 'deferred' | 'ignored' | 'flagged';

export interface EventContext {
  orgId: string;
  provider: ProviderName;
}

export const WEBHOOK_ACTOR: AuditActor = { type: 'system', id: null, ip: null };

export interface ProviderEventsDeps {
  audit: AuditService;
  clock: Clock;
  payments: Pick<PaymentService, 'recordProviderInTx' | 'reverseInTx'>;
  receipts: Pick<ReceiptService, 'createInTx' | 'mailInTx'>;
  /** Staff hear of payments that arrive or fail (in the event's transaction). */
  notifications: Pick<NotificationsService, 'notifyInTx'>;
  /** A payer who ticked "save this method" at the checkout: the consent, in the event's transaction. */
  consents: Pick<PaymentConsentService, 'saveFromCheckoutInTx'>;
  /**
   * Told when a checkout fails after it was left processing (an off-session SEPA debit): the
   * recurring module marks its run's charge failed. Set by the container once that module exists.
   */
  checkoutHooks?: { failedInTx?: (tx: Executor, orgId: string, checkoutId: string) => Promise<void> };
}

const amountText = (minor: number, currency: string) => moneyFormatter('en-GB', currency)(minor);

export function createProviderEventsService({
  audit,
  clock,
  payments,
  receipts,
  notifications,
  consents,
  checkoutHooks = {},
}: ProviderEventsDeps) {
  async function flag(
    tx: Executor,
    ctx: EventContext,
    ref: string,
    kind: string,
    detail: Record<string, unknown>,
  ): Promise<Outcome> {
    const created = await insertFlag(tx, {
      id: newId(),
      org_id: ctx.orgId,
      provider: ctx.provider,
      provider_ref: ref,
      kind,
      detail: JSON.stringify(detail),
      created_at: clock.now().toISOString(),
      resolved_at: null,
    });
    if (created)
      await audit.appendInTx(tx, {
        orgId: ctx.orgId,
        actor: WEBHOOK_ACTOR,
        action: 'payments.reconciliation_flagged',
        objectType: 'payment',
        objectId: null,
        summary: { provider: ctx.provider, ref, kind, ...detail },
      });
    return 'flagged';
  }

  async function paymentSucceeded(
    tx: Executor,
    ctx: EventContext,
    ev: Extract<ProviderEvent, { kind: 'payment_succeeded' }>,
    details: ProviderPayment | null,
    saved: SavedMethodInfo | null,
  ): Promise<Outcome> {
    const existing = await findPaymentByProviderRef(tx, ctx.orgId, ctx.provider, 'payment', ev.paymentRef);
    if (existing) {
      if (existing.fee === null && details?.fee != null)
        await updatePaymentRow(tx, ctx.orgId, existing.id, { fee: details.fee, fee_currency: details.feeCurrency });
      // The payment came in with another event (checkout.session.completed); this one names the saved method.
      if (ev.savedMethod && saved && existing.checkout_id) {
        const c = await findCheckoutInOrg(tx, ctx.orgId, existing.checkout_id);
        if (c) await consents.saveFromCheckoutInTx(tx, c, existing.client_id, ev.savedMethod, saved);
      }
      return 'duplicate';
    }
    const checkout = ev.checkoutId
      ? await findCheckoutInOrg(tx, ctx.orgId, ev.checkoutId)
      : ev.orderRef
        ? await findCheckoutByRef(tx, ctx.orgId, ctx.provider, ev.orderRef)
        : undefined;
    if (!checkout)
      return flag(tx, ctx, ev.paymentRef, 'unknown_checkout', { amount: ev.amount, currency: ev.currency });
    if (ev.currency !== checkout.currency)
      return flag(tx, ctx, ev.paymentRef, 'currency_mismatch', {
        expected: checkout.currency,
        got: ev.currency,
        amount: ev.amount,
      });
    const row = await payments.recordProviderInTx(
      tx,
      ctx.orgId,
      checkout.document_id,
      {
        amount: ev.amount,
        currency: ev.currency,
        provider: ctx.provider,
        ref: ev.paymentRef,
        fee: details?.fee ?? null,
        feeCurrency: details?.feeCurrency ?? null,
        checkoutId: checkout.id,
      },
      WEBHOOK_ACTOR,
    );
    await updateCheckout(tx, ctx.orgId, checkout.id, { status: 'completed', updated_at: clock.now().toISOString() });
    if (ev.savedMethod && saved)
      await consents.saveFromCheckoutInTx(tx, checkout, row.client_id, ev.savedMethod, saved);
    await receipts.createInTx(tx, ctx.orgId, row);
    await receipts.mailInTx(tx, ctx.orgId, row.id);
    await notifications.notifyInTx(tx, ctx.orgId, 'payment_received', {
      title: `Payment received: ${amountText(ev.amount, ev.currency)} (${ctx.provider})`,
      body: `${amountText(ev.amount, ev.currency)} arrived through ${ctx.provider} (reference ${ev.paymentRef}); the receipt was sent to the client.`,
      link: `/app/invoices/${checkout.document_id}`,
    });
    for (const later of await listDeferred(tx, ctx.orgId, ctx.provider, ev.paymentRef)) {
      const outcome = await apply(
        tx,
        ctx,
        JSON.parse(later.normalized ?? '{"kind":"ignored"}') as ProviderEvent,
        null,
        null,
      );
      await updateEvent(tx, later.id, {
        outcome,
        normalized: outcome === 'deferred' ? later.normalized : null,
        processed_at: clock.now().toISOString(),
      });
    }
    return 'applied';
  }

  async function reversal(
    tx: Executor,
    ctx: EventContext,
    paymentRef: string,
    ref: string,
    amount: number,
    currency: string,
    reason: 'refund' | 'dispute',
  ): Promise<Outcome> {
    const pay = await findPaymentByProviderRef(tx, ctx.orgId, ctx.provider, 'payment', paymentRef);
    if (!pay) return 'deferred';
    if (await findPaymentByProviderRef(tx, ctx.orgId, ctx.provider, 'refund', ref)) return 'duplicate';
    if (currency !== pay.currency)
      return flag(tx, ctx, ref, 'currency_mismatch', { expected: pay.currency, got: currency, amount });
    try {
      await payments.reverseInTx(
        tx,
        ctx.orgId,
        pay,
        { amount, method: ctx.provider, provider: ctx.provider, ref, reason },
        WEBHOOK_ACTOR,
      );
    } catch (err) {
      // The provider moved more than the ledger holds for that payment: a human must look.
      if (err instanceof AppError && err.code === 'unprocessable')
        return flag(tx, ctx, ref, 'reversal_exceeds_payment', { paymentRef, amount, currency });
      throw err;
    }
    return 'applied';
  }

  async function dispute(
    tx: Executor,
    ctx: EventContext,
    ev: Extract<ProviderEvent, { kind: 'dispute_opened' | 'dispute_closed' }>,
  ): Promise<Outcome> {
    const pay = await findPaymentByProviderRef(tx, ctx.orgId, ctx.provider, 'payment', ev.paymentRef);
    if (!pay) return 'deferred';
    const now = clock.now().toISOString();
    let row = await findDispute(tx, ctx.orgId, ctx.provider, ev.disputeRef);
    if (!row) {
      row = {
        id: newId(),
        org_id: ctx.orgId,
        document_id: pay.document_id,
        payment_id: pay.id,
        provider: ctx.provider,
        provider_ref: ev.disputeRef,
        amount: ev.amount,
        currency: ev.currency,
        reason: ev.kind === 'dispute_opened' ? ev.reason : 'unknown',
        status: 'open',
        created_at: now,
        updated_at: now,
      };
      await insertDispute(tx, row);
      await audit.appendInTx(tx, {
        orgId: ctx.orgId,
        actor: WEBHOOK_ACTOR,
        action: 'payment.dispute_opened',
        objectType: 'invoice',
        objectId: pay.document_id,
        summary: { disputeId: row.id, paymentId: pay.id, amount: ev.amount, currency: ev.currency, reason: row.reason },
      });
    } else if (ev.kind === 'dispute_opened') {
      return 'duplicate';
    }
    if (ev.kind === 'dispute_closed') {
      if (
        ev.outcome === 'lost' &&
        !(await findPaymentByProviderRef(tx, ctx.orgId, ctx.provider, 'refund', ev.disputeRef))
      ) {
        await reversal(tx, ctx, ev.paymentRef, ev.disputeRef, ev.amount, ev.currency, 'dispute');
      }
      const status = row.status === 'accepted' ? 'accepted' : ev.outcome;
      await updateDispute(tx, ctx.orgId, row.id, { status, updated_at: now });
      await audit.appendInTx(tx, {
        orgId: ctx.orgId,
        actor: WEBHOOK_ACTOR,
        action: 'payment.dispute_closed',
        objectType: 'invoice',
        objectId: pay.document_id,
        summary: { disputeId: row.id, outcome: ev.outcome },
      });
    }
    return 'applied';
  }

  async function apply(
    tx: Executor,
    ctx: EventContext,
    ev: ProviderEvent,
    details: ProviderPayment | null,
    /** What the saved method is (the provider told the webhook before its transaction), when the payer saved it. */
    saved: SavedMethodInfo | null = null,
  ): Promise<Outcome> {
    switch (ev.kind) {
      case 'payment_succeeded':
        return paymentSucceeded(tx, ctx, ev, details, saved);
      case 'refunded':
        return reversal(tx, ctx, ev.paymentRef, ev.refundRef, ev.amount, ev.currency, 'refund');
      case 'refund_failed': {
        const booked = await findPaymentByProviderRef(tx, ctx.orgId, ctx.provider, 'refund', ev.refundRef);
        return booked
          ? flag(tx, ctx, ev.refundRef, 'refund_failed', {
              paymentRef: ev.paymentRef,
              amount: ev.amount,
              currency: ev.currency,
            })
          : 'ignored';
      }
      case 'dispute_opened':
      case 'dispute_closed':
        return dispute(tx, ctx, ev);
      case 'checkout_closed': {
        const c = ev.checkoutId
          ? await findCheckoutInOrg(tx, ctx.orgId, ev.checkoutId)
          : await findCheckoutByRef(tx, ctx.orgId, ctx.provider, ev.orderRef);
        if (!c || c.status !== 'open') return 'ignored';
        await updateCheckout(tx, ctx.orgId, c.id, { status: ev.status, updated_at: clock.now().toISOString() });
        if (ev.status === 'failed') await checkoutHooks.failedInTx?.(tx, ctx.orgId, c.id);
        if (ev.status === 'failed')
          await notifications.notifyInTx(tx, ctx.orgId, 'payment_failed', {
            title: `A payment of ${amountText(Number(c.amount), c.currency)} failed (${ctx.provider})`,
            body: `The client's ${ctx.provider} payment of ${amountText(Number(c.amount), c.currency)} failed; the invoice is still open.`,
            link: `/app/invoices/${c.document_id}`,
          });
        return 'applied';
      }
      case 'order_approved':
      case 'ignored':
        return 'ignored';
    }
  }

  return { apply, flag };
}

export type ProviderEventsService = ReturnType<typeof createProviderEventsService>;
