// Staff actions that move money back: refunds (through the provider for provider payments, in
// the ledger alone for manual ones) and accepting disputes. Routes require step-up first. For a
// provider refund the provider is called before our transaction, with an idempotency key, and
// the ledger entry is keyed by the provider's refund id, so the refund webhook that follows (or
// races us) finds it booked and changes nothing.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, conflict, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { PaymentSettingsService } from './payment-settings.service.ts';
import { findPaymentByProviderRef, findPaymentRow, reversalsOf } from './payment.repo.ts';
import type { PaymentService } from './payment.service.ts';
import type { Payment } from './payment.schemas.ts';
import { ProviderError, type ProviderName } from './providers/provider.ts';
import { isUniqueViolation } from './webhook.service.ts';
import { findDisputeById, listDisputes, updateDispute, type DisputeRow } from './webhook.repo.ts';

export const providerRefundInput = z.strictObject({
  amount: z.number().int().min(1).max(1e13).describe('minor units; at most what is left of the payment'),
});

export const disputeSchema = z.object({
  id: z.string(),
  invoiceId: z.string(),
  paymentId: z.string(),
  provider: z.string(),
  providerRef: z.string(),
  amount: z.number(),
  currency: z.string(),
  reason: z.string(),
  status: z.enum(['open', 'won', 'lost', 'accepted']),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const toDispute = (d: DisputeRow): z.infer<typeof disputeSchema> => ({
  id: d.id,
  invoiceId: d.document_id,
  paymentId: d.payment_id,
  provider: d.provider,
  providerRef: d.provider_ref,
  amount: Number(d.amount),
  currency: d.currency,
  reason: d.reason,
  status: d.status,
  createdAt: d.created_at,
  updatedAt: d.updated_at,
});

export interface PaymentActionsDeps {
  db: Database;
  audit: AuditService;
  clock: Clock;
  settings: Pick<PaymentSettingsService, 'providerForInTx'>;
  payments: Pick<PaymentService, 'reverseInTx' | 'toDtoInTx'>;
}

export function createPaymentActionsService({ db, audit, clock, settings, payments }: PaymentActionsDeps) {
  async function providerOf(orgId: string, name: string) {
    const p = await settings.providerForInTx(db, orgId, name as ProviderName, false);
    if (!p)
      throw unprocessable(
        `The ${name} account is disconnected: refund in the ${name} dashboard; the webhook will record it`,
      );
    return p.provider;
  }

  return {
    async refund(
      orgId: string,
      paymentId: string,
      raw: z.input<typeof providerRefundInput>,
      actor: AuditActor,
    ): Promise<Payment> {
      const { amount } = providerRefundInput.parse(raw);
      const pay = await findPaymentRow(db, orgId, paymentId);
      if (!pay || pay.kind !== 'payment') throw notFound('Payment');
      const left = Number(pay.amount) - (await reversalsOf(db, orgId, pay.id)).amount;
      if (amount > left)
        throw unprocessable(`At most ${left} of this payment can be refunded`, [
          { path: '/body/amount', message: 'exceeds what is left of the payment' },
        ]);

      let ref: string | null = null;
      if (pay.provider && pay.provider_ref) {
        const provider = await providerOf(orgId, pay.provider);
        try {
          ref = (await provider.refund(pay.provider_ref, amount, pay.currency, `sealbill-refund-${newId()}`)).refundRef;
        } catch (err) {
          if (err instanceof ProviderError)
            throw new AppError('upstream_failed', `${pay.provider} did not accept the refund; nothing was recorded`, {
              cause: err,
            });
          throw err;
        }
      }
      const book = () =>
        inTx(db, async (tx) => {
          const booked = ref ? await findPaymentByProviderRef(tx, orgId, pay.provider!, 'refund', ref) : undefined;
          const row =
            booked ??
            (await payments.reverseInTx(
              tx,
              orgId,
              pay,
              { amount, method: pay.method, provider: pay.provider, ref, reason: 'refund' },
              actor,
            ));
          await audit.appendInTx(tx, {
            orgId,
            actor,
            action: 'payment.refund_requested',
            objectType: 'invoice',
            objectId: pay.document_id,
            summary: {
              paymentId: pay.id,
              refundId: row.id,
              amount,
              provider: pay.provider,
              providerRef: ref,
              stepUp: true,
            },
          });
          return payments.toDtoInTx(tx, orgId, row);
        });
      try {
        return await book();
      } catch (err) {
        // The provider's refund webhook booked it between our call and our transaction.
        if (ref && isUniqueViolation(err)) return book();
        throw err;
      }
    },

    async listDisputes(orgId: string) {
      return { items: (await listDisputes(db, orgId)).map(toDispute) };
    },

    /** Accepts (concedes) a dispute at the provider, and books the reversal now. */
    async acceptDispute(orgId: string, disputeId: string, actor: AuditActor) {
      const d = await findDisputeById(db, orgId, disputeId);
      if (!d) throw notFound('Dispute');
      if (d.status !== 'open') throw conflict(`This dispute is already ${d.status}`);
      const provider = await providerOf(orgId, d.provider);
      try {
        await provider.acceptDispute(d.provider_ref);
      } catch (err) {
        if (err instanceof ProviderError)
          throw new AppError('upstream_failed', `${d.provider} did not accept the request`, { cause: err });
        throw err;
      }
      return inTx(db, async (tx) => {
        const pay = await findPaymentRow(tx, orgId, d.payment_id);
        if (!pay) throw notFound('Payment');
        if (!(await findPaymentByProviderRef(tx, orgId, d.provider, 'refund', d.provider_ref))) {
          const left = Number(pay.amount) - (await reversalsOf(tx, orgId, pay.id)).amount;
          const amount = Math.min(Number(d.amount), left);
          if (amount > 0)
            await payments.reverseInTx(
              tx,
              orgId,
              pay,
              { amount, method: pay.method, provider: d.provider, ref: d.provider_ref, reason: 'dispute' },
              actor,
            );
        }
        const now = clock.now().toISOString();
        await updateDispute(tx, orgId, d.id, { status: 'accepted', updated_at: now });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payment.dispute_accepted',
          objectType: 'invoice',
          objectId: d.document_id,
          summary: { disputeId: d.id, amount: Number(d.amount), currency: d.currency, stepUp: true },
        });
        return toDispute({ ...d, status: 'accepted', updated_at: now });
      });
    },
  };
}

export type PaymentActionsService = ReturnType<typeof createPaymentActionsService>;
