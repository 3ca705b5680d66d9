// The dunning module's queries. Besides its own tables it reads, never writes, the invoice ledger
// (documents' status, due date and balance), open payment disputes and organizations' time zones:
// like the reports, a scan over stored columns, without decrypting a document.
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/kysely.ts';
import type {
  DunningClientsTable,
  DunningPlansTable,
  DunningReferenceRatesTable,
  DunningRemindersTable,
  ReminderStatus,
} from './dunning.tables.ts';
import { OPEN_INVOICE_STATUSES } from '../documents/documents.tables.ts';

export type PlanRow = DunningPlansTable;
export type ReminderRow = DunningRemindersTable;
export type ClientSettingRow = DunningClientsTable;

const outstanding = sql<number>`total - amount_paid - amount_credited`;

export interface OpenInvoice {
  id: string;
  client_id: string;
  number: string | null;
  status: string;
  due_date: string;
  currency: string;
  outstanding: number;
}

export function listOrgZones(ex: Executor): Promise<Array<{ id: string; time_zone: string }>> {
  return ex.selectFrom('orgs').select(['id', 'time_zone']).orderBy('id').execute();
}

/**
 * Invoices a reminder may go to: open, with a balance, due on or before `dueBy`, not disputed and
 * not paused or stopped; a page of `limit` after `afterId` (id order).
 */
export function listRemindable(
  ex: Executor,
  orgId: string,
  dueBy: string,
  afterId: string,
  limit: number,
): Promise<OpenInvoice[]> {
  return ex
    .selectFrom('documents as d')
    .select(['d.id', 'd.client_id', 'd.number', 'd.status', 'd.currency'])
    .select([sql<string>`d.due_date`.as('due_date'), outstanding.as('outstanding')])
    .where('d.org_id', '=', orgId)
    .where('d.kind', '=', 'invoice')
    .where('d.status', 'in', OPEN_INVOICE_STATUSES)
    .where('d.due_date', 'is not', null)
    .where('d.due_date', '<=', dueBy)
    .where(outstanding, '>', 0)
    .where('d.id', '>', afterId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('payment_disputes as pd')
            .select('pd.id')
            .whereRef('pd.org_id', '=', 'd.org_id')
            .whereRef('pd.document_id', '=', 'd.id')
            .where('pd.status', '=', 'open'),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('dunning_invoices as di')
            .select('di.document_id')
            .whereRef('di.org_id', '=', 'd.org_id')
            .whereRef('di.document_id', '=', 'd.id'),
        ),
      ),
    )
    .orderBy('d.id')
    .limit(limit)
    .execute();
}

/** One invoice's ledger facts and whether a dispute is open on it (null: no such invoice). */
export async function findInvoiceFacts(
  ex: Executor,
  orgId: string,
  documentId: string,
): Promise<(OpenInvoice & { disputed: boolean; state: 'active' | 'paused' | 'stopped' }) | null> {
  const row = await ex
    .selectFrom('documents as d')
    .leftJoin('dunning_invoices as di', (j) =>
      j.onRef('di.org_id', '=', 'd.org_id').onRef('di.document_id', '=', 'd.id'),
    )
    .select(['d.id', 'd.client_id', 'd.number', 'd.status', 'd.currency', 'di.state'])
    .select([sql<string>`coalesce(d.due_date, '')`.as('due_date'), outstanding.as('outstanding')])
    .select(({ exists, selectFrom }) =>
      exists(
        selectFrom('payment_disputes as pd')
          .select('pd.id')
          .whereRef('pd.org_id', '=', 'd.org_id')
          .whereRef('pd.document_id', '=', 'd.id')
          .where('pd.status', '=', 'open'),
      ).as('disputed'),
    )
    .where('d.org_id', '=', orgId)
    .where('d.kind', '=', 'invoice')
    .where('d.id', '=', documentId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    ...row,
    outstanding: Number(row.outstanding),
    disputed: Boolean(row.disputed),
    state: row.state ?? 'active',
  };
}

// Plans

export function listPlans(ex: Executor, orgId: string): Promise<PlanRow[]> {
  return ex.selectFrom('dunning_plans').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
}

export function findPlan(ex: Executor, orgId: string, id: string): Promise<PlanRow | undefined> {
  return ex.selectFrom('dunning_plans').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export async function insertPlan(ex: Executor, row: PlanRow): Promise<void> {
  await ex.insertInto('dunning_plans').values(row).execute();
}

export async function updatePlan(
  ex: Executor,
  orgId: string,
  id: string,
  patch: Partial<Omit<PlanRow, 'id' | 'org_id'>>,
): Promise<void> {
  await ex.updateTable('dunning_plans').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** Writes the default plan unless the organization has one (a concurrent first use wrote it). */
export async function insertDefaultPlanIfNone(ex: Executor, row: PlanRow): Promise<void> {
  await ex
    .insertInto('dunning_plans')
    .values(row)
    // A literal, not a parameter: SQLite matches the conflict target to the partial index by its WHERE text.
    .onConflict((oc) => oc.column('org_id').where('is_default', '=', sql.lit(1)).doNothing())
    .execute();
}

export async function clearDefaultPlan(ex: Executor, orgId: string): Promise<void> {
  await ex.updateTable('dunning_plans').set({ is_default: 0 }).where('org_id', '=', orgId).execute();
}

// Client settings and invoice holds

export function listClientSettings(ex: Executor, orgId: string, clientIds: string[]): Promise<ClientSettingRow[]> {
  if (clientIds.length === 0) return Promise.resolve([]);
  return ex
    .selectFrom('dunning_clients')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('client_id', 'in', clientIds)
    .execute();
}

export async function upsertClientSetting(ex: Executor, row: ClientSettingRow): Promise<void> {
  await ex
    .insertInto('dunning_clients')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['org_id', 'client_id'])
        .doUpdateSet({ plan_id: row.plan_id, opted_out: row.opted_out, updated_at: row.updated_at }),
    )
    .execute();
}

