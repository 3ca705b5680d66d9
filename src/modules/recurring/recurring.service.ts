// Recurring schedules issue invoices from a template. A run for a period happens at most once:
// the schedule's next_run_on advances by compare-and-set in the same transaction that creates the
// invoice, and (schedule, period) is unique on documents. After downtime, runs catch up period
// by period, each with its own period date.
//
// Issuing signs and freezes an invoice, so a schedule may only issue on its own when a member who
// holds invoice:issue vouches for it (issue #10 §2): the creator must hold it at creation, and at
// every run the schedule's issuer (the creator, or whoever confirmed it since) must still hold
// it; otherwise the run creates a draft and the schedule shows why ("auto-issue held") until
// someone with invoice:issue confirms it. Start dates are bounded (at most one period before today
// unless an owner or admin confirms an earlier one), and catch-up is done by the worker only, at
// most MAX_PERIODS_PER_RUN periods per schedule per run: a request never issues anything.
// A schedule with autoSend also sends each invoice it issues: the run queues the sending in the
// issuing transaction (recurring-send.service.ts); sending needs invoice:send when it is turned on.
// A schedule with autoCharge (which needs autoSend) charges each issued invoice to the client's
// saved, authorised payment method before sending it (recurring-charge.ts); turning it on needs
// payment:record, and the member who did must still hold it at each run, else the charge is held.
// An edit changes the template or the rhythm; the next run can be moved to today or later, never
// onto or before the period last run (that invoice exists).
import type { Clock } from '../../platform/clock.ts';
import { dateInZone } from '../../platform/clock.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { Database, Executor, Tx } from '../../platform/db/kysely.ts';
import { inSavepoint, inTx } from '../../platform/db/tx.ts';
import { AppError, conflict, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { LifecycleService } from '../documents/document-lifecycle.service.ts';
import type { DocumentService } from '../documents/document.service.ts';
import { isAdministrative, type Permission } from '../identity/members/rbac.ts';
import type { OrgService } from '../orgs/org.service.ts';
import {
  advanceSchedule,
  findSchedule,
  insertSchedule,
  listActiveSchedules,
  listAllSchedules,
  listSchedules,
  updateSchedule,
  type ScheduleRow,
} from './recurring.repo.ts';
import { nextRun, onePeriodBefore } from './recurring.schedule.ts';
import type { RecurringSendService } from './recurring-send.service.ts';
import {
  scheduleInput,
  schedulePatch,
  storedTemplate,
  template,
  templateOf,
  type Schedule,
  type ScheduleInput,
  type SchedulePatch,
} from './recurring.schemas.ts';

export {
  scheduleInput,
  schedulePatch,
  scheduleSchema,
  type Schedule,
  type ScheduleInput,
  type SchedulePatch,
} from './recurring.schemas.ts';

/** Catch-up after downtime issues at most this many periods of one schedule per worker run. */
export const MAX_PERIODS_PER_RUN = 12;
/**
 * Periods committed per transaction by runDue (docs/DECISIONS.md D17): one commit (an fsync on
 * SQLite) per batch instead of per invoice, while the write lock is held for a bounded time (each
 * period renders and signs its PDF in the transaction).
 */
export const RECURRING_BATCH_SIZE = 25;

/** Who asks: the member (for API tokens, the token's user) and what they may do in this request. */
export interface Requester {
  userId: string;
  permissions: ReadonlySet<Permission>;
}

type Row = ScheduleRow;
const tplAad = (id: string) => ({ table: 'recurring_schedules', row: id, column: 'template_enc' });

export interface RecurringDeps {
  db: Database;
  keyring: Keyring;
  audit: AuditService;
  clock: Clock;
  orgs: Pick<OrgService, 'get' | 'getInTx'>;
  documents: Pick<DocumentService, 'createDraftInTx' | 'prepareDraft' | 'previewTotalsInTx'>;
  lifecycle: Pick<LifecycleService, 'issueInTx'>;
  /** Queues the sending of an invoice a schedule with autoSend issued, in the issuing transaction. */
  sender: Pick<RecurringSendService, 'queueInTx'>;
  /** Whether a member holds a permission now (identity owns memberships and roles). */
  holdsInTx: (ex: Executor, orgId: string, userId: string, permission: Permission) => Promise<boolean>;
}

type HoldReason = 'issuer_lacks_invoice_issue' | 'no_issuer';

const SYSTEM: AuditActor = { type: 'system', id: 'recurring' };

export function createRecurringService({
  db,
  keyring,
  audit,
  clock,
  orgs,
  documents,
  lifecycle,
  sender,
  holdsInTx: holds,
}: RecurringDeps) {
  async function toSchedule(ex: Executor, r: Row): Promise<Schedule> {
    const crypto = await keyring.forOrg(ex, r.org_id);
    const tpl = storedTemplate.parse(crypto.decryptJson(r.template_enc, tplAad(r.id)));
    // Computed with today's tax rates, as the next run will; a rate deleted since leaves no amount.
    const amount = await documents.previewTotalsInTx(ex, r.org_id, tpl.lines, tpl.discount).then(
      (t) => ({ subtotal: t.subtotal, taxTotal: t.taxTotal, total: t.total }),
      (err: unknown) => {
        if (err instanceof AppError && err.code === 'unprocessable') return null;
        throw err;
      },
    );
    return {
      id: r.id,
      clientId: r.client_id,
      currency: r.currency,
      frequency: r.frequency,
      intervalCount: r.interval_count,
      startOn: r.start_on,
      nextRunOn: r.next_run_on,
      endOn: r.end_on,
      lastRunOn: r.last_run_on,
      autoIssue: r.auto_issue === 1,
      autoSend: r.auto_send === 1,
      senderUserId: r.sender_user_id,
      autoCharge: r.auto_charge === 1,
      chargerUserId: r.charger_user_id,
      issuerUserId: r.issuer_user_id,
      autoIssueHeld:
        r.issue_hold && r.issue_hold_since ? { reason: r.issue_hold as HoldReason, since: r.issue_hold_since } : null,
      status: r.status,
      template: tpl,
      amount,
      createdAt: r.created_at,
    };
  }

  async function find(ex: Executor, orgId: string, id: string): Promise<Row> {
    const r = await findSchedule(ex, orgId, id);
    if (!r) throw notFound('Recurring schedule');
    return r;
  }

  /** Sending on its own needs a member who may send invoices, and a schedule that issues them (a draft is not sent). */
  function checkAutoSend(by: Requester, autoIssue: boolean): void {
    if (!by.permissions.has('invoice:send'))
      throw new AppError('forbidden', 'Sending invoices automatically needs the invoice:send permission', {
        fieldErrors: [{ path: '/body/autoSend', message: 'needs invoice:send' }],
      });
    if (!autoIssue)
      throw unprocessable('Only a schedule that issues its invoices automatically can send them', [
        { path: '/body/autoSend', message: 'needs autoIssue' },
      ]);
  }

  /** Charging on its own takes the client's money: a member who may record payments, on a schedule that sends (the fallback). */
  function checkAutoCharge(by: Requester, autoSend: boolean): void {
    if (!by.permissions.has('payment:record'))
      throw new AppError('forbidden', 'Charging invoices automatically needs the payment:record permission', {
        fieldErrors: [{ path: '/body/autoCharge', message: 'needs payment:record' }],
      });
    if (!autoSend)
      throw unprocessable(
        'Only a schedule that sends its invoices automatically can charge them (a failed charge falls back to sending)',
        [{ path: '/body/autoCharge', message: 'needs autoSend' }],
      );
  }

  /** Runs one due period of one schedule in the caller's transaction; false if another worker got there first. */
  async function runOnceInTx(tx: Executor, orgId: string, id: string, period: string): Promise<boolean> {
    const s = await find(tx, orgId, id);
    if (s.status !== 'active' || s.next_run_on !== period) return false;
    if (s.end_on !== null && period > s.end_on) {
      await updateSchedule(tx, orgId, id, { status: 'ended', updated_at: clock.now().toISOString() });
      return false;
    }
    const following = nextRun(period, s.start_on, s.frequency, s.interval_count);
    const ended = s.end_on !== null && following > s.end_on;
    // The issuer's permission as it is now, not as it was when the schedule was set up.
    const hold: HoldReason | null =
      s.auto_issue !== 1
        ? null
        : !s.issuer_user_id
          ? 'no_issuer'
          : (await holds(tx, orgId, s.issuer_user_id, 'invoice:issue'))
            ? null
            : 'issuer_lacks_invoice_issue';
    const now = clock.now().toISOString();
    const moved = await advanceSchedule(tx, orgId, id, period, {
      next_run_on: following,
      last_run_on: period,
      status: ended ? 'ended' : 'active',
      issue_hold: hold,
      issue_hold_since: hold ? (s.issue_hold_since ?? now) : null,
      updated_at: now,
    });
    if (!moved) return false;
    const tpl = template.parse((await keyring.forOrg(tx, orgId)).decryptJson(s.template_enc, tplAad(id)));
    const draft = await documents.createDraftInTx(
      tx,
      orgId,
      'invoice',
      { ...tpl, issueDate: period },
      { recurring_schedule_id: id, recurring_period: period },
    );
    // Issue before the audit append: issuing takes the number-sequence row lock and then the
    // audit chain lock, and every transaction must take them in that order (else two of them
    // deadlock on PostgreSQL, each holding the lock the other waits for).
    // Recurring runs do not ask for the missing-payout-details confirmation: nobody is there to
    // answer it; whoever set up the schedule decided (README, "Recurring invoices").
    const issue = s.auto_issue === 1 && hold === null;
    if (issue) await lifecycle.issueInTx(tx, orgId, 'invoice', draft.id, SYSTEM, { confirmWithoutPayoutDetails: true });
    // A draft (auto-issue held) is not sent: it is for someone to review and issue. The member
    // who turned sending on must still hold invoice:send, as the issuer must hold invoice:issue.
    if (issue && s.auto_send === 1) {
      const mayStillSend = s.sender_user_id !== null && (await holds(tx, orgId, s.sender_user_id, 'invoice:send'));
      const mayStillCharge =
        s.auto_charge === 1 &&
        s.charger_user_id !== null &&
        (await holds(tx, orgId, s.charger_user_id, 'payment:record'));
      await sender.queueInTx(tx, orgId, {
        scheduleId: id,
        documentId: draft.id,
        period,
        ...(mayStillSend
          ? {}
          : {
              heldBecause:
                'not sent: the member who turned on automatic sending may no longer send invoices; send it by hand, and turn sending on again to confirm',
            }),
        ...(s.auto_charge !== 1
          ? {}
          : {
              charge: mayStillCharge
                ? {}
                : {
                    heldBecause:
                      'not charged: the member who turned on automatic charging may no longer record payments; the invoice was sent to pay, and turning charging on again confirms it',
                  },
            }),
      });
    }
    await audit.appendInTx(tx, {
      orgId,
      actor: SYSTEM,
      action: 'recurring.invoice_created',
      objectType: 'invoice',
      objectId: draft.id,
      summary: {
        scheduleId: id,
        period,
        issued: issue,
        ...(issue && s.auto_send === 1 ? { sendQueued: true } : {}),
        ...(hold ? { held: hold } : {}),
      },
    });
    if (hold && !s.issue_hold) {
      await audit.appendInTx(tx, {
        orgId,
        actor: SYSTEM,
        action: 'recurring.auto_issue_held',
        objectType: 'recurring_schedule',
        objectId: id,
        summary: { reason: hold, issuer: s.issuer_user_id },
      });
    }
    return true;
  }

  /**
   * The next due period of one schedule, under a savepoint of the batch's transaction: 'ran' (an
   * invoice made), 'done' (nothing due today, or another runner got there first), or the error
   * that kept it at its period (what it wrote is undone; the batch goes on).
   */
  async function runNextInTx(tx: Tx, orgId: string, id: string, today: string): Promise<'ran' | 'done'> {
    return inSavepoint(tx, 'recurring_period', async () => {
      const s = await find(tx, orgId, id);
      if (s.status !== 'active' || s.next_run_on > today) return 'done';
      return (await runOnceInTx(tx, orgId, id, s.next_run_on)) ? 'ran' : 'done';
    });
  }

  return {
    async create(orgId: string, raw: ScheduleInput, actor: AuditActor, by: Requester): Promise<Schedule> {
      const input = scheduleInput.parse(raw);
      if (input.endOn !== null && input.endOn < input.startOn)
        throw unprocessable('The end date is before the start date', [
          { path: '/body/endOn', message: 'before startOn' },
        ]);
      if (input.autoIssue && !by.permissions.has('invoice:issue')) {
        throw new AppError(
          'forbidden',
          'Issuing invoices automatically needs the invoice:issue permission; create the schedule with autoIssue: false (its runs then create drafts for someone who may issue them)',
          {
            fieldErrors: [{ path: '/body/autoIssue', message: 'needs invoice:issue' }],
          },
        );
      }
      if (input.autoSend) checkAutoSend(by, input.autoIssue);
      if (input.autoCharge) checkAutoCharge(by, input.autoSend);
      return inTx(db, async (tx) => {
        const today = dateInZone(clock.now(), (await orgs.getInTx(tx, orgId)).timeZone);
        const earliest = onePeriodBefore(today, input.frequency, input.intervalCount);
        if (input.startOn < earliest) {
          if (!input.confirmBackdatedStart) {
            throw unprocessable(
              `A schedule may start at most one period before today (${earliest}); an owner or admin can confirm an earlier start with confirmBackdatedStart: true`,
              [{ path: '/body/startOn', message: `earlier than ${earliest}` }],
            );
          }
          if (!isAdministrative(by.permissions)) {
            throw new AppError(
              'forbidden',
              'Only an owner or admin may confirm a start more than one period in the past',
              { fieldErrors: [{ path: '/body/confirmBackdatedStart', message: 'owners and admins only' }] },
            );
          }
        }
        const id = newId();
        const now = clock.now().toISOString();
        // The template is validated exactly like a draft (client, tax rates, totals), without writing one.
        const probe = await documents.prepareDraft(
          tx,
          orgId,
          'invoice',
          { ...templateOf(input), issueDate: input.startOn },
          id,
        );
        const crypto = await keyring.forOrg(tx, orgId);
        const row: Row = {
          id,
          org_id: orgId,
          client_id: input.clientId,
          currency: probe.currency,
          template_enc: crypto.encryptJson(templateOf(input), tplAad(id)),
          frequency: input.frequency,
          interval_count: input.intervalCount,
          start_on: input.startOn,
          next_run_on: input.startOn,
          end_on: input.endOn,
          auto_issue: input.autoIssue ? 1 : 0,
          auto_send: input.autoSend ? 1 : 0,
          sender_user_id: input.autoSend ? by.userId : null,
          auto_charge: input.autoCharge ? 1 : 0,
          charger_user_id: input.autoCharge ? by.userId : null,
          last_run_on: null,
          status: 'active',
          issuer_user_id: input.autoIssue ? by.userId : null,
          issue_hold: null,
          issue_hold_since: null,
          created_at: now,
          updated_at: now,
        };
        await insertSchedule(tx, row);
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'recurring.created',
          objectType: 'recurring_schedule',
          objectId: id,
          summary: {
            frequency: input.frequency,
            startOn: input.startOn,
            autoIssue: input.autoIssue,
            autoSend: input.autoSend,
            autoCharge: input.autoCharge,
            ...(input.startOn < earliest ? { backdatedStartConfirmed: true } : {}),
          },
        });
        return toSchedule(tx, row);
      });
    },

    /**
     * Edits the template and the rhythm. The next run moves to today or later and past the period
     * last run; a new next run (or rhythm) becomes the anchor the following runs keep the day of.
     * Compare-and-set on the next run, so an edit racing the worker's run is refused (409), never
     * rolled back onto a period that was just issued.
     */
    async update(orgId: string, id: string, raw: SchedulePatch, actor: AuditActor, by: Requester): Promise<Schedule> {
      const patch = schedulePatch.parse(raw);
      return inTx(db, async (tx) => {
        const s = await find(tx, orgId, id);
        if (s.status === 'ended') throw conflict('An ended schedule cannot be edited; create a new one');
        // Turning sending on (again) makes the requester the member each run checks for invoice:send.
        if (patch.autoSend) checkAutoSend(by, s.auto_issue === 1);
        // Charging relies on sending (the fallback): it cannot stay on when sending goes off.
        const autoSend = patch.autoSend ?? s.auto_send === 1;
        if (patch.autoCharge) checkAutoCharge(by, autoSend);
        else if (!autoSend && s.auto_charge === 1 && patch.autoCharge !== false)
          throw unprocessable('Turn automatic charging off too: it falls back to sending', [
            { path: '/body/autoSend', message: 'autoCharge is on' },
          ]);
        const today = dateInZone(clock.now(), (await orgs.getInTx(tx, orgId)).timeZone);
        const next = patch.nextRunOn ?? s.next_run_on;
        if (patch.nextRunOn !== undefined && patch.nextRunOn !== s.next_run_on) {
          if (patch.nextRunOn < today)
            throw unprocessable(`The next run must be today (${today}) or later`, [
              { path: '/body/nextRunOn', message: `before ${today}` },
            ]);
          if (s.last_run_on !== null && patch.nextRunOn <= s.last_run_on)
            throw unprocessable(`The next run must be after ${s.last_run_on}, the period last invoiced`, [
              { path: '/body/nextRunOn', message: `not after ${s.last_run_on}` },
            ]);
        }
        const endOn = patch.endOn !== undefined ? patch.endOn : s.end_on;
        if (endOn !== null && endOn < next)
          throw unprocessable('The end date is before the next run', [
            { path: patch.endOn !== undefined ? '/body/endOn' : '/body/nextRunOn', message: `before ${next}` },
          ]);
        const frequency = patch.frequency ?? s.frequency;
        const intervalCount = patch.intervalCount ?? s.interval_count;
        const rhythmChanged = next !== s.next_run_on || frequency !== s.frequency || intervalCount !== s.interval_count;

        const { lines, discount, notes, terms, exchangeRate } = patch;
        const tplPatch = Object.fromEntries(
          Object.entries({ lines, discount, notes, terms, exchangeRate }).filter(([, v]) => v !== undefined),
        );
        const crypto = await keyring.forOrg(tx, orgId);
        let templateEnc = s.template_enc;
        if (Object.keys(tplPatch).length > 0) {
          const stored = storedTemplate.parse(crypto.decryptJson(s.template_enc, tplAad(id)));
          const tpl = template.parse({ ...stored, ...tplPatch });
          // Validated exactly like a draft (tax rates, totals, printed text), without writing one.
          await documents.prepareDraft(tx, orgId, 'invoice', { ...tpl, issueDate: next }, id);
          templateEnc = crypto.encryptJson(tpl, tplAad(id));
        }
        const moved = await advanceSchedule(tx, orgId, id, s.next_run_on, {
          template_enc: templateEnc,
          frequency,
          interval_count: intervalCount,
          next_run_on: next,
          start_on: rhythmChanged ? next : s.start_on,
          end_on: endOn,
          ...(patch.autoSend !== undefined
            ? { auto_send: patch.autoSend ? 1 : 0, sender_user_id: patch.autoSend ? by.userId : null }
            : {}),
          ...(patch.autoCharge !== undefined
            ? { auto_charge: patch.autoCharge ? 1 : 0, charger_user_id: patch.autoCharge ? by.userId : null }
            : {}),
          updated_at: clock.now().toISOString(),
        });
        if (!moved) throw conflict('The schedule ran while you edited it; reload it and edit again');
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'recurring.updated',
          objectType: 'recurring_schedule',
          objectId: id,
          summary: {
            changed: Object.keys(patch).filter((k) => patch[k as keyof SchedulePatch] !== undefined),
            ...(rhythmChanged ? { nextRunOn: next, frequency, intervalCount, previousNextRunOn: s.next_run_on } : {}),
            ...(patch.endOn !== undefined ? { endOn } : {}),
            ...(patch.autoSend !== undefined ? { autoSend: patch.autoSend } : {}),
            ...(patch.autoCharge !== undefined ? { autoCharge: patch.autoCharge } : {}),
          },
        });
        return toSchedule(tx, await find(tx, orgId, id));
      });
    },

    async get(orgId: string, id: string): Promise<Schedule> {
      return toSchedule(db, await find(db, orgId, id));
    },

    async list(orgId: string): Promise<Schedule[]> {
      const rows = await listSchedules(db, orgId, 500);
      return Promise.all(rows.map((r) => toSchedule(db, r)));
    },

    /** Every schedule of the org, ended ones included (the data export). */
    async exportAllInTx(ex: Executor, orgId: string): Promise<Schedule[]> {
      const rows = await listAllSchedules(ex, orgId);
      return Promise.all(rows.map((r) => toSchedule(ex, r)));
    },

    async setStatus(
      orgId: string,
      id: string,
      status: 'active' | 'paused' | 'ended',
      actor: AuditActor,
    ): Promise<Schedule> {
      return inTx(db, async (tx) => {
        const s = await find(tx, orgId, id);
        if (s.status === 'ended' && status !== 'ended')
          throw conflict('An ended schedule cannot be restarted; create a new one');
        // Resuming skips the periods that fell due while paused: a pause means "do not bill",
        // not "bill later". Catch-up after downtime applies only to active schedules.
        let next = s.next_run_on;
        if (s.status === 'paused' && status === 'active') {
          const today = dateInZone(clock.now(), (await orgs.getInTx(tx, orgId)).timeZone);
          while (next < today) next = nextRun(next, s.start_on, s.frequency, s.interval_count);
        }
        await updateSchedule(tx, orgId, id, { status, next_run_on: next, updated_at: clock.now().toISOString() });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: `recurring.${status}`,
          objectType: 'recurring_schedule',
          objectId: id,
        });
        return toSchedule(tx, await find(tx, orgId, id));
      });
    },

    /**
     * Someone who holds invoice:issue vouches for the schedule's automatic issuing from now on (it
     * becomes the issuer checked at each run); lifts a hold. Issues nothing itself.
     */
    async confirmIssuer(orgId: string, id: string, actor: AuditActor, by: Requester): Promise<Schedule> {
      if (!by.permissions.has('invoice:issue'))
        throw new AppError('forbidden', 'Confirming automatic issuing needs the invoice:issue permission');
      return inTx(db, async (tx) => {
        const s = await find(tx, orgId, id);
        if (s.auto_issue !== 1) throw conflict('This schedule creates drafts; it does not issue automatically');
        await updateSchedule(tx, orgId, id, {
          issuer_user_id: by.userId,
          issue_hold: null,
          issue_hold_since: null,
          updated_at: clock.now().toISOString(),
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'recurring.issuer_confirmed',
          objectType: 'recurring_schedule',
          objectId: id,
          summary: { issuer: by.userId, previous: s.issuer_user_id, heldWas: s.issue_hold },
        });
        return toSchedule(tx, await find(tx, orgId, id));
      });
    },

    /**
     * Issues what is due up to today (in each org's time zone), at most MAX_PERIODS_PER_RUN periods
     * per schedule (the next run continues a longer catch-up); returns how many invoices were
     * created. Called by the worker only. Periods are committed in batches: up to
     * RECURRING_BATCH_SIZE periods, of one or several schedules, per transaction (one commit
     * each), every period under its own savepoint. A schedule that fails (e.g. its client was
     * archived) has that period rolled back alone and stays at it; the batch goes on with the
     * other schedules and commits them; the failures are thrown together at the end, for the
     * worker to log. A crash before a batch commits leaves none of its periods done (the schedule's
     * advance, the invoice and its number commit together), and the next run issues them, never
     * one twice (the advance is a compare-and-set, and (schedule, period) is unique).
     */
    async runDue(): Promise<number> {
      const queue = await listActiveSchedules(db);
      const todayOf = new Map<string, string>();
      const periodsRun = new Map<string, number>();
      let created = 0;
      const failures: Error[] = [];
      while (queue.length > 0) {
        created += await inTx(db, async (tx) => {
          let inBatch = 0;
          while (queue.length > 0 && inBatch < RECURRING_BATCH_SIZE) {
            const c = queue[0]!;
            try {
              let today = todayOf.get(c.org_id);
              if (today === undefined) {
                today = dateInZone(clock.now(), (await orgs.getInTx(tx, c.org_id)).timeZone);
                todayOf.set(c.org_id, today);
              }
              const ran =
                (periodsRun.get(c.id) ?? 0) < MAX_PERIODS_PER_RUN &&
                (await runNextInTx(tx, c.org_id, c.id, today)) === 'ran';
              if (!ran) {
                queue.shift();
                continue;
              }
              periodsRun.set(c.id, (periodsRun.get(c.id) ?? 0) + 1);
              inBatch++;
            } catch (err) {
              queue.shift();
              failures.push(new Error(`schedule ${c.id}: ${(err as Error).message}`, { cause: err }));
            }
          }
          return inBatch;
        });
      }
      if (failures.length > 0)
        throw new AggregateError(
          failures,
          `${failures.length} recurring schedule${failures.length === 1 ? '' : 's'} failed (${created} invoices created)`,
        );
      return created;
    },
  };
}

export type RecurringService = ReturnType<typeof createRecurringService>;
