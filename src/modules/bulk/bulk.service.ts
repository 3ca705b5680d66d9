// Bulk actions on documents (issue #13, item 5): issue, send, mark as sent, download (PDFs or
// e-invoices as one ZIP) or export as CSV, for a selection or for every document a list filter
// matches. The selection is resolved to document ids when the job is created and written with it;
// the work then runs in the background, one document per durable job (`bulk.step`, seq = the
// item's place): each step does its document through the same service a single action uses (so
// each is audited as that action would be) and, in the same transaction as the item's outcome,
// queues the next step. A step that runs twice finds its item settled and does nothing; the last
// step writes the result file and closes the job (bulk.runner.ts, with the once-only rules).
// Permissions: the single action's permission, checked when the job is created (the caller's) and
// again before each document (the member's role as it is now).
import type { Permission } from '../../platform/permissions.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import type { DocumentKind } from '../documents/documents.tables.ts';
import {
  dropBulkFile,
  findBulkJob,
  findQueuedDocuments,
  insertBulkJob,
  listBulkFilesBefore,
  listBulkItems,
  type BulkJobRow,
} from './bulk.repo.ts';
import { BULK_PERMISSION, createBulkRunner, type BulkDeps } from './bulk.runner.ts';
import {
  MAX_BULK_SELECTION,
  type BulkActionInput,
  type BulkFilter,
  type BulkJob,
  type DownloadFormat,
} from './bulk.schemas.ts';

export { BULK_PERMISSION, type BulkDeps } from './bulk.runner.ts';

const PREFIX: Record<DocumentKind, string> = { invoice: 'invoices', quote: 'quotes', credit_note: 'credit-notes' };
const MAX_FAILURES_SHOWN = 200;
const LIST_PAGE = 200;

/** Who asks: the audit actor, and the member whose permission is checked now and before each document. */
export interface BulkCaller {
  actor: AuditActor;
  userId: string;
  permissions: ReadonlySet<Permission>;
}

/** How long the result file of a download or export is kept after the action finished. */
export const FILE_KEPT_DAYS = 7;