export async function setInvoiceHold(
  ex: Executor,
  orgId: string,
  documentId: string,
  state: 'active' | 'paused' | 'stopped',
  by: string,
  at: string,
): Promise<void> {
  await ex.deleteFrom('dunning_invoices').where('org_id', '=', orgId).where('document_id', '=', documentId).execute();
  if (state !== 'active')
    await ex
      .insertInto('dunning_invoices')
      .values({ org_id: orgId, document_id: documentId, state, updated_by: by, updated_at: at })
      .execute();
}

// Reference rates

export function listRates(ex: Executor, orgId: string): Promise<DunningReferenceRatesTable[]> {
  return ex
    .selectFrom('dunning_reference_rates')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('valid_from')
    .execute();
}

export async function replaceRates(ex: Executor, orgId: string, rows: DunningReferenceRatesTable[]): Promise<void> {
  await ex.deleteFrom('dunning_reference_rates').where('org_id', '=', orgId).execute();
  if (rows.length > 0) await ex.insertInto('dunning_reference_rates').values(rows).execute();
}

// Reminders

/** Inserts the reminder unless its step already exists for the invoice; true when this call wrote it. */
export async function insertReminder(ex: Executor, row: ReminderRow): Promise<boolean> {
  const r = await ex
    .insertInto('dunning_reminders')
    .values(row)
    .onConflict((oc) => oc.columns(['org_id', 'document_id', 'step_key']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
}

export function findReminder(ex: Executor, orgId: string, id: string): Promise<ReminderRow | undefined> {
  return ex
    .selectFrom('dunning_reminders')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * The reminder whose document is exactly these bytes, in any organization: it serves the public
 * verification page, whose caller holds only the file (a SHA-256 only a holder of the file knows).
 */
export function findReminderByPdf(ex: Executor, pdfSha256: string): Promise<ReminderRow | undefined> {
  return ex.selectFrom('dunning_reminders').selectAll().where('pdf_sha256', '=', pdfSha256).executeTakeFirst();
}

/** Moves a reminder from `from` to `to` only if it is still in `from` (one runner claims it). */
export async function moveReminder(
  ex: Executor,
  orgId: string,
  id: string,
  from: ReminderStatus,
  patch: Partial<Omit<ReminderRow, 'id' | 'org_id'>> & { status: ReminderStatus },
): Promise<boolean> {
  const r = await ex
    .updateTable('dunning_reminders')
    .set(patch)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function listReminders(ex: Executor, orgId: string, documentId: string): Promise<ReminderRow[]> {
  return ex
    .selectFrom('dunning_reminders')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('document_id', '=', documentId)
    .orderBy('id')
    .execute();
}

/** Per invoice, the largest plan-step offset already taken (sent, failed or skipped alike). */
export async function lastStepOffsets(
  ex: Executor,
  orgId: string,
  documentIds: string[],
): Promise<Map<string, number>> {
  if (documentIds.length === 0) return new Map();
  const rows = await ex
    .selectFrom('dunning_reminders')
    .select(['document_id', sql<number>`max(offset_days)`.as('last')])
    .where('org_id', '=', orgId)
    .where('document_id', 'in', documentIds)
    .where('offset_days', 'is not', null)
    .groupBy('document_id')
    .execute();
  return new Map(rows.map((r) => [r.document_id, Number(r.last)]));
}

/** Whether the fixed recovery compensation was already claimed for the invoice (it is due once). */
export async function compensationClaimed(ex: Executor, orgId: string, documentId: string): Promise<boolean> {
  const row = await ex
    .selectFrom('dunning_reminders')
    .select('id')
    .where('org_id', '=', orgId)
    .where('document_id', '=', documentId)
    .where('compensation', '>', 0)
    .where('status', 'in', ['sent', 'saved_to_outbox', 'sending', 'interrupted'])
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Reminders that failed or were interrupted on invoices still open, newest first, unless a later
 * reminder of the same invoice went out (the dashboard's "needs attention").
 */
export function listTroubledReminders(ex: Executor, orgId: string, limit: number) {
  return ex
    .selectFrom('dunning_reminders as r')
    .innerJoin('documents as d', (j) => j.onRef('d.org_id', '=', 'r.org_id').onRef('d.id', '=', 'r.document_id'))
    .selectAll('r')
    .select('d.number as document_number')
    .where('r.org_id', '=', orgId)
    .where('r.status', 'in', ['failed', 'interrupted'])
    .where('d.status', 'in', OPEN_INVOICE_STATUSES)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('dunning_reminders as later')
            .select('later.id')
            .whereRef('later.org_id', '=', 'r.org_id')
            .whereRef('later.document_id', '=', 'r.document_id')
            .whereRef('later.id', '>', 'r.id')
            .where('later.status', 'in', ['sent', 'saved_to_outbox']),
        ),
      ),
    )
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute();
}
