// Bulk actions on documents (issue #13, item 5): issue, send, mark as sent, download (PDFs or
// e-invoices as one ZIP) or export as CSV, for a selection or for every document a list filter
// matches. The selection is resolved to document ids when the job is created and written with it;
// the work then runs in the background, one document per durable job (`bulk.step`, seq = the
// item's place): each step does its document through the same service a single action uses (so
// each is audited as that action would be) and, in the same transaction as the item's outcome,
// queues the next step. A step that runs twice finds its item settled and does nothing; the last
// step writes the result file and closes the job.
// Once only: issuing and marking as sent commit together with the item's outcome, so a crash
// leaves either both or neither. A sending cannot be inside a transaction (the relay answers
// first): its item is claimed ('sending') before the message leaves, and a step that finds it so
// after a restart records it as interrupted (the message may have left) and never sends it again.
// Permissions: the single action's permission, checked when the job is created (the caller's) and
// again before each document (the member's role as it is now).
import { zipSync } from 'fflate';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { defineJob, type Jobs } from '../../platform/jobs/jobs.ts';
import type { Permission } from '../../platform/permissions.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { DeliveryService } from '../delivery/delivery.service.ts';
import type { LifecycleService } from '../documents/document-lifecycle.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { DocumentKind } from '../documents/documents.tables.ts';
import type { EinvoiceFormat } from '../einvoice/einvoice.formats.ts';
import { documentsCsv } from '../exports/export.csv.ts';
import type { FileService } from '../files/file.service.ts';
import {
  countBulkOutcome,
  findBulkItem,
  findBulkJob,
  finishBulkJob,
  insertBulkJob,
  listBulkItems,
  moveBulkItem,
  type BulkItemRow,
  type BulkJobRow,
} from './bulk.repo.ts';
import {
  MAX_BULK_SELECTION,
  type BulkActionInput,
  type BulkFilter,
  type BulkJob,
  type DownloadFormat,
} from './bulk.schemas.ts';
import type { BulkAction } from './bulk.tables.ts';

/** The permission each action needs: the same as the single action's route (route-access.ts). */
export const BULK_PERMISSION: Record<BulkAction, Permission> = {
  issue: 'invoice:issue',
  send: 'invoice:send',
  mark_sent: 'invoice:send',
  download: 'invoice:read',
  export_csv: 'invoice:read',
};

const PREFIX: Record<DocumentKind, string> = { invoice: 'invoices', quote: 'quotes', credit_note: 'credit-notes' };
const MAX_FAILURES_SHOWN = 200;
const LIST_PAGE = 200;

export interface BulkDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  jobs: Jobs;
  files: Pick<FileService, 'put' | 'get'>;
  documents: Pick<DocumentService, 'list' | 'get' | 'numbersOf'>;
  lifecycle: Pick<LifecycleService, 'issueInTx' | 'markSentInTx' | 'pdf' | 'einvoice'>;
  delivery: Pick<DeliveryService, 'send'>;
  /** Whether a member holds a permission now (identity owns memberships and roles). */
  holds: (ex: Executor, orgId: string, userId: string, permission: Permission) => Promise<boolean>;
}

/** Who asks: the audit actor, and the member whose permission is checked now and before each document. */
export interface BulkCaller {
  actor: AuditActor;
  userId: string;
  permissions: ReadonlySet<Permission>;
}

type Outcome = { status: 'done'; number?: string | null } | { status: 'failed'; code: string; message: string };

function failureOf(err: unknown): Outcome {
  if (err instanceof AppError) return { status: 'failed', code: err.code, message: err.message.slice(0, 500) };
  // Not an expected refusal: no detail (it may quote internals); the job goes on with the next document.
  return { status: 'failed', code: 'internal', message: 'An unexpected error stopped this document' };
}

