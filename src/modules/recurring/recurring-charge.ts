// Charging what a schedule issued before sending it (issue #15, item 5: autoCharge). A run whose
// schedule charges gets charge_status 'pending' and this job (instead of the sending job) in the
// issuing transaction. The job charges the invoice to the client's saved, authorised payment
// method through the payments module (saved-charges.service.ts), records the outcome on the run
// and queues the sending in the same transaction:
//  - succeeded: the payment is on the ledger (the invoice is paid, the receipt mailed), then the
//    invoice is sent as usual, now paid;
//  - processing (SEPA): the debit settles later by webhook; the invoice is sent as usual;
//  - authentication required, declined: never retried; the invoice is sent to pay (pay link,
//    portal) and the run's charge is 'failed', on the dashboard;
//  - no active consent (none, revoked), nothing left to pay: 'skipped', sent as usual;
//  - the provider could not be reached: 'retrying' with the job back-off (30 s, 1, 2, 4 min);
//    after CHARGE_ATTEMPTS it is 'failed' and the invoice is sent to pay.
// Never twice: the claim (pending/retrying → charging) and the off-session checkout are written
// in one transaction, and every provider call for the run uses the same idempotency key, so a
// repeat gets the same PaymentIntent. A job that finds its run 'charging' ran before and died
// mid-charge: it first asks the ledger (the webhook may have booked the payment), then replays
// the same call (same key, same amount) while the provider still keeps the key; past that window
// it does not call the provider again: the charge is 'interrupted' for staff to check, and the
// invoice is sent.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { defineJob, retryDelayMs, type JobKind, type Jobs } from '../../platform/jobs/jobs.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { ChargeOutcome, SavedChargeService } from '../payments/saved-charges.service.ts';
import { ProviderError } from '../payments/providers/provider.ts';
import { findRun, findRunByChargeCheckout, moveRun, type RunRow } from './recurring.repo.ts';
import type { RunChargeStatus } from './recurring.tables.ts';

const SYSTEM: AuditActor = { type: 'system', id: 'recurring' };

/** Attempts at reaching the provider before the invoice is sent to pay instead (30 s, 1, 2, 4 min apart). */
export const CHARGE_ATTEMPTS = 5;
/** Stripe keeps an idempotency key at least 24 hours; a charge found mid-way is replayed only within this. */
export const REPLAY_WINDOW_MS = 23 * 3600_000;

export interface ChargeRunnerDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  jobs: Jobs;
  charges: Pick<SavedChargeService, 'prepareInTx' | 'charge' | 'settleInTx' | 'paidInTx'>;
  /** The run's sending, queued once the charge has an outcome. */
  sendJob: JobKind<{ orgId: string; runId: string }>;
}

/** The provider's outcome as the run records it. */
function recorded(outcome: ChargeOutcome): { status: RunChargeStatus; error: string | null } {
  switch (outcome.status) {
    case 'succeeded':
      return { status: 'succeeded', error: null };
    case 'processing':
      return { status: 'processing', error: null };
    case 'authentication_required':
      return {
        status: 'failed',
        error: "the client's bank asked for authentication; the invoice was sent to pay instead",
      };
    case 'declined':
      return {
        status: 'failed',
        error: `the saved payment method was declined (${outcome.code}); the invoice was sent to pay instead`,
      };
    case 'skipped':
      return { status: 'skipped', error: `not charged: ${outcome.reason}` };
  }
}

