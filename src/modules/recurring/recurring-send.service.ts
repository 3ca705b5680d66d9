// Sending what a schedule issued (issue #15, item 5). When a schedule with autoSend issues an
// invoice, the run writes a recurring_runs row and this job in the issuing transaction; the job
// sends the invoice through the client's delivery mode (delivery.send: the same signed evidence
// as any sending) and records the outcome on the row.
// Never twice: the job claims its row (queued/retrying → sending) before it sends. A job that
// finds its row already 'sending' ran before and died mid-send; the message may have left, so the
// row becomes 'interrupted' for staff to check, never resent. Only a sending that reached no one
// is retried: every recipient refused by the relay, or refused before anything left (no email
// address, a missing key). It is then 'retrying' and the job throws, so the job system runs it
// again after its back-off (30 s, 1 min, 2 min … an hour); after MAX_ATTEMPTS it is 'failed'.
// A sending accepted for some recipients and refused for others is 'partly_sent': not retried,
// since a retry would send the others a second copy. Anything but a retryable, failed,
// interrupted or partial sending is invisible; those are listed on the dashboard. A schedule sends
// only while the member who turned sending on still holds invoice:send (checked at each run, like
// the issuer's invoice:issue); otherwise the invoice is issued and its sending 'held'.
// A schedule with autoCharge charges the invoice first (recurring-charge.ts): the run's charge job
// queues this sending once the charge has an outcome. Charges that failed, are being retried, were
// held or interrupted are listed on the dashboard too (source 'recurring_charge').
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/kysely.ts';
import type { Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { AppError, conflict, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { defineJob, MAX_ATTEMPTS, retryDelayMs, type Jobs } from '../../platform/jobs/jobs.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { DeliveryService } from '../delivery/delivery.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { SavedChargeService } from '../payments/saved-charges.service.ts';
import { createChargeRunner } from './recurring-charge.ts';
import { findRun, insertRun, listRuns, listRunsByStatus, moveRun, type RunRow } from './recurring.repo.ts';
import type { RunChargeStatus, RunSendStatus } from './recurring.tables.ts';

const SYSTEM: AuditActor = { type: 'system', id: 'recurring' };

/** Sendings the dashboard lists until someone resolves them (or, for 'retrying', until one gets through). */
export const NEEDS_ATTENTION: RunSendStatus[] = ['retrying', 'failed', 'partly_sent', 'interrupted', 'held'];
const RESOLVABLE: RunSendStatus[] = ['failed', 'interrupted', 'partly_sent', 'held'];
/** Charges the dashboard lists until someone resolves them (or, for 'retrying', until the provider answers). */
export const CHARGE_NEEDS_ATTENTION: RunChargeStatus[] = ['retrying', 'failed', 'held', 'interrupted'];
const CHARGE_RESOLVABLE: RunChargeStatus[] = ['failed', 'held', 'interrupted'];

export const runSchema = z.object({
  id: z.string(),
  scheduleId: z.string(),
  documentId: z.string(),
  period: z.string(),
  sendStatus: z.enum([
    'queued',
    'sending',
    'sent',
    'saved_to_outbox',
    'partly_sent',
    'retrying',
    'failed',
    'interrupted',
    'skipped',
    'held',
    'resolved',
  ]),
  attempts: z.number().int(),
  deliveryId: z.string().nullable(),
  error: z.string().nullable(),
  nextAttemptAt: z.string().nullable().describe("when the job tries again ('retrying' only)"),
  chargeStatus: z
    .enum([
      'pending',
      'charging',
      'succeeded',
      'processing',
      'failed',
      'skipped',
      'retrying',
      'held',
      'interrupted',
      'resolved',
    ])
    .nullable()
    .describe(
      "the charge to the client's saved payment method before sending (autoCharge); null when none was planned. failed: authentication required, declined or provider unreachable (sent to pay instead); skipped: no active consent or nothing to pay",
    ),
  chargeAttempts: z.number().int(),
  chargeError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RecurringRun = z.infer<typeof runSchema>;

/** A sending (or its charge) the dashboard shows under "needs attention". */
export interface SendAttention {
  source: 'recurring_send' | 'recurring_charge';
  status: 'retrying' | 'failed' | 'partly_sent' | 'interrupted' | 'held';
  /** The run (POST /api/v1/recurring-runs/:id/resolve). */
  id: string;
  scheduleId: string;
  documentId: string;
  number: string | null;
  clientName: string;
  reason: string | null;
  at: string;
  nextAttemptAt: string | null;
}

const toRun = (r: RunRow): RecurringRun => ({
  id: r.id,
  scheduleId: r.schedule_id,
  documentId: r.document_id,
  period: r.period,
  sendStatus: r.send_status,
  attempts: r.attempts,
  deliveryId: r.delivery_id,
  error: r.error,
  nextAttemptAt: r.next_attempt_at,
  chargeStatus: r.charge_status,
  chargeAttempts: r.charge_attempts,
  chargeError: r.charge_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface RecurringSendDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  jobs: Jobs;
  delivery: Pick<DeliveryService, 'send'>;
  documents: Pick<DocumentService, 'get'>;
  /** Off-session charges with a client's saved payment method (schedules with autoCharge). */
  charges: Pick<SavedChargeService, 'prepareInTx' | 'charge' | 'settleInTx' | 'paidInTx'>;
}

export function createRecurringSendService({
  db,
  clock,
  audit,
  jobs,
  delivery,
  documents,
  charges,
}: RecurringSendDeps) {
  const now = () => clock.now().toISOString();

  /** Moves a claimed run to its outcome, with the audit entry, in one transaction. */
  async function finish(
    run: RunRow,
    status: RunSendStatus,
    patch: Partial<RunRow> = {},
    from: RunSendStatus[] = ['sending', 'interrupted'],
  ): Promise<void> {
    await inTx(db, async (tx) => {
      // From 'interrupted' too: a runner whose lease ran out while it was still sending finishes
      // here after another marked it interrupted, and what really happened wins.
      if (
        !(await moveRun(tx, run.org_id, run.id, { send: from }, { ...patch, send_status: status, updated_at: now() }))
      )
        return;
      await audit.appendInTx(tx, {
        orgId: run.org_id,
        actor: SYSTEM,
        // "Recurring invoice sent", "Recurring send retrying" … in the audit log's words.
        action: status === 'sent' ? 'recurring.invoice_sent' : `recurring.send_${status}`,
        objectType: 'invoice',
        objectId: run.document_id,
        summary: {
          scheduleId: run.schedule_id,
          period: run.period,
          attempt: patch.attempts ?? run.attempts,
          ...(patch.error ? { reason: patch.error } : {}),
          ...(patch.delivery_id ? { deliveryId: patch.delivery_id } : {}),
        },
      });
    });
  }

  /** Nothing reached anyone: try again after the back-off, or give up after the last attempt. */
  async function retryLater(run: RunRow, reason: string): Promise<void> {
    if (run.attempts >= MAX_ATTEMPTS) return finish(run, 'failed', { error: reason, next_attempt_at: null });
    const at = new Date(clock.now().getTime() + retryDelayMs(run.attempts)).toISOString();
    await finish(run, 'retrying', { error: reason, next_attempt_at: at });
    // The job system retries with the same back-off; the message says why in its log.
    throw new Error(`recurring sending not accepted (attempt ${run.attempts}): ${reason}`);
  }

  /** Sends a claimed run's invoice and records the outcome. */
  async function send(run: RunRow): Promise<void> {
    const doc = await documents.get(run.org_id, 'invoice', run.document_id);
    if (doc.status === 'void') return finish(run, 'skipped', { error: 'the invoice was voided' });
    // Sent by hand (or marked sent) meanwhile: the client has it.
    if (doc.sentAt) return finish(run, 'skipped', { error: 'the invoice was sent before this job ran' });
    let result;
    try {
      result = await delivery.send(run.org_id, 'invoice', run.document_id, { includeBillingEmail: true }, SYSTEM);
    } catch (err) {
      // delivery.send refuses with an AppError before anything leaves (no recipient address, a
      // missing key, plain mode without TLS): staff can fix that, and the retry then sends.
      if (err instanceof AppError) return retryLater(run, err.message.slice(0, 300));
      // Anything else may have happened after a relay accepted a message: never resend.
      return finish(run, 'interrupted', {
        error: `sending stopped unexpectedly (${(err instanceof Error ? err.message : String(err)).slice(0, 200)}); check the invoice's deliveries before sending it by hand`,
      });
    }
    const all = [result, ...result.alsoDelivered];
    const relayed = all.filter((d) => d.status === 'relayed');
    const refused = all.filter((d) => d.status === 'failed');
    if (relayed.length === all.length) return finish(run, 'sent', { delivery_id: result.id, error: null });
    if (relayed.length > 0)
      return finish(run, 'partly_sent', {
        delivery_id: relayed[0]!.id,
        error: `not accepted for ${refused.map((d) => d.recipient ?? 'a recipient').join(', ')}: ${refused[0]?.error ?? 'refused'}`,
      });
    if (refused.length === 0)
      return finish(run, 'saved_to_outbox', { delivery_id: result.id, error: 'no SMTP relay is configured' });
    return retryLater(run, `the relay did not accept it: ${refused[0]!.error ?? 'refused'}`.slice(0, 300));
  }

  const sendJob = defineJob(
    'recurring.send',
    z.object({ orgId: z.string(), runId: z.string() }),
    async ({ orgId, runId }) => {
      const run = await findRun(db, orgId, runId);
      if (!run) return;
      const attempts = run.attempts + 1;
      const claimed = await moveRun(
        db,
        orgId,
        runId,
        { send: ['queued', 'retrying'] },
        {
          send_status: 'sending',
          attempts,
          next_attempt_at: null,
          updated_at: now(),
        },
      );
      if (claimed) return send({ ...run, send_status: 'sending', attempts });
      // Claimed before by a run that died mid-send: the message may have left. Never resend.
      if (run.send_status === 'sending')
        await finish(
          run,
          'interrupted',
          { error: "interrupted while sending; check the invoice's deliveries before sending it by hand" },
          ['sending'],
        );
    },
  );
  jobs.register(sendJob);
  const { chargeJob, failedLaterInTx } = createChargeRunner({ db, clock, audit, jobs, charges, sendJob });

  return {
    /** The job that sends one issued invoice (exposed so a test can run it again, as a runner that died would). */
    sendJob,
    /** The job that charges one issued invoice before its sending (likewise exposed for tests). */
    chargeJob,
    /** A charge that was processing (a SEPA debit) failed later: the payments module calls this. */
    chargeFailedLaterInTx: failedLaterInTx,

    /**
     * In the transaction that issues the invoice: its sending's row and job. `heldBecause`: the
     * sending is not allowed now; the row says why (the dashboard lists it) and no job is queued.
     */
    async queueInTx(
      tx: Executor,
      orgId: string,
      run: {
        scheduleId: string;
        documentId: string;
        period: string;
        heldBecause?: string;
        /** Charge the client's saved payment method first; or the charge is held (the row says why) and it is only sent. */
        charge?: { heldBecause?: string };
      },
    ): Promise<void> {
      const id = newId(clock.now().getTime());
      await insertRun(tx, {
        id,
        org_id: orgId,
        schedule_id: run.scheduleId,
        document_id: run.documentId,
        period: run.period,
        send_status: run.heldBecause ? 'held' : 'queued',
        attempts: 0,
        delivery_id: null,
        error: run.heldBecause ?? null,
        next_attempt_at: null,
        created_at: now(),
        updated_at: now(),
        charge_status: run.heldBecause || !run.charge ? null : run.charge.heldBecause ? 'held' : 'pending',
        charge_attempts: 0,
        charge_error: run.heldBecause ? null : (run.charge?.heldBecause ?? null),
        charge_checkout_id: null,
        charge_started_at: null,
      });
      if (run.heldBecause) return;
      if (run.charge && !run.charge.heldBecause) await jobs.enqueue(tx, chargeJob, { orgId, runId: id });
      else await jobs.enqueue(tx, sendJob, { orgId, runId: id });
    },

    /** A schedule's sendings, newest first. */
    async runs(orgId: string, scheduleId: string): Promise<RecurringRun[]> {
      return (await listRuns(db, orgId, scheduleId, 100)).map(toRun);
    },

    /** Sendings that failed, are being retried, were interrupted or reached only some recipients; charges that failed likewise. */
    async attention(orgId: string, limit = 20): Promise<SendAttention[]> {
      const sends = await listRunsByStatus(db, orgId, { send: NEEDS_ATTENTION }, limit);
      const chargeRows = await listRunsByStatus(db, orgId, { charge: CHARGE_NEEDS_ATTENTION }, limit);
      const item = async (r: RunRow, source: SendAttention['source']): Promise<SendAttention> => {
        const doc = await documents.get(orgId, 'invoice', r.document_id);
        const send = source === 'recurring_send';
        return {
          source,
          status: (send ? r.send_status : r.charge_status) as SendAttention['status'],
          id: r.id,
          scheduleId: r.schedule_id,
          documentId: r.document_id,
          number: doc.number,
          clientName: doc.clientName,
          reason: send ? r.error : r.charge_error,
          at: r.updated_at,
          // A charge being retried shares the run's next attempt (the sending waits for it).
          nextAttemptAt: r.next_attempt_at,
        };
      };
      return Promise.all([
        ...sends.map((r) => item(r, 'recurring_send')),
        ...chargeRows.map((r) => item(r, 'recurring_charge')),
      ]);
    },

    /**
     * Staff have dealt with a failed, interrupted, partial or held sending (e.g. sent it by hand),
     * and / or a failed, held or interrupted charge: off the dashboard.
     */
    async resolve(orgId: string, runId: string, actor: AuditActor): Promise<RecurringRun> {
      return inTx(db, async (tx) => {
        const run = await findRun(tx, orgId, runId);
        if (!run) throw notFound('Recurring sending');
        const sendResolved = await moveRun(
          tx,
          orgId,
          runId,
          { send: RESOLVABLE },
          {
            send_status: 'resolved',
            next_attempt_at: null,
            updated_at: now(),
          },
        );
        const chargeResolved = await moveRun(
          tx,
          orgId,
          runId,
          { charge: CHARGE_RESOLVABLE },
          {
            charge_status: 'resolved',
            updated_at: now(),
          },
        );
        if (!sendResolved && !chargeResolved)
          throw conflict(
            `A sending that is ${run.send_status}${run.charge_status ? ` with a charge that is ${run.charge_status}` : ''} cannot be marked resolved`,
          );
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'recurring.send_resolved',
          objectType: 'invoice',
          objectId: run.document_id,
          summary: {
            scheduleId: run.schedule_id,
            period: run.period,
            ...(sendResolved ? { was: run.send_status } : {}),
            ...(chargeResolved ? { chargeWas: run.charge_status } : {}),
          },
        });
        return toRun((await findRun(tx, orgId, runId))!);
      });
    },
  };
}

export type RecurringSendService = ReturnType<typeof createRecurringSendService>;
