// Provider webhooks. Order of checks, each refusing before any state changes:
//  1. the endpoint names a connected provider account (the URL carries its random id);
//  2. the signature verifies (Stripe: HMAC over the raw body with the endpoint secret; PayPal:
//     its verify-webhook-signature API) and the delivery is at most 5 minutes old (or ahead);
//  3. the event id is new for this account. The same delivery presented again (same signature
//     header) is a replay and is refused; a redelivery by the provider (new signature) is a
//     duplicate and answered 200 with no change.
// Then the event is applied in ONE transaction with its event-store row: ledger, invoice status,
// fee, checkout, receipt, dispute, flags and audit entries commit together or not at all.
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { findCheckoutByRef, findCheckoutInOrg } from './checkouts.repo.ts';
import type { PaymentSettingsService } from './payment-settings.service.ts';
import type { EventContext, Outcome, ProviderEventsService } from './provider-events.service.ts';
import {
  ProviderError,
  type ProviderEvent,
  type ProviderName,
  type ProviderPayment,
  type SavedMethodInfo,
} from './providers/provider.ts';
import { findEvent, insertEvent, updateEvent } from './webhook.repo.ts';

export interface WebhookResult {
  outcome: Outcome | 'duplicate';
  orgId: string;
}

export interface WebhookDeps {
  db: Database;
  clock: Clock;
  settings: Pick<PaymentSettingsService, 'providerForAccountInTx'>;
  events: Pick<ProviderEventsService, 'apply'>;
}

/** SQLite and PostgreSQL unique-violation errors (two deliveries racing on the same event id). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const paymentRefOf = (ev: ProviderEvent): string | null => ('paymentRef' in ev ? ev.paymentRef : null);
const objectRefOf = (ev: ProviderEvent): string | null =>
  'refundRef' in ev ? ev.refundRef : 'disputeRef' in ev ? ev.disputeRef : 'orderRef' in ev ? ev.orderRef : null;

export function createWebhookService({ db, clock, settings, events }: WebhookDeps) {
  return {
    async handle(
      providerName: ProviderName,
      accountId: string,
      raw: Buffer,
      headers: Readonly<Record<string, string | undefined>>,
    ): Promise<WebhookResult> {
      const acct = await settings.providerForAccountInTx(db, providerName, accountId);
      if (!acct) throw new AppError('not_found', 'Unknown webhook endpoint');
      const { account, provider } = acct;
      const now = clock.now();

      // A provider outage answers 502: the provider retries the delivery later.
      const upstream = (err: unknown): never => {
        if (err instanceof ProviderError)
          throw new AppError('upstream_failed', 'The payment provider could not be reached; retry later', {
            cause: err,
          });
        throw err;
      };
      const v = await provider.verifyWebhook(raw, headers, now).catch(upstream);
      if (!v.ok)
        throw new AppError(
          'validation_failed',
          v.reason === 'stale'
            ? 'Webhook refused: timestamp outside the 5-minute tolerance'
            : v.reason === 'malformed'
              ? 'Webhook refused: malformed event'
              : 'Webhook refused: signature verification failed',
        );
      const { verified, deliveryId } = v;

      const seen = await findEvent(db, account.id, verified.eventId);
      if (seen) {
        if (seen.delivery_sha256 === deliveryId)
          throw new AppError('conflict', 'Webhook refused: this delivery was already received (replay)');
        return { outcome: 'duplicate', orgId: account.org_id };
      }

      // Network calls happen before the transaction: the capture of an approved PayPal order, and
      // the fee of a successful payment (best effort; the reconciliation job fills a missing fee).
      let event = verified.event;
      let details: ProviderPayment | null = null;
      if (event.kind === 'order_approved') {
        const known = await findCheckoutByRef(db, account.org_id, providerName, event.orderRef);
        const captured = known ? await provider.captureOrder(event.orderRef, known.id).catch(upstream) : null;
        if (captured && captured.status === 'succeeded') {
          details = captured;
          event = {
            kind: 'payment_succeeded',
            checkoutId: known!.id,
            paymentRef: captured.paymentRef,
            orderRef: event.orderRef,
            amount: captured.amount,
            currency: captured.currency,
          };
        }
      } else if (event.kind === 'payment_succeeded') {
        details = await provider.fetchPayment(event.paymentRef).catch((err: unknown) => {
          if (err instanceof ProviderError) return null;
          throw err;
        });
      }
      // The payer asked to save the method at this checkout: what it is (brand and last four),
      // checked to be the customer's. Not best effort: without it no consent can be written, so a
      // provider outage answers 502 and the provider delivers again.
      let saved: SavedMethodInfo | null = null;
      if (event.kind === 'payment_succeeded' && event.savedMethod && event.checkoutId) {
        const c = await findCheckoutInOrg(db, account.org_id, event.checkoutId);
        if (c && c.save_method === 1 && c.account_id === account.id)
          saved = await provider
            .describeSavedMethod(event.savedMethod.customerRef, event.savedMethod.paymentMethodRef)
            .catch(upstream);
      }

      const ctx: EventContext = { orgId: account.org_id, provider: providerName };
      const applied = event;
      try {
        const outcome = await inTx(db, async (tx) => {
          const id = newId(now.getTime());
          await insertEvent(tx, {
            id,
            account_id: account.id,
            org_id: account.org_id,
            provider: providerName,
            event_id: verified.eventId,
            type: verified.type,
            delivery_sha256: deliveryId,
            outcome: 'processing',
            payment_ref: paymentRefOf(applied),
            object_ref: objectRefOf(applied),
            amount: 'amount' in applied ? applied.amount : null,
            currency: 'currency' in applied ? applied.currency : null,
            normalized: null,
            received_at: now.toISOString(),
            processed_at: null,
          });
          const result = await events.apply(tx, ctx, applied, details, saved);
          // Only deferred events keep their (whitelisted) fields, to be replayed later.
          await updateEvent(tx, id, {
            outcome: result,
            normalized: result === 'deferred' ? JSON.stringify(applied) : null,
            processed_at: clock.now().toISOString(),
          });
          return result;
        });
        return { outcome, orgId: account.org_id };
      } catch (err) {
        if (isUniqueViolation(err)) return { outcome: 'duplicate', orgId: account.org_id };
        throw err;
      }
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