export function createChargeRunner({ db, clock, audit, jobs, charges, sendJob }: ChargeRunnerDeps) {
  const now = () => clock.now().toISOString();
  const key = (run: RunRow) => `recurring-run-${run.id}`;

  /** Moves a run's charge from `from` to its outcome, with the audit entry; a final outcome queues the sending. */
  async function finishInTx(
    tx: Executor,
    run: RunRow,
    status: RunChargeStatus,
    patch: Partial<RunRow>,
    from: RunChargeStatus[] = ['charging'],
  ): Promise<boolean> {
    if (
      !(await moveRun(tx, run.org_id, run.id, { charge: from }, { ...patch, charge_status: status, updated_at: now() }))
    )
      return false;
    await audit.appendInTx(tx, {
      orgId: run.org_id,
      actor: SYSTEM,
      action: `recurring.charge_${status}`,
      objectType: 'invoice',
      objectId: run.document_id,
      summary: {
        scheduleId: run.schedule_id,
        period: run.period,
        attempt: patch.charge_attempts ?? run.charge_attempts,
        ...(patch.charge_error ? { reason: patch.charge_error } : {}),
      },
    });
    if (status !== 'retrying') await jobs.enqueue(tx, sendJob, { orgId: run.org_id, runId: run.id });
    return true;
  }

  /** Calls the provider for a claimed run (charge_status 'charging', its checkout set) and records the outcome. */
  async function attempt(run: RunRow): Promise<void> {
    const checkoutId = run.charge_checkout_id!;
    let outcome: ChargeOutcome;
    try {
      outcome = await charges.charge(run.org_id, checkoutId, key(run));
    } catch (err) {
      // Anything but a ProviderError may have happened after the provider charged: the run stays
      // 'charging' and the retry reconciles it (ledger first, then the same call again).
      if (!(err instanceof ProviderError)) throw err;
      const reason = err.message.slice(0, 300);
      if (run.charge_attempts >= CHARGE_ATTEMPTS) {
        await inTx(db, async (tx) => {
          await charges.settleInTx(tx, run.org_id, checkoutId, { status: 'skipped', reason });
          await finishInTx(tx, run, 'failed', {
            charge_error: `the payment provider could not be reached (${reason}); the invoice was sent to pay instead`,
            next_attempt_at: null,
          });
        });
        return;
      }
      const at = new Date(clock.now().getTime() + retryDelayMs(run.charge_attempts)).toISOString();
      await inTx(db, (tx) => finishInTx(tx, run, 'retrying', { charge_error: reason, next_attempt_at: at }));
      // The job system retries with the same back-off (and the same key: the same charge).
      throw new Error(`recurring charge not made (attempt ${run.charge_attempts}): ${reason}`, { cause: err });
    }
    const { status, error } = recorded(outcome);
    await inTx(db, async (tx) => {
      await charges.settleInTx(tx, run.org_id, checkoutId, outcome);
      await finishInTx(tx, run, status, { charge_error: error, next_attempt_at: null });
    });
  }

  /** A run found 'charging': its runner died mid-charge. Reconcile, never charge blindly. */
  async function reconcile(run: RunRow): Promise<void> {
    const checkoutId = run.charge_checkout_id;
    if (checkoutId && (await charges.paidInTx(db, run.org_id, checkoutId))) {
      // The provider's webhook booked it meanwhile.
      await inTx(db, (tx) => finishInTx(tx, run, 'succeeded', { charge_error: null, next_attempt_at: null }));
      return;
    }
    const started = run.charge_started_at ? Date.parse(run.charge_started_at) : 0;
    if (!checkoutId || clock.now().getTime() - started > REPLAY_WINDOW_MS) {
      await inTx(db, (tx) =>
        finishInTx(tx, run, 'interrupted', {
          charge_error:
            "interrupted while charging; check the payment provider for this invoice's charge before charging or refunding by hand (the invoice was sent to pay)",
          next_attempt_at: null,
        }),
      );
      return;
    }
    // Same checkout, same key, same amount: the provider answers with the charge it made, if any.
    const attempts = run.charge_attempts + 1;
    if (
      !(await moveRun(
        db,
        run.org_id,
        run.id,
        { charge: ['charging'] },
        { charge_attempts: attempts, updated_at: now() },
      ))
    )
      return;
    await attempt({ ...run, charge_attempts: attempts });
  }

  const chargeJob = defineJob(
    'recurring.charge',
    z.object({ orgId: z.string(), runId: z.string() }),
    async ({ orgId, runId }) => {
      const run = await findRun(db, orgId, runId);
      if (!run) return;
      if (run.charge_status === 'charging') return reconcile(run);
      if (run.charge_status !== 'pending' && run.charge_status !== 'retrying') return;
      const attempts = run.charge_attempts + 1;
      // The claim and the checkout in one transaction: a checkout id on the run always has its key.
      const claimed = await inTx(db, async (tx): Promise<RunRow | null> => {
        const base = {
          charge_attempts: attempts,
          charge_started_at: run.charge_started_at ?? now(),
          next_attempt_at: null,
          updated_at: now(),
        };
        if (
          !(await moveRun(
            tx,
            orgId,
            runId,
            { charge: ['pending', 'retrying'] },
            { ...base, charge_status: 'charging' },
          ))
        )
          return null;
        const next: RunRow = { ...run, ...base, charge_status: 'charging' };
        if (run.charge_checkout_id) return next;
        const prepared = await charges.prepareInTx(tx, orgId, run.document_id);
        if ('skipped' in prepared) {
          await finishInTx(tx, next, 'skipped', { charge_error: `not charged: ${prepared.skipped}` });
          return null;
        }
        await moveRun(tx, orgId, runId, { charge: ['charging'] }, { charge_checkout_id: prepared.checkoutId });
        return { ...next, charge_checkout_id: prepared.checkoutId };
      });
      if (claimed) await attempt(claimed);
    },
  );
  jobs.register(chargeJob);
  /**
   * A debit that was still processing when the invoice went out (SEPA) failed days later: the run's
   * charge becomes 'failed' (the dashboard lists it). The invoice was already sent with its pay
   * link, so nothing is sent again.
   */
  async function failedLaterInTx(tx: Executor, orgId: string, checkoutId: string): Promise<void> {
    const run = await findRunByChargeCheckout(tx, orgId, checkoutId);
    if (!run) return;
    const error = 'the direct debit failed after the invoice was sent; the invoice is open for the client to pay';
    if (
      !(await moveRun(
        tx,
        orgId,
        run.id,
        { charge: ['processing'] },
        {
          charge_status: 'failed',
          charge_error: error,
          updated_at: now(),
        },
      ))
    )
      return;
    await audit.appendInTx(tx, {
      orgId,
      actor: SYSTEM,
      action: 'recurring.charge_failed',
      objectType: 'invoice',
      objectId: run.document_id,
      summary: { scheduleId: run.schedule_id, period: run.period, reason: error },
    });
  }

  return { chargeJob, failedLaterInTx };
}
