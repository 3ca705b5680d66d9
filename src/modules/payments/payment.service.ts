// The payments ledger. A payment is applied to its invoice up to the amount due; any excess
// becomes client credit (a ledger entry, never lost). Refunds reverse applied amounts. Each
// change, the invoice's new balance and status, the audit entry and (for a payment received) its
// signed receipt commit in one transaction.
import type { Clock } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { conflict, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { InvoiceBalance, LifecycleService } from '../documents/document-lifecycle.service.ts';
import {
  creditBalances,
  insertCredit,
  insertPayment,
  listOrgPaymentRows,
  listPaymentsFor,
  reversalsOf,
  type PaymentRow,
} from './payment.repo.ts';
import { paymentInput, refundInput, type Payment, type PaymentInput } from './payment.schemas.ts';
import type { ReceiptService } from './receipt.service.ts';
import type { z } from 'zod';
import { OPEN_INVOICE_STATUS_SET } from '../documents/documents.tables.ts';

const refAad = (id: string) => ({ table: 'payments', row: id, column: 'reference_enc' });
type ProviderColumns = 'fee' | 'fee_currency' | 'checkout_id' | 'related_payment_id' | 'receipt_file_id';
type NewPaymentRow = Omit<PaymentRow, 'id' | 'created_at' | 'reference_enc' | ProviderColumns> &
  Partial<Pick<PaymentRow, ProviderColumns>>;

/** Money received for an invoice, before it becomes a ledger row. */
interface Receipt extends Partial<NewPaymentRow> {
  amount: number;
  /** the part applied to the invoice; the rest becomes client credit */
  applied: number;
  method: string;
  received_on: string;
  reference: string | null;
}
const PROVIDER_DEFAULTS: Pick<PaymentRow, ProviderColumns> = {
  fee: null,
  fee_currency: null,
  checkout_id: null,
  related_payment_id: null,
  receipt_file_id: null,
};

export interface ProviderReceipt {
  amount: number;
  currency: string;
  provider: string;
  ref: string;
  fee: number | null;
  feeCurrency: string | null;
  checkoutId: string | null;
}

export interface Reversal {
  amount: number;
  method: string;
  provider: string | null;
  ref: string | null;
  reason: 'refund' | 'dispute';
}

export interface PaymentServiceDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  documents: Pick<DocumentService, 'get' | 'today' | 'todayInTx'>;
  lifecycle: Pick<LifecycleService, 'applyPaymentInTx' | 'lockInvoiceInTx'>;
  /** Renders the signed receipt of a manual payment in its booking transaction (provider payments get theirs from the webhook). */
  receipts?: Pick<ReceiptService, 'createInTx'>;
}