export function createBulkService(deps: BulkDeps) {
  const { db, clock, audit, jobs, files, documents } = deps;
  const now = () => clock.now().toISOString();
  const { stepJob } = createBulkRunner(deps);

  async function resolveFilter(orgId: string, kind: DocumentKind, filter: BulkFilter) {
    const out: Array<{ id: string; number: string | null }> = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await documents.list(orgId, kind, { ...filter, limit: LIST_PAGE, ...(cursor && { cursor }) });
      out.push(...page.items.map((d) => ({ id: d.id, number: d.number })));
      if (out.length > MAX_BULK_SELECTION)
        throw new AppError(
          'validation_failed',
          `More than ${MAX_BULK_SELECTION} documents match this filter; narrow it down (a bulk action takes at most ${MAX_BULK_SELECTION})`,
          { fieldErrors: [{ path: '/body/filter', message: `matches more than ${MAX_BULK_SELECTION} documents` }] },
        );
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
  }

  /** Ids are the caller's documents of the kind, or the request is refused (another org's ids are never touched). */
  async function resolveIds(orgId: string, kind: DocumentKind, ids: string[]) {
    const unique = [...new Set(ids)];
    const found = new Map((await documents.numbersOf(orgId, kind, unique)).map((d) => [d.id, d.number]));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw new AppError('not_found', `${missing.length} of the selected documents were not found`, {
        fieldErrors: missing.slice(0, 20).map((id) => ({ path: `/body/ids/${ids.indexOf(id)}`, message: 'not found' })),
      });
    return unique.map((id) => ({ id, number: found.get(id) ?? null }));
  }

  async function view(job: BulkJobRow): Promise<BulkJob> {
    const failed = await listBulkItems(db, job.org_id, job.id, 'failed', MAX_FAILURES_SHOWN);
    const ext = job.action === 'export_csv' ? 'csv' : 'zip';
    return {
      id: job.id,
      kind: job.kind,
      action: job.action,
      format: (job.format as DownloadFormat | null) ?? null,
      status: job.status,
      total: Number(job.total),
      done: Number(job.done_count),
      failed: Number(job.failed_count),
      failures: failed.map((i) => ({
        documentId: i.document_id,
        number: i.number,
        code: i.error_code ?? 'internal',
        message: i.error_message ?? '',
      })),
      file: job.result_file_id
        ? {
            filename: `${PREFIX[job.kind]}-${job.created_at.slice(0, 10)}.${ext}`,
            contentType: ext === 'csv' ? 'text/csv' : 'application/zip',
          }
        : null,
      createdAt: job.created_at,
      finishedAt: job.finished_at,
    };
  }

  return {
    /** The step job (tests run a step again, as a runner that died before deleting its job would). */
    stepJob,

    async create(orgId: string, input: BulkActionInput, by: BulkCaller): Promise<BulkJob> {
      const permission = BULK_PERMISSION[input.action];
      if (!by.permissions.has(permission)) throw forbidden(`This action needs the permission ${permission}`);
      const selection = input.ids
        ? await resolveIds(orgId, input.kind, input.ids)
        : await resolveFilter(orgId, input.kind, input.filter!);
      if (selection.length === 0) throw unprocessable('No documents match this filter');
      const id = newId();
      const at = now();
      const format = input.action === 'download' ? (input.format ?? 'pdf') : null;
      const row: BulkJobRow = {
        id,
        org_id: orgId,
        actor_type: by.actor.type,
        actor_id: by.actor.id,
        user_id: by.userId,
        kind: input.kind,
        action: input.action,
        format,
        status: 'running',
        total: selection.length,
        done_count: 0,
        failed_count: 0,
        result_file_id: null,
        created_at: at,
        updated_at: at,
        finished_at: null,
      };
      await inTx(db, async (tx) => {
        // A second click (or a second tab) must not queue the same sending again while the first runs.
        if (input.action === 'issue' || input.action === 'send' || input.action === 'mark_sent') {
          const queued = await findQueuedDocuments(
            tx,
            orgId,
            input.action,
            selection.map((d) => d.id),
          );
          if (queued.length > 0)
            throw conflict(
              `${queued.length} of these documents are already queued for this action in a bulk action that is still running; wait for it to finish`,
            );
        }
        await insertBulkJob(
          tx,
          row,
          selection.map((d, seq) => ({
            job_id: id,
            seq,
            org_id: orgId,
            document_id: d.id,
            number: d.number,
            status: 'pending',
            error_code: null,
            error_message: null,
            updated_at: at,
          })),
        );
        await audit.appendInTx(tx, {
          orgId,
          actor: by.actor,
          action: 'bulk.created',
          objectType: 'bulk_job',
          objectId: id,
          summary: { kind: input.kind, action: input.action, format, total: selection.length },
        });
        await jobs.enqueue(tx, stepJob, { orgId, bulkId: id, seq: 0 });
      });
      return view(row);
    },

    async get(orgId: string, id: string): Promise<BulkJob> {
      const job = await findBulkJob(db, orgId, id);
      if (!job) throw notFound('Bulk action');
      return view(job);
    },

    /**
     * Deletes the ZIP and CSV files of bulk actions that finished more than FILE_KEPT_DAYS days
     * ago (the worker's hourly housekeeping): they hold every selected document, and were kept for ever.
     */
    async pruneFiles(): Promise<number> {
      const before = new Date(clock.now().getTime() - FILE_KEPT_DAYS * 86_400_000).toISOString();
      let pruned = 0;
      for (;;) {
        const due = await listBulkFilesBefore(db, before, 100);
        for (const job of due)
          await inTx(db, async (tx) => {
            await dropBulkFile(tx, job.org_id, job.id);
            await files.removeInTx(tx, job.org_id, job.result_file_id);
          });
        pruned += due.length;
        if (due.length < 100) return pruned;
      }
    },

    /** The ZIP or CSV of a finished download or export. */
    async file(orgId: string, id: string): Promise<{ bytes: Buffer; filename: string; contentType: string }> {
      const job = await findBulkJob(db, orgId, id);
      if (!job) throw notFound('Bulk action');
      if (job.action !== 'download' && job.action !== 'export_csv') throw conflict('This bulk action makes no file');
      if (job.status !== 'finished') throw conflict('The file is not ready yet');
      if (!job.result_file_id)
        throw conflict(`The file was deleted ${FILE_KEPT_DAYS} days after the action finished; run the action again`);
      const v = await view(job);
      const stored = await files.getInTx(db, orgId, job.result_file_id);
      return { bytes: stored.bytes, filename: v.file!.filename, contentType: v.file!.contentType };
    },
  };
}

export type BulkService = ReturnType<typeof createBulkService>;
