import type { Executor } from '../../platform/db/kysely.ts';
import type {
  RecurringRunsTable,
  RecurringSchedulesTable,
  RunChargeStatus,
  RunSendStatus,
} from './recurring.tables.ts';

export type ScheduleRow = RecurringSchedulesTable;

export function findSchedule(ex: Executor, orgId: string, id: string): Promise<ScheduleRow | undefined> {
  return ex
    .selectFrom('recurring_schedules')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertSchedule(ex: Executor, row: ScheduleRow): Promise<void> {
  await ex.insertInto('recurring_schedules').values(row).execute();
}

export async function updateSchedule(
  ex: Executor,
  orgId: string,
  id: string,
  patch: Partial<Omit<ScheduleRow, 'id' | 'org_id'>>,
): Promise<void> {
  await ex.updateTable('recurring_schedules').set(patch).where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** Moves a schedule on from `period` only if it still stands there (two workers cannot both run it). */
export async function advanceSchedule(
  ex: Executor,
  orgId: string,
  id: string,
  period: string,
  patch: Partial<Omit<ScheduleRow, 'id' | 'org_id'>>,
): Promise<boolean> {
  const moved = await ex
    .updateTable('recurring_schedules')
    .set(patch)
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('next_run_on', '=', period)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/** Newest first, at most `limit`. */
export function listSchedules(ex: Executor, orgId: string, limit: number): Promise<ScheduleRow[]> {
  return ex
    .selectFrom('recurring_schedules')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Every schedule of the org, oldest first (the data export). */
export function listAllSchedules(ex: Executor, orgId: string): Promise<ScheduleRow[]> {
  return ex.selectFrom('recurring_schedules').selectAll().where('org_id', '=', orgId).orderBy('id').execute();
}

export function listActiveSchedules(ex: Executor): Promise<Array<{ id: string; org_id: string }>> {
  // In one order for every runner: a batch holds the rows of the schedules it ran until it commits,
  // so two runners take them in the same order and wait for each other instead of deadlocking.
  return ex
    .selectFrom('recurring_schedules')
    .select(['id', 'org_id'])
    .where('status', '=', 'active')
    .orderBy('id')
    .execute();
}

export type RunRow = RecurringRunsTable;

export async function insertRun(ex: Executor, row: RunRow): Promise<void> {
  await ex.insertInto('recurring_runs').values(row).execute();
}

export function findRun(ex: Executor, orgId: string, id: string): Promise<RunRow | undefined> {
  return ex
    .selectFrom('recurring_runs')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The run whose off-session charge went through `checkoutId` (a debit that settles or fails later). */
export function findRunByChargeCheckout(ex: Executor, orgId: string, checkoutId: string): Promise<RunRow | undefined> {
  return ex
    .selectFrom('recurring_runs')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('charge_checkout_id', '=', checkoutId)
    .executeTakeFirst();
}

/** A run has two state machines, its sending and its charge: which one a query is about, and which states. */
export type RunStatusIn = { send: RunSendStatus[] } | { charge: RunChargeStatus[] };

function statusFilter(s: RunStatusIn): ['send_status' | 'charge_status', Array<RunSendStatus | RunChargeStatus>] {
  return 'send' in s ? ['send_status', s.send] : ['charge_status', s.charge];
}

/** Moves a run from one of the `from` states only if it still stands there (one runner claims it); false otherwise. */
export async function moveRun(
  ex: Executor,
  orgId: string,
  id: string,
  from: RunStatusIn,
  patch: Partial<Omit<RunRow, 'id' | 'org_id'>>,
): Promise<boolean> {
  const [column, states] = statusFilter(from);
  const moved = await ex
    .updateTable('recurring_runs')
    .set(patch)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where(column, 'in', states)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/** A schedule's sendings, newest period first. */
export function listRuns(ex: Executor, orgId: string, scheduleId: string, limit: number): Promise<RunRow[]> {
  return ex
    .selectFrom('recurring_runs')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('schedule_id', '=', scheduleId)
    .orderBy('period', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Runs in one of the given states, newest first (the dashboard's "needs attention"). */
export function listRunsByStatus(ex: Executor, orgId: string, statuses: RunStatusIn, limit: number): Promise<RunRow[]> {
  const [column, states] = statusFilter(statuses);
  return ex
    .selectFrom('recurring_runs')
    .selectAll()
    .where('org_id', '=', orgId)
    .where(column, 'in', states)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