export function createBulkService(deps: BulkDeps) {
  const { db, clock, audit, jobs, files, documents, lifecycle, delivery, holds } = deps;
  const now = () => clock.now().toISOString();

  const stepJob = defineJob(
    'bulk.step',
    z.object({ orgId: z.string(), bulkId: z.string(), seq: z.number().int().min(0) }),
    (p) => step(p.orgId, p.bulkId, p.seq),
  );
  jobs.register(stepJob);

  const actorOf = (job: BulkJobRow): AuditActor => ({ type: job.actor_type, id: job.actor_id });
  const permitted = (ex: Executor, job: BulkJobRow) => holds(ex, job.org_id, job.user_id, BULK_PERMISSION[job.action]);
  const refusedNow = (job: BulkJobRow): Outcome => ({
    status: 'failed',
    code: 'forbidden',
    message: `This action needs the permission ${BULK_PERMISSION[job.action]}, which the member who started it no longer holds`,
  });

  /** Records an item's outcome and queues the next step, in the caller's transaction. */
  async function settleInTx(tx: Executor, job: BulkJobRow, seq: number, outcome: Outcome): Promise<void> {
    const moved = await moveBulkItem(tx, job.org_id, job.id, seq, ['pending', 'sending'], {
      status: outcome.status,
      ...(outcome.status === 'done'
        ? outcome.number !== undefined && { number: outcome.number }
        : { error_code: outcome.code, error_message: outcome.message }),
      updated_at: now(),
    });
    // Settled meanwhile by another runner of this step: roll this one back (with its issue, if any).
    if (!moved) throw new Error(`bulk item ${job.id}/${seq} was settled by another runner`);
    await countBulkOutcome(tx, job.org_id, job.id, outcome.status, now());
    await jobs.enqueue(tx, stepJob, { orgId: job.org_id, bulkId: job.id, seq: seq + 1 });
  }

  const settle = (job: BulkJobRow, seq: number, outcome: Outcome) =>
    inTx(db, (tx) => settleInTx(tx, job, seq, outcome));

  /** Issue or mark as sent: the change and the item's outcome commit together. */
  async function changeInTx(job: BulkJobRow, item: BulkItemRow): Promise<void> {
    const kind = job.kind;
    if (!(await permitted(db, job))) return settle(job, item.seq, refusedNow(job));
    try {
      await inTx(db, async (tx) => {
        const doc =
          job.action === 'issue'
            ? await lifecycle.issueInTx(tx, job.org_id, kind, item.document_id, actorOf(job))
            : await lifecycle.markSentInTx(tx, job.org_id, kind, item.document_id, actorOf(job));
        await settleInTx(tx, job, item.seq, { status: 'done', number: doc.number });
      });
    } catch (err) {
      if (!(err instanceof AppError) && (await findBulkItem(db, job.org_id, job.id, item.seq))?.status !== 'pending')
        return; // the other runner's outcome stands
      return settle(job, item.seq, failureOf(err));
    }
  }

  /** A sending: claimed before the message leaves, never repeated once claimed. */
  async function sendOne(job: BulkJobRow, item: BulkItemRow): Promise<void> {
    if (item.status === 'sending')
      return settle(job, item.seq, {
        status: 'failed',
        code: 'interrupted',
        message:
          'The sending was interrupted; the message may have left, so it was not sent again. Check the deliveries before sending it by hand.',
      });
    const claim = await inTx(db, async (tx) => {
      if (!(await permitted(tx, job))) return 'refused' as const;
      const ok = await moveBulkItem(tx, job.org_id, job.id, item.seq, ['pending'], {
        status: 'sending',
        updated_at: now(),
      });
      return ok ? ('claimed' as const) : ('taken' as const);
    });
    if (claim === 'taken') return;
    if (claim === 'refused') return settle(job, item.seq, refusedNow(job));
    let outcome: Outcome;
    try {
      const r = await delivery.send(
        job.org_id,
        job.kind,
        item.document_id,
        { includeBillingEmail: true },
        actorOf(job),
      );
      const all = [r, ...r.alsoDelivered];
      const accepted = all.filter((d) => d.status !== 'failed');
      outcome =
        accepted.length > 0
          ? { status: 'done' }
          : {
              status: 'failed',
              code: 'upstream_failed',
              message: `The mail relay did not accept it: ${all[0]?.error ?? 'refused'}`.slice(0, 500),
            };
    } catch (err) {
      // A refusal before anything left (no address, no key) says why; anything else may have
      // happened after a relay accepted the message, and is not repeated either way.
      outcome = failureOf(err);
    }
    return settle(job, item.seq, outcome);
  }

  /** Download or CSV: each document is checked here; the file is made by the last step. */
  async function checkOne(job: BulkJobRow, item: BulkItemRow): Promise<void> {
    let outcome: Outcome;
    try {
      if (!(await permitted(db, job))) outcome = refusedNow(job);
      else {
        if (job.action === 'download') await fileOf(job, item.document_id);
        else await documents.get(job.org_id, job.kind, item.document_id);
        outcome = { status: 'done' };
      }
    } catch (err) {
      outcome = failureOf(err);
    }
    return settle(job, item.seq, outcome);
  }

  async function fileOf(job: BulkJobRow, documentId: string): Promise<{ bytes: Buffer; filename: string }> {
    const format = (job.format ?? 'pdf') as DownloadFormat;
    if (format === 'pdf') return lifecycle.pdf(job.org_id, job.kind, documentId);
    if (job.kind === 'quote') throw unprocessable('Quotes have no e-invoice');
    return lifecycle.einvoice(job.org_id, job.kind, documentId, format as EinvoiceFormat);
  }

  async function resultOf(job: BulkJobRow): Promise<{ bytes: Buffer; contentType: string } | null> {
    if (job.action !== 'download' && job.action !== 'export_csv') return null;
    const done = await listBulkItems(db, job.org_id, job.id, 'done', MAX_BULK_SELECTION);
    if (job.action === 'export_csv') {
      const docs = [];
      for (const item of done) docs.push(await documents.get(job.org_id, job.kind, item.document_id));
      return { bytes: Buffer.from(documentsCsv(docs), 'utf8'), contentType: 'text/csv' };
    }
    // Stored, not deflated again: PDFs are compressed already, and XML is small.
    const entries: Record<string, [Uint8Array, { level: 0 }]> = {};
    for (const item of done) {
      const f = await fileOf(job, item.document_id);
      entries[f.filename] = [new Uint8Array(f.bytes), { level: 0 }];
    }
    return { bytes: Buffer.from(zipSync(entries)), contentType: 'application/zip' };
  }

  async function finish(job: BulkJobRow): Promise<void> {
    if (job.status === 'finished') return;
    const result = await resultOf(job);
    await inTx(db, async (tx) => {
      const file = result
        ? await files.put(tx, job.org_id, `bulk.${job.action}`, result.contentType, result.bytes)
        : null;
      const at = now();
      if (
        !(await finishBulkJob(tx, job.org_id, job.id, {
          result_file_id: file?.id ?? null,
          finished_at: at,
          updated_at: at,
        }))
      )
        return;
      const final = (await findBulkJob(tx, job.org_id, job.id))!;
      await audit.append(tx, {
        orgId: job.org_id,
        actor: actorOf(job),
        action: 'bulk.finished',
        objectType: 'bulk_job',
        objectId: job.id,
        summary: {
          kind: job.kind,
          action: job.action,
          total: final.total,
          done: final.done_count,
          failed: final.failed_count,
        },
      });
    });
  }

  async function step(orgId: string, bulkId: string, seq: number): Promise<void> {
    const job = await findBulkJob(db, orgId, bulkId);
    if (!job) return;
    if (seq >= job.total) return finish(job);
    const item = await findBulkItem(db, orgId, bulkId, seq);
    // Settled before (a step that ran twice): its outcome queued the next step with it.
    if (!item || item.status === 'done' || item.status === 'failed') return;
    if (job.action === 'issue' || job.action === 'mark_sent') return changeInTx(job, item);
    if (job.action === 'send') return sendOne(job, item);
    return checkOne(job, item);
  }

  /** Every document the list shows for the filter, in its order; more than the limit is refused. */
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
        await audit.append(tx, {
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

    /** The ZIP or CSV of a finished download or export. */
    async file(orgId: string, id: string): Promise<{ bytes: Buffer; filename: string; contentType: string }> {
      const job = await findBulkJob(db, orgId, id);
      if (!job) throw notFound('Bulk action');
      if (job.action !== 'download' && job.action !== 'export_csv') throw conflict('This bulk action makes no file');
      if (job.status !== 'finished' || !job.result_file_id) throw conflict('The file is not ready yet');
      const v = await view(job);
      const stored = await files.get(db, orgId, job.result_file_id);
      return { bytes: stored.bytes, filename: v.file!.filename, contentType: v.file!.contentType };
    },
  };
}

export type BulkService = ReturnType<typeof createBulkService>;
