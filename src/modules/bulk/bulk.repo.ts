import type { Executor } from '../../platform/db/kysely.ts';
import type { BulkItemsTable, BulkItemStatus, BulkJobsTable } from './bulk.tables.ts';

export type BulkJobRow = BulkJobsTable;
export type BulkItemRow = BulkItemsTable;

/** Rows per insert: well under SQLite's bound-parameter limit (10 columns each). */
const INSERT_CHUNK = 500;

export async function insertBulkJob(ex: Executor, row: BulkJobRow, items: BulkItemRow[]): Promise<void> {
  await ex.insertInto('bulk_jobs').values(row).execute();
  for (let i = 0; i < items.length; i += INSERT_CHUNK)
    await ex
      .insertInto('bulk_items')
      .values(items.slice(i, i + INSERT_CHUNK))
      .execute();
}

export function findBulkJob(ex: Executor, orgId: string, id: string): Promise<BulkJobRow | undefined> {
  return ex.selectFrom('bulk_jobs').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function findBulkItem(
  ex: Executor,
  orgId: string,
  jobId: string,
  seq: number,
): Promise<BulkItemRow | undefined> {
  return ex
    .selectFrom('bulk_items')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('job_id', '=', jobId)
    .where('seq', '=', seq)
    .executeTakeFirst();
}

export function listBulkItems(
  ex: Executor,
  orgId: string,
  jobId: string,
  status: BulkItemStatus,
  limit: number,
): Promise<BulkItemRow[]> {
  return ex
    .selectFrom('bulk_items')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('job_id', '=', jobId)
    .where('status', '=', status)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** Moves an item on only from the states given (two runners cannot both settle it). */
export async function moveBulkItem(
  ex: Executor,
  orgId: string,
  jobId: string,
  seq: number,
  from: BulkItemStatus[],
  patch: Partial<Pick<BulkItemRow, 'status' | 'number' | 'error_code' | 'error_message' | 'updated_at'>>,
): Promise<boolean> {
  const moved = await ex
    .updateTable('bulk_items')
    .set(patch)
    .where('org_id', '=', orgId)
    .where('job_id', '=', jobId)
    .where('seq', '=', seq)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/** Counts one settled item on its job. */
export async function countBulkOutcome(
  ex: Executor,
  orgId: string,
  jobId: string,
  outcome: 'done' | 'failed',
  at: string,
): Promise<void> {
  await ex
    .updateTable('bulk_jobs')
    .set((eb) =>
      outcome === 'done'
        ? { done_count: eb('done_count', '+', 1), updated_at: at }
        : { failed_count: eb('failed_count', '+', 1), updated_at: at },
    )
    .where('org_id', '=', orgId)
    .where('id', '=', jobId)
    .execute();
}

/** Marks a job finished once (false: it already was). */
export async function finishBulkJob(
  ex: Executor,
  orgId: string,
  jobId: string,
  patch: Pick<BulkJobRow, 'result_file_id' | 'finished_at' | 'updated_at'>,
): Promise<boolean> {
  const moved = await ex
    .updateTable('bulk_jobs')
    .set({ ...patch, status: 'finished' })
    .where('org_id', '=', orgId)
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/** Which of `documentIds` are still to do in a running job of the org with this action (a second send would repeat it). */
export async function findQueuedDocuments(
  ex: Executor,
  orgId: string,
  action: BulkJobRow['action'],
  documentIds: string[],
): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < documentIds.length; i += INSERT_CHUNK) {
    const rows = await ex
      .selectFrom('bulk_items')
      .innerJoin('bulk_jobs', 'bulk_jobs.id', 'bulk_items.job_id')
      .select('bulk_items.document_id')
      .where('bulk_items.org_id', '=', orgId)
      .where('bulk_jobs.org_id', '=', orgId)
      .where('bulk_jobs.status', '=', 'running')
      .where('bulk_jobs.action', '=', action)
      .where('bulk_items.status', 'in', ['pending', 'sending'])
      .where('bulk_items.document_id', 'in', documentIds.slice(i, i + INSERT_CHUNK))
      .execute();
    out.push(...rows.map((r) => r.document_id));
  }
  return out;
}

/** Finished bulk actions whose result file is older than `before` (housekeeping; bulk_jobs holds one row per action). */
export function listBulkFilesBefore(
  ex: Executor,
  before: string,
  limit: number,
): Promise<Array<{ org_id: string; id: string; result_file_id: string }>> {
  return ex
    .selectFrom('bulk_jobs')
    .select(['org_id', 'id', 'result_file_id'])
    .where('result_file_id', 'is not', null)
    .where('finished_at', '<', before)
    .orderBy('finished_at')
    .limit(limit)
    .$narrowType<{ result_file_id: string }>()
    .execute();
}

/** Drops the reference to a bulk action's result file (before the file itself is deleted). */
export async function dropBulkFile(ex: Executor, orgId: string, id: string): Promise<void> {
  await ex
    .updateTable('bulk_jobs')
    .set({ result_file_id: null })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .execute();
}
