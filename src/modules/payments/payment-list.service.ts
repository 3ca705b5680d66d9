// The staff-wide payments list (issue #13 item 1): one keyset page of the organization's payments
// and refunds, sorted and filtered like the document lists (payment-list.repo.ts). A page costs the
// same at any size of the organization: its rows come from an index walk, the first page's count is
// capped, and only the page's client names are decrypted (the clients service, by id).
import type { Database } from '../../platform/db/kysely.ts';
import { COUNT_CAP, decodeCursor, pageResult } from '../../platform/http/pagination.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import {
  countPaymentListRows,
  listPaymentListRows,
  PAYMENT_CURSOR_VALUES,
  paymentSortValue,
  refundedAmounts,
  type PaymentListRow,
  type PaymentSortKey,
} from './payment-list.repo.ts';
import type { PaymentListItem, PaymentListQuery } from './payment.schemas.ts';

export interface PaymentListDeps {
  db: Database;
  clients: Pick<ClientService, 'namesByIdsInTx'>;
  documents: Pick<DocumentService, 'numbersOf'>;
}

function statusOf(row: PaymentListRow, refunded: number): PaymentListItem['status'] {
  if (row.kind === 'refund') return 'paid_out';
  if (refunded <= 0) return 'received';
  return refunded >= Number(row.amount) ? 'refunded' : 'partially_refunded';
}

export function createPaymentListService({ db, clients, documents }: PaymentListDeps) {
  return {
    async list(
      orgId: string,
      q: PaymentListQuery,
    ): Promise<{ items: PaymentListItem[]; nextCursor: string | null; count: number | null; countCapped: boolean }> {
      const desc = q.sort.startsWith('-');
      const sort = q.sort.replace(/^-/, '') as PaymentSortKey;
      const filter = {
        orgId,
        ...(q.clientId && { clientId: q.clientId }),
        ...(q.currency && { currency: q.currency }),
        ...(q.from && { from: q.from }),
        ...(q.to && { to: q.to }),
        ...(q.method && { method: q.method }),
        ...(q.kind && { kind: q.kind }),
        ...(q.status && { status: q.status }),
      };
      const cursor = decodeCursor(q.cursor, PAYMENT_CURSOR_VALUES[sort]);
      const rows = await listPaymentListRows(db, { ...filter, sort, desc, cursor, limit: q.limit + 1 });
      // Counted on the first page only, at most COUNT_CAP + 1 index entries. Not by method, kind or
      // status alone: no index holds them, and a rare one would read every payment of the
      // organization (with a client, its index bounds the count to that client's payments).
      const indexed = !(q.method || q.kind || q.status) || Boolean(q.clientId);
      const count = cursor || !indexed ? null : await countPaymentListRows(db, filter, COUNT_CAP);
      const page = pageResult(rows, q.limit, (r) => ({ v: paymentSortValue(r, sort), id: r.id }));
      const [names, numbers, refunded] = await Promise.all([
        clients.namesByIdsInTx(
          db,
          orgId,
          page.items.map((r) => r.client_id),
        ),
        documents.numbersOf(orgId, 'invoice', [...new Set(page.items.map((r) => r.document_id))]),
        refundedAmounts(
          db,
          orgId,
          page.items.filter((r) => r.kind === 'payment').map((r) => r.id),
        ),
      ]);
      const numberOf = new Map(numbers.map((n) => [n.id, n.number]));
      return {
        items: page.items.map((r) => {
          const back = r.kind === 'payment' ? (refunded.get(r.id) ?? 0) : 0;
          return {
            id: r.id,
            kind: r.kind,
            date: r.received_on,
            amount: Number(r.amount),
            currency: r.currency,
            method: r.method,
            provider: r.provider,
            status: statusOf(r, back),
            refundedAmount: back,
            invoiceId: r.document_id,
            invoiceNumber: numberOf.get(r.document_id) ?? null,
            clientId: r.client_id,
            clientName: names.get(r.client_id) ?? '',
          };
        }),
        nextCursor: page.nextCursor,
        count: count === null ? null : Math.min(count, COUNT_CAP),
        countCapped: count !== null && count > COUNT_CAP,
      };
    },
  };
}

export type PaymentListService = ReturnType<typeof createPaymentListService>;