export function createPaymentService({
  db,
  keyring,
  audit,
  clock,
  documents,
  lifecycle,
  receipts,
}: PaymentServiceDeps) {
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
      fee: r.fee === null ? null : Number(r.fee),
      feeCurrency: r.fee_currency,
      relatedPaymentId: r.related_payment_id,
      hasReceipt: r.receipt_file_id !== null,
      createdAt: r.created_at,
    };
  }

  /** The invoice, locked until the transaction ends: concurrent payments must not compute from the same stale balance. */
  function invoiceRow(tx: Executor, orgId: string, invoiceId: string) {
    return lifecycle.lockInvoiceInTx(tx, orgId, invoiceId);
  }

  async function writePayment(
    tx: Executor,
    orgId: string,
    base: NewPaymentRow,
    reference: string | null,
  ): Promise<PaymentRow> {
    const id = newId();
    const crypto = await keyring.forOrg(tx, orgId);
    const row: PaymentRow = {
      ...PROVIDER_DEFAULTS,
      ...base,
      id,
      reference_enc: reference ? crypto.encryptText(reference, refAad(id)) : null,
      created_at: clock.now().toISOString(),
    };
    await insertPayment(tx, row);
    return row;
  }

  /** Money received for an invoice: the ledger row, any over-payment as client credit, the invoice's new balance, the audit entry. */
  async function receiveInTx(
    tx: Executor,
    orgId: string,
    inv: InvoiceBalance,
    r: Receipt,
    actor: AuditActor,
    auditExtra: Record<string, unknown>,
  ): Promise<PaymentRow> {
    const { applied, reference, ...fields } = r;
    const row = await writePayment(
      tx,
      orgId,
      {
        provider: null,
        provider_ref: null,
        ...fields,
        org_id: orgId,
        document_id: inv.id,
        client_id: inv.clientId,
        kind: 'payment',
        applied_amount: applied,
        currency: inv.currency,
        created_by: actor.id,
      },
      reference,
    );
    if (r.amount > applied) {
      await insertCredit(tx, {
        id: newId(),
        org_id: orgId,
        client_id: inv.clientId,
        amount: r.amount - applied,
        currency: inv.currency,
        source: 'overpayment',
        source_id: row.id,
        created_at: row.created_at,
      });
    }
    if (applied > 0) await lifecycle.applyPaymentInTx(tx, orgId, inv.id, applied);
    await audit.appendInTx(tx, {
      orgId,
      actor,
      action: 'payment.recorded',
      objectType: 'invoice',
      objectId: inv.id,
      summary: {
        paymentId: row.id,
        amount: r.amount,
        applied,
        currency: inv.currency,
        method: r.method,
        ...auditExtra,
      },
    });
    return row;
  }

  return {
    /** Records a manual payment inside the caller's transaction (the route's Idempotency-Key record shares it). */
    async recordInTx(
      tx: Executor,
      orgId: string,
      invoiceId: string,
      raw: PaymentInput,
      actor: AuditActor,
    ): Promise<Payment> {
      const input = paymentInput.parse(raw);
      const inv = await invoiceRow(tx, orgId, invoiceId);
      if (!OPEN_INVOICE_STATUS_SET.has(inv.status)) throw conflict(`A ${inv.status} invoice cannot take payments`);
      if (input.currency && input.currency !== inv.currency)
        throw unprocessable(`Payments must be in the invoice currency ${inv.currency}`, [
          { path: '/body/currency', message: `must be ${inv.currency}` },
        ]);
      const row = await receiveInTx(
        tx,
        orgId,
        inv,
        {
          amount: input.amount,
          applied: Math.min(input.amount, inv.amountDue),
          method: input.method,
          received_on: input.receivedOn ?? (await documents.todayInTx(tx, orgId)),
          reference: input.reference,
        },
        actor,
        {},
      );
      if (receipts) row.receipt_file_id = await receipts.createInTx(tx, orgId, row, input.reference);
      return toPayment(tx, orgId, row);
    },

    record(orgId: string, invoiceId: string, raw: PaymentInput, actor: AuditActor): Promise<Payment> {
      return inTx(db, (tx) => this.recordInTx(tx, orgId, invoiceId, raw, actor));
    },

    async refund(
      orgId: string,
      invoiceId: string,
      raw: z.input<typeof refundInput>,
      actor: AuditActor,
    ): Promise<Payment> {
      const input = refundInput.parse(raw);
      return inTx(db, async (tx) => {
        const inv = await invoiceRow(tx, orgId, invoiceId);
        if (input.amount > inv.amountPaid)
          throw unprocessable(`At most ${inv.amountPaid} can be refunded`, [
            { path: '/body/amount', message: 'exceeds the amount paid' },
          ]);
        const row = await writePayment(
          tx,
          orgId,
          {
            org_id: orgId,
            document_id: invoiceId,
            client_id: inv.clientId,
            kind: 'refund',
            amount: input.amount,
            applied_amount: -input.amount,
            currency: inv.currency,
            method: input.method,
            received_on: input.receivedOn ?? (await documents.todayInTx(tx, orgId)),
            provider: null,
            provider_ref: null,
            created_by: actor.id,
          },
          input.reference,
        );
        await lifecycle.applyPaymentInTx(tx, orgId, invoiceId, -input.amount);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'payment.refunded',
          objectType: 'invoice',
          objectId: invoiceId,
          summary: { paymentId: row.id, amount: input.amount, currency: inv.currency },
        });
        return toPayment(tx, orgId, row);
      });
    },

    /**
     * Money received through a provider is always recorded, even when the invoice was meanwhile
     * paid or voided: whatever cannot be applied to the invoice becomes client credit.
     */
    async recordProviderInTx(
      tx: Executor,
      orgId: string,
      invoiceId: string,
      p: ProviderReceipt,
      actor: AuditActor,
    ): Promise<PaymentRow> {
      const inv = await invoiceRow(tx, orgId, invoiceId);
      if (p.currency !== inv.currency) throw unprocessable(`Payments must be in the invoice currency ${inv.currency}`);
      return receiveInTx(
        tx,
        orgId,
        inv,
        {
          amount: p.amount,
          applied: OPEN_INVOICE_STATUS_SET.has(inv.status) ? Math.max(0, Math.min(p.amount, inv.amountDue)) : 0,
          method: p.provider,
          received_on: await documents.todayInTx(tx, orgId),
          reference: null,
          provider: p.provider,
          provider_ref: p.ref,
          fee: p.fee,
          fee_currency: p.feeCurrency,
          checkout_id: p.checkoutId,
        },
        actor,
        { providerRef: p.ref, fee: p.fee },
      );
    },

    /**
     * Reverses part of one payment (a refund, or a lost or accepted dispute). The part still applied
     * to the invoice comes off it first (reopening its balance); the rest comes out of client credit.
     */
    async reverseInTx(
      tx: Executor,
      orgId: string,
      payment: PaymentRow,
      r: Reversal,
      actor: AuditActor,
    ): Promise<PaymentRow> {
      const inv = await invoiceRow(tx, orgId, payment.document_id);
      const prior = await reversalsOf(tx, orgId, payment.id);
      if (r.amount > Number(payment.amount) - prior.amount)
        throw unprocessable(`At most ${Number(payment.amount) - prior.amount} of this payment can be refunded`, [
          { path: '/body/amount', message: 'exceeds what is left of the payment' },
        ]);
      const fromInvoice = Math.max(
        0,
        Math.min(r.amount, Number(payment.applied_amount) - prior.applied, inv.amountPaid),
      );
      const row = await writePayment(
        tx,
        orgId,
        {
          org_id: orgId,
          document_id: payment.document_id,
          client_id: payment.client_id,
          kind: 'refund',
          amount: r.amount,
          applied_amount: -fromInvoice,
          currency: payment.currency,
          method: r.method,
          received_on: await documents.todayInTx(tx, orgId),
          provider: r.provider,
          provider_ref: r.ref,
          created_by: actor.id,
          related_payment_id: payment.id,
        },
        null,
      );
      if (r.amount > fromInvoice) {
        await insertCredit(tx, {
          id: newId(),
          org_id: orgId,
          client_id: payment.client_id,
          amount: -(r.amount - fromInvoice),
          currency: payment.currency,
          source: r.reason,
          source_id: row.id,
          created_at: row.created_at,
        });
      }
      if (fromInvoice > 0) await lifecycle.applyPaymentInTx(tx, orgId, payment.document_id, -fromInvoice);
      await audit.appendInTx(tx, {
        orgId,
        actor,
        action: r.reason === 'dispute' ? 'payment.dispute_reversed' : 'payment.refunded',
        objectType: 'invoice',
        objectId: payment.document_id,
        summary: {
          paymentId: row.id,
          of: payment.id,
          amount: r.amount,
          fromInvoice,
          currency: payment.currency,
          providerRef: r.ref,
        },
      });
      return row;
    },

    toDtoInTx: (ex: Executor, orgId: string, row: PaymentRow) => toPayment(ex, orgId, row),

    async list(orgId: string, invoiceId: string): Promise<Payment[]> {
      await documents.get(orgId, 'invoice', invoiceId);
      const rows = await listPaymentsFor(db, orgId, invoiceId);
      return Promise.all(rows.map((r) => toPayment(db, orgId, r)));
    },

    /** Every payment and refund of the org (the data export). */
    async exportAllInTx(ex: Executor, orgId: string): Promise<Payment[]> {
      const out: Payment[] = [];
      for (let after: string | null = null; ;) {
        const rows = await listOrgPaymentRows(ex, orgId, after, 500);
        for (const r of rows) out.push(await toPayment(ex, orgId, r));
        if (rows.length < 500) return out;
        after = rows[rows.length - 1]!.id;
      }
    },

    async creditBalance(orgId: string, clientId: string) {
      return { clientId, balances: await creditBalances(db, orgId, clientId) };
    },
  };
}

export type PaymentService = ReturnType<typeof createPaymentService>;
