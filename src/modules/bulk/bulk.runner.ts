// The background half of bulk actions (bulk.service.ts creates the jobs): one durable job step
// per document. Step N does item N through the single action's service and, in the transaction
// that records its outcome, queues step N+1; step N = total writes the result file and closes the
// job. A step run twice finds its item settled and does nothing.
// Once only: issuing and marking as sent commit together with the item's outcome, so a crash
// leaves either both or neither. A sending cannot be inside a transaction (the relay answers
// first): its item is claimed ('sending') before the message leaves, and a step that finds it so
// after a restart records it as interrupted (the message may have left) and never sends it again.
// The member's permission is read again before each document (their role as it is then).
import { zipSync } from 'fflate';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, unprocessable } from '../../platform/errors.ts';
import { defineJob, type Jobs } from '../../platform/jobs/jobs.ts';
import type { Permission } from '../../platform/permissions.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { DeliveryService } from '../delivery/delivery.service.ts';
import type { LifecycleService } from '../documents/document-lifecycle.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { EinvoiceFormat } from '../einvoice/einvoice.formats.ts';
import { documentsCsv } from '../exports/export.csv.ts';
import type { FileService } from '../files/file.service.ts';
import {
  countBulkOutcome,
  findBulkItem,
  findBulkJob,
  finishBulkJob,
  listBulkItems,
  moveBulkItem,
  type BulkItemRow,
  type BulkJobRow,
} from './bulk.repo.ts';
import { MAX_BULK_SELECTION, type DownloadFormat } from './bulk.schemas.ts';
import type { BulkAction } from './bulk.tables.ts';

/** The permission each action needs: the same as the single action's route (route-access.ts). */
export const BULK_PERMISSION: Record<BulkAction, Permission> = {
  issue: 'invoice:issue',
  send: 'invoice:send',
  mark_sent: 'invoice:send',
  download: 'invoice:read',
  export_csv: 'invoice:read',
};

export interface BulkDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  jobs: Jobs;
  files: Pick<FileService, 'putInTx' | 'getInTx' | 'removeInTx'>;
  documents: Pick<DocumentService, 'list' | 'get' | 'numbersOf'>;
  lifecycle: Pick<LifecycleService, 'issueInTx' | 'markSentInTx' | 'pdf' | 'einvoice'>;
  delivery: Pick<DeliveryService, 'send'>;
  /** Whether a member holds a permission now (identity owns memberships and roles). */
  holdsInTx: (ex: Executor, orgId: string, userId: string, permission: Permission) => Promise<boolean>;
}

type Outcome = { status: 'done'; number?: string | null } | { status: 'failed'; code: string; message: string };

function failureOf(err: unknown): Outcome {
  if (err instanceof AppError) return { status: 'failed', code: err.code, message: err.message.slice(0, 500) };
  // Not an expected refusal: no detail (it may quote internals); the job goes on with the next document.
  return { status: 'failed', code: 'internal', message: 'An unexpected error stopped this document' };
}

export function createBulkRunner(deps: BulkDeps) {
  const { db, clock, audit, jobs, files, documents, lifecycle, delivery, holdsInTx } = deps;
  const now = () => clock.now().toISOString();

  const stepJob = defineJob(
    'bulk.step',
    z.object({ orgId: z.string(), bulkId: z.string(), seq: z.number().int().min(0) }),
    (p) => step(p.orgId, p.bulkId, p.seq),
  );
  jobs.register(stepJob);

  const actorOf = (job: BulkJobRow): AuditActor => ({ type: job.actor_type, id: job.actor_id });
  const permitted = (ex: Executor, job: BulkJobRow) =>
    holdsInTx(ex, job.org_id, job.user_id, BULK_PERMISSION[job.action]);
  const refusedNow = (job: BulkJobRow): Outcome => ({
    status: 'failed',
    code: 'forbidden',
    message: `This action needs the permission ${BULK_PERMISSION[job.action]}, which the member who started it no longer holdsInTx`,
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
        ? await files.putInTx(tx, job.org_id, `bulk.${job.action}`, result.contentType, result.bytes)
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
      await audit.appendInTx(tx, {
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

  return { stepJob };
}
