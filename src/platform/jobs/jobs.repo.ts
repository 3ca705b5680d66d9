// The `jobs` table: durable work written in the transaction of the change that causes it, run
// after commit by whichever runner claims it first (see jobs.ts).
import type { Executor } from '../db/kysely.ts';
import type { JobsTable } from '../db/schema.ts';

export type JobRow = JobsTable;

export async function insertJob(ex: Executor, row: JobRow): Promise<void> {
  await ex.insertInto('jobs').values(row).execute();
}

/**
 * Candidates to claim: pending and due, or running with an expired lease (the runner died).
 * Only a hint: the claim itself is the conditional update below.
 */
export function findClaimable(
  ex: Executor,
  now: string,
  limit: number,
): Promise<Array<Pick<JobRow, 'id' | 'attempts'>>> {
  return ex
    .selectFrom('jobs')
    .select(['id', 'attempts'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
        eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
      ]),
    )
    .orderBy('run_at')
    .limit(limit)
    .execute();
}

/**
 * Compare-and-set on the attempt counter: of two runners that saw the same row, one update
 * matches and the other finds `attempts` moved on (PostgreSQL re-checks the WHERE after the
 * first commits; SQLite serializes writers). The new attempt number is the lease's fencing token.
 */
export async function claimJob(
  ex: Executor,
  id: string,
  seenAttempts: number,
  now: string,
  lockedUntil: string,
): Promise<JobRow | undefined> {
  const r = await ex
    .updateTable('jobs')
    .set({ status: 'running', attempts: seenAttempts + 1, locked_until: lockedUntil, updated_at: now })
    .where('id', '=', id)
    .where('attempts', '=', seenAttempts)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('run_at', '<=', now)]),
        eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
      ]),
    )
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return undefined;
  return ex.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Ends an attempt; ignored when the lease was lost (another runner re-claimed the job meanwhile). */
export async function finishJob(
  ex: Executor,
  id: string,
  attempt: number,
  set: Partial<Pick<JobRow, 'status' | 'run_at' | 'last_error' | 'locked_until' | 'updated_at'>>,
): Promise<boolean> {
  const r = await ex
    .updateTable('jobs')
    .set(set)
    .where('id', '=', id)
    .where('attempts', '=', attempt)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export function listJobsByStatus(
  ex: Executor,
  status: JobRow['status'],
  limit = 100,
): Promise<Array<Omit<JobRow, 'payload'>>> {
  return ex
    .selectFrom('jobs')
    .select([
      'id',
      'kind',
      'unique_key',
      'run_at',
      'status',
      'attempts',
      'locked_until',
      'last_error',
      'created_at',
      'updated_at',
    ])
    .where('status', '=', status)
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .execute();
}

/** A dead job back to pending, due now, with a fresh attempt budget. */
export async function requeueDeadJob(ex: Executor, id: string, now: string): Promise<boolean> {
  const r = await ex
    .updateTable('jobs')
    .set({ status: 'pending', attempts: 0, run_at: now, locked_until: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** A job done is deleted (its payload has no further use); false when the lease was lost. */
export async function deleteFinishedJob(ex: Executor, id: string, attempt: number): Promise<boolean> {
  const r = await ex
    .deleteFrom('jobs')
    .where('id', '=', id)
    .where('attempts', '=', attempt)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
