// Row ⇄ DTO for documents: decrypts the body, recomputes the line breakdown with the shared money
// rules (the stored totals are the source of truth for queries; both come from computeTotals).
import type { OrgCrypto } from '../../platform/crypto/keyring.ts';
import { computeTotals, type Totals } from '../../shared/money/money.ts';
import type { DocumentRow, DocumentSummaryRow } from './document.repo.ts';
import {
  documentBody,
  NO_DOCUMENT_EINVOICE,
  type DocumentBody,
  type DocumentDto,
  type DocumentSummary,
  type StoredLine,
} from './document.schemas.ts';
import { OPEN_INVOICE_STATUS_SET } from './documents.tables.ts';

export const bodyAad = (id: string) => ({ table: 'documents', row: id, column: 'body_enc' });

export function readBody(crypto: OrgCrypto, row: Pick<DocumentRow, 'id' | 'body_enc'>): DocumentBody {
  return documentBody.parse(crypto.decryptJson(row.body_enc, bodyAad(row.id)));
}

/** A stored document's lines as draft input again (edit, convert, void): what a draft line takes, nothing derived. */
export function draftLinesOf(lines: StoredLine[]) {
  return lines.map(({ itemId, description, quantity, unit, unitPrice, discount, taxRateId }) => ({
    itemId,
    description,
    quantity,
    unit,
    unitPrice,
    discount,
    taxRateId,
  }));
}

export function totalsOf(lines: StoredLine[], discount: DocumentBody['discount']): Totals {
  return computeTotals(
    lines.map((l) => ({
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      discount: l.discount,
      taxRateBp: l.taxRateBp,
      taxInclusive: l.taxInclusive,
    })),
    discount,
  );
}

export function amountDue(row: Pick<DocumentRow, 'total' | 'amount_paid' | 'amount_credited'>): number {
  return Number(row.total) - Number(row.amount_paid) - Number(row.amount_credited);
}

export function isOverdue(row: Pick<DocumentRow, 'kind' | 'status' | 'due_date'>, today: string): boolean {
  return (
    row.kind === 'invoice' && OPEN_INVOICE_STATUS_SET.has(row.status) && row.due_date !== null && row.due_date < today
  );
}

export function toSummary(row: DocumentSummaryRow, clientName: string, today: string): DocumentSummary {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status as DocumentSummary['status'],
    number: row.number,
    clientId: row.client_id,
    clientName,
    currency: row.currency,
    issueDate: row.issue_date,
    dueDate: row.due_date,
    overdue: isOverdue(row, today),
    total: Number(row.total),
    amountPaid: Number(row.amount_paid),
    amountCredited: Number(row.amount_credited),
    amountDue: amountDue(row),
    createdAt: row.created_at,
    importedAt: row.imported_at,
  };
}

export function toDto(row: DocumentRow, body: DocumentBody, clientName: string, today: string): DocumentDto {
  const totals = totalsOf(body.lines, body.discount);
  return {
    ...toSummary(row, clientName, today),
    exchangeRate: row.exchange_rate,
    exchangeRateSource: row.exchange_rate_source as DocumentDto['exchangeRateSource'],
    exchangeRateDate: row.exchange_rate_date,
    lines: body.lines.map((l, i) => ({
      ...l,
      amount: totals.lines[i]!.amount,
      lineDiscount: totals.lines[i]!.discount,
    })),
    discount: body.discount,
    taxes: totals.taxes,
    subtotal: Number(row.subtotal),
    discountTotal: Number(row.discount_total),
    taxTotal: Number(row.tax_total),
    notes: body.notes,
    terms: body.terms,
    relatedDocumentId: row.related_document_id,
    recurringScheduleId: row.recurring_schedule_id,
    einvoice: body.einvoice ?? NO_DOCUMENT_EINVOICE,
    hasPdf: row.pdf_file_id !== null,
    payoutPrinted: Boolean(body.snapshot?.payout),
    issuedAt: row.issued_at,
    sentAt: row.sent_at,
    voidedAt: row.voided_at,
    updatedAt: row.updated_at,
  };
}
