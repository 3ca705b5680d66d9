// The payments ledger. A payment is applied to its invoice up to the amount due; any excess
// becomes client credit (a ledger entry, never lost). Refunds reverse applied amounts. Each
// change, the invoice's new balance and status, and the audit entry commit in one transaction.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { conflict, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import { amountDue } from '../invoices/document.mapper.ts';
import type { DocumentService } from '../invoices/document.service.ts';
import type { LifecycleService } from '../invoices/document-lifecycle.service.ts';
import { creditBalances, insertCredit, insertPayment, listPaymentsFor, type PaymentRow } from './payment.repo.ts';
import { paymentInput, refundInput, type Payment, type PaymentInput } from './payment.schemas.ts';
import type { z } from 'zod';

const refAad = (id: string) => ({ table: 'payments', row: id, column: 'reference_enc' });
const PAYABLE = new Set(['issued', 'sent', 'partially_paid']);

export interface PaymentServiceDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  documents: Pick<DocumentService, 'get' | 'today'>;
  lifecycle: Pick<LifecycleService, 'applyPaymentInTx'>;
}

export function createPaymentService({ db, keyring, audit, clock, documents, lifecycle }: PaymentServiceDeps) {
  async function toPayment(ex: Executor, orgId: string, r: PaymentRow): Promise<Payment> {
    const crypto = await keyring.forOrg(ex, orgId);
    return {
      id: r.id,
      invoiceId: r.document_id,
      clientId: r.client_id,
      kind: r.kind,
      amount: Number(r.amount),
      appliedAmount: Number(r.applied_amount),
      currency: r.currency,
      method: r.method,
      reference: r.reference_enc ? crypto.decryptText(r.reference_enc, refAad(r.id)) : null,
      receivedOn: r.received_on,
      provider: r.provider,
      providerRef: r.provider_ref,
      createdAt: r.created_at,
    };
  }

  async function invoiceRow(tx: Executor, orgId: string, invoiceId: string) {
    const row = await tx.selectFrom('documents').selectAll().where('org_id', '=', orgId).where('id', '=', invoiceId).where('kind', '=', 'invoice').executeTakeFirst();
    if (!row) throw notFound('Invoice');
    return row;
  }

  async function writePayment(tx: Executor, orgId: string, base: Omit<PaymentRow, 'id' | 'created_at' | 'reference_enc'>, reference: string | null): Promise<PaymentRow> {
    const id = newId();
    const crypto = await keyring.forOrg(tx, orgId);
    const row: PaymentRow = { ...base, id, reference_enc: reference ? crypto.encryptText(reference, refAad(id)) : null, created_at: clock.now().toISOString() };
    await insertPayment(tx, row);
    return row;
  }

  return {
    /** Records a payment inside the caller's transaction (used by provider webhooks too). */
    async recordInTx(
      tx: Executor,
      orgId: string,
      invoiceId: string,
      raw: PaymentInput,
      actor: AuditActor,
      provider: { name: string; ref: string } | null = null,
    ): Promise<Payment> {
      const input = paymentInput.parse(raw);
      const inv = await invoiceRow(tx, orgId, invoiceId);
      if (!PAYABLE.has(inv.status)) throw conflict(`A ${inv.status} invoice cannot take payments`);
      if (input.currency && input.currency !== inv.currency) throw unprocessable(`Payments must be in the invoice currency ${inv.currency}`, [{ path: '/body/currency', message: `must be ${inv.currency}` }]);
      const applied = Math.min(input.amount, amountDue(inv));
      const row = await writePayment(
        tx,
        orgId,
        {
          org_id: orgId,
          document_id: invoiceId,
          client_id: inv.client_id,
          kind: 'payment',
          amount: input.amount,
          applied_amount: applied,
          currency: inv.currency,
          method: input.method,
          received_on: input.receivedOn ?? (await documents.today(orgId, tx)),
          provider: provider?.name ?? null,
          provider_ref: provider?.ref ?? null,
          created_by: actor.id,
        },
        input.reference,
      );
      if (input.amount > applied) {
        await insertCredit(tx, { id: newId(), org_id: orgId, client_id: inv.client_id, amount: input.amount - applied, currency: inv.currency, source: 'overpayment', source_id: row.id, created_at: row.created_at });
      }
      await lifecycle.applyPaymentInTx(tx, orgId, invoiceId, applied);
      await audit.append(tx, { orgId, actor, action: 'payment.recorded', objectType: 'invoice', objectId: invoiceId, summary: { paymentId: row.id, amount: input.amount, applied, currency: inv.currency, method: input.method } });
      return toPayment(tx, orgId, row);
    },

    record(orgId: string, invoiceId: string, raw: PaymentInput, actor: AuditActor): Promise<Payment> {
      return inTx(db, (tx) => this.recordInTx(tx, orgId, invoiceId, raw, actor));
    },

    async refund(orgId: string, invoiceId: string, raw: z.input<typeof refundInput>, actor: AuditActor): Promise<Payment> {
      const input = refundInput.parse(raw);
      return inTx(db, async (tx) => {
        const inv = await invoiceRow(tx, orgId, invoiceId);
        if (input.amount > Number(inv.amount_paid)) throw unprocessable(`At most ${Number(inv.amount_paid)} can be refunded`, [{ path: '/body/amount', message: 'exceeds the amount paid' }]);
        const row = await writePayment(
          tx,
          orgId,
          {
            org_id: orgId,
            document_id: invoiceId,
            client_id: inv.client_id,
            kind: 'refund',
            amount: input.amount,
            applied_amount: -input.amount,
            currency: inv.currency,
            method: input.method,
            received_on: input.receivedOn ?? (await documents.today(orgId, tx)),
            provider: null,
            provider_ref: null,
            created_by: actor.id,
          },
          input.reference,
        );
        await lifecycle.applyPaymentInTx(tx, orgId, invoiceId, -input.amount);
        await audit.append(tx, { orgId, actor, action: 'payment.refunded', objectType: 'invoice', objectId: invoiceId, summary: { paymentId: row.id, amount: input.amount, currency: inv.currency } });
        return toPayment(tx, orgId, row);
      });
    },

    async list(orgId: string, invoiceId: string): Promise<Payment[]> {
      await documents.get(orgId, 'invoice', invoiceId);
      const rows = await listPaymentsFor(db, orgId, invoiceId);
      return Promise.all(rows.map((r) => toPayment(db, orgId, r)));
    },

    async creditBalance(orgId: string, clientId: string) {
      return { clientId, balances: await creditBalances(db, orgId, clientId) };
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
