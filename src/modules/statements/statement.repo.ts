// The ledger rows behind a client's statement of account (issue #15, item 7): the stored totals of
// the client's issued invoices and credit notes and its payments and refunds, in one currency.
// Like the reports, this reads the ledger columns only (never an encrypted body), and reaches the
// payments through the client's documents (index documents_client, then payments_document).
// Drafts never count. A voided invoice keeps its total and its cancelling credit note counts
// against it, so the two net to zero instead of vanishing from the history.
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/kysely.ts';

export interface StatementScope {
  orgId: string;
  clientId: string;
  currency: string;
}

// A payment recorded with method 'client_credit' moves credit the client already has (its
// over-payment was counted as money received when it arrived); counted again it would lower the
// balance twice.
const NOT_MOVED_CREDIT = 'client_credit';

function clientDocuments(db: Executor, s: StatementScope) {
  return db
    .selectFrom('documents')
    .where('org_id', '=', s.orgId)
    .where('client_id', '=', s.clientId)
    .where('currency', '=', s.currency)
    .where('kind', 'in', ['invoice', 'credit_note'])
    .where('status', '!=', 'draft')
    .where('issue_date', 'is not', null);
}

function clientPayments(db: Executor, s: StatementScope) {
  return db
    .selectFrom('payments as p')
    .innerJoin('documents as d', (j) => j.onRef('d.id', '=', 'p.document_id').onRef('d.org_id', '=', 'p.org_id'))
    .where('d.org_id', '=', s.orgId)
    .where('d.client_id', '=', s.clientId)
    .where('p.client_id', '=', s.clientId)
    .where('p.currency', '=', s.currency)
    .where('p.method', '!=', NOT_MOVED_CREDIT);
}

/** The balance brought forward: invoices less credit notes issued, less payments plus refunds received, before `from`. */
export async function balanceBefore(db: Executor, s: StatementScope, from: string): Promise<number> {
  const docs = await clientDocuments(db, s)
    .select(sql<number>`coalesce(sum(case when kind = 'credit_note' then -total else total end), 0)`.as('amount'))
    .where('issue_date', '<', from)
    .executeTakeFirst();
  const money = await clientPayments(db, s)
    .select(sql<number>`coalesce(sum(case when p.kind = 'refund' then p.amount else -p.amount end), 0)`.as('amount'))
    .where('p.received_on', '<', from)
    .executeTakeFirst();
  return Number(docs?.amount ?? 0) + Number(money?.amount ?? 0);
}

/** Invoices and credit notes issued in [from, to]. */
export function documentsIssued(db: Executor, s: StatementScope, from: string, to: string) {
  return clientDocuments(db, s)
    .select(['id', 'kind', 'number', 'issue_date', 'due_date', 'total', 'related_document_id', 'created_at'])
    .where('issue_date', '>=', from)
    .where('issue_date', '<=', to)
    .execute();
}

/** Payments and refunds received in [from, to], with the number of the invoice they belong to. */
export function paymentsReceived(db: Executor, s: StatementScope, from: string, to: string) {
  return clientPayments(db, s)
    .select(['p.id', 'p.kind', 'p.amount', 'p.method', 'p.received_on', 'p.created_at', 'p.document_id', 'd.number'])
    .where('p.received_on', '>=', from)
    .where('p.received_on', '<=', to)
    .execute();
}

/**
 * Invoices due before `to` with what was still due on `to`: their total less the credit notes
 * issued and the payments applied (refunds reopen) up to that day. Recomputed from the ledger, not
 * read from the current balance, so a statement for a past period shows what was overdue then.
 */
export function dueBefore(db: Executor, s: StatementScope, to: string) {
  const credited = sql<number>`coalesce((select sum(c.total) from documents c
    where c.org_id = documents.org_id and c.related_document_id = documents.id and c.kind = 'credit_note'
      and c.status != 'draft' and c.issue_date <= ${to}), 0)`;
  const applied = sql<number>`coalesce((select sum(p.applied_amount) from payments p
    where p.org_id = documents.org_id and p.document_id = documents.id and p.received_on <= ${to}), 0)`;
  return clientDocuments(db, s)
    .select(['id', 'number', 'issue_date', 'due_date', 'total'])
    .select(sql<number>`total - ${credited} - ${applied}`.as('outstanding'))
    .where('kind', '=', 'invoice')
    .where('issue_date', '<=', to)
    .where('due_date', '<', to)
    .orderBy('due_date')
    .orderBy('number')
    .execute();
}

/** The currencies the client has issued documents in (a statement is per currency). */
export async function currenciesOf(db: Executor, orgId: string, clientId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('documents')
    .select('currency')
    .distinct()
    .where('org_id', '=', orgId)
    .where('client_id', '=', clientId)
    .where('kind', 'in', ['invoice', 'credit_note'])
    .where('status', '!=', 'draft')
    .orderBy('currency')
    .execute();
  return rows.map((r) => r.currency);
}
