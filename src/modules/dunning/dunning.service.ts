// Payment reminders and dunning (issue #15, item 1). The worker (hourly) looks at every open
// invoice with a balance, finds the step of its client's plan that has come due (dunning.plan.ts)
// and writes a reminder row — unique per invoice and step — together with a job, in one
// transaction. The job sends the reminder as a delivery in the client's delivery mode (the same
// signed evidence as any sending, with the reminder's facts and charges in it), so a reminder
// history holds up in a dispute.
// Never twice: a step's row can be written once, and a job claims its row (queued → sending)
// before sending. A job that finds its row already 'sending' ran before and died mid-send; the
// message may have left, so the row becomes 'interrupted' for staff to check, never resent.
// Never to the wrong invoice: paid, voided, disputed, paused or stopped invoices are skipped, and
// this is checked again when the job runs, not only when it was queued.
// Late-payment charges (statutory interest, the EUR 40 compensation) are computed when the
// reminder is sent (dunning.charges.ts) and shown in the reminder; the issued invoice never changes.
import type { Clock } from '../../platform/clock.ts';
import { dateInZone } from '../../platform/clock.ts';
import type { Database, Executor } from '../../platform/db/kysely.ts';
import { inTx } from '../../platform/db/tx.ts';
import { conflict, notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { defineJob, type Jobs } from '../../platform/jobs/jobs.ts';
import { addDays, daysBetween } from '../../shared/dates.ts';
import { z } from 'zod';
import type { AuditActor, AuditService } from '../audit/audit.service.ts';
import type { ClientService } from '../clients/client.service.ts';
import type { DeliveryService } from '../delivery/delivery.service.ts';
import type { ReminderFacts } from '../delivery/messages.ts';
import type { DocumentService } from '../documents/document.service.ts';
import type { PdfSigner } from '../documents/pdf/pdf-signature.ts';
import { renderDocumentPdf } from '../documents/pdf/render-document-pdf.ts';
import type { FileService } from '../files/file.service.ts';
import type { OrgService } from '../orgs/org.service.ts';
import type { OrgLogoService } from '../orgs/org-logo.service.ts';
import { REMINDER_PATTERN, REMINDER_SERIES, reminderDocumentView } from './dunning.document.ts';
import { RECOVERY_COMPENSATION_EUR_CENTS, statutoryInterest, type InterestPeriod } from './dunning.charges.ts';
import {
  DEFAULT_MARGIN_PERCENT,
  DEFAULT_STEPS,
  dueStep,
  nextStep,
  stepKey,
  stepSchema,
  type Step,
} from './dunning.plan.ts';
import {
  clearDefaultPlan,
  compensationClaimed,
  findInvoiceFacts,
  findPlan,
  findReminder,
  insertDefaultPlanIfNone,
  insertPlan,
  insertReminder,
  lastStepOffsets,
  listClientSettings,
  listOrgZones,
  listPlans,
  listRates,
  listTroubledReminders,
  listReminders,
  listRemindable,
  moveReminder,
  replaceRates,
  setInvoiceHold,
  updatePlan,
  upsertClientSetting,
  type ClientSettingRow,
  type OpenInvoice,
  type PlanRow,
  type ReminderRow,
} from './dunning.repo.ts';
import type { InvoiceDunning, Plan, PlanInput, Reminder } from './dunning.schemas.ts';
import { OPEN_INVOICE_STATUS_SET } from '../documents/documents.tables.ts';

const SYSTEM: AuditActor = { type: 'system', id: 'dunning' };
const PAGE = 500;
const EVERY_MS = 60 * 60_000;

export interface DunningDeps {
  db: Database;
  clock: Clock;
  audit: AuditService;
  jobs: Jobs;
  orgs: Pick<OrgService, 'get'>;
  /** The organization's logo at the top of the reminder. */
  orgLogo?: Pick<OrgLogoService, 'imageInTx'>;
  clients: Pick<ClientService, 'get'>;
  documents: Pick<DocumentService, 'get' | 'nextNumberInTx'>;
  files: Pick<FileService, 'putInTx' | 'getInTx'>;
  delivery: Pick<DeliveryService, 'send'>;
  /** PAdES signer (verification module) for reminder documents; unsigned until one is wired. */
  pdfSignerInTx?: (tx: Executor, orgId: string) => Promise<PdfSigner>;
}

const toPlan = (r: PlanRow): Plan => ({
  id: r.id,
  name: r.name,
  steps: z.array(stepSchema).parse(JSON.parse(r.steps)),
  marginPercent: r.margin_percent,
  isDefault: r.is_default === 1,
});

const toReminder = (r: ReminderRow): Reminder => ({
  id: r.id,
  step: r.offset_days === null ? 'manual' : r.step_key,
  offsetDays: r.offset_days,
  scheduledOn: r.scheduled_on,
  status: r.status,
  outstanding: r.outstanding === null ? null : Number(r.outstanding),
  interest: r.interest === null ? null : Number(r.interest),
  compensation: r.compensation === null ? null : Number(r.compensation),
  chargesDetail: r.charges_detail ? (JSON.parse(r.charges_detail) as Record<string, unknown>) : null,
  number: r.number,
  hasDocument: r.file_id !== null,
  deliveryId: r.delivery_id,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A reminder row not yet sent: nothing computed, no document, no delivery. */
const newReminderRow = (
  p: Pick<ReminderRow, 'id' | 'org_id' | 'document_id' | 'step_key' | 'offset_days' | 'scheduled_on' | 'status'> & {
    interest: boolean;
    compensation: boolean;
    by: string;
    at: string;
  },
): ReminderRow => ({
  id: p.id,
  org_id: p.org_id,
  document_id: p.document_id,
  step_key: p.step_key,
  offset_days: p.offset_days,
  scheduled_on: p.scheduled_on,
  status: p.status,
  add_interest: p.interest ? 1 : 0,
  add_compensation: p.compensation ? 1 : 0,
  outstanding: null,
  interest: null,
  compensation: null,
  charges_detail: null,
  number: null,
  file_id: null,
  pdf_sha256: null,
  delivery_id: null,
  error: null,
  created_by: p.by,
  created_at: p.at,
  updated_at: p.at,
});

const sortedSteps = (steps: Step[]) => [...steps].sort((a, b) => a.offsetDays - b.offsetDays);

/** The plan a client's invoices follow: its own, none when it opted out, else the default. */
function planFor(setting: ClientSettingRow | undefined, plans: Plan[]): Plan | null {
  if (setting?.opted_out) return null;
  return plans.find((p) => p.id === setting?.plan_id) ?? plans.find((p) => p.isDefault) ?? null;
}

export function createDunningService(deps: DunningDeps) {
  const { db, clock, audit, jobs, orgs, clients, documents, files, delivery } = deps;
  let lastRun = 0;
  const now = () => clock.now().toISOString();

  /** The organization's plans; the default plan is created with working steps on first use. */
  async function plansOf(ex: Executor, orgId: string): Promise<Plan[]> {
    let rows = await listPlans(ex, orgId);
    if (rows.length === 0) {
      await insertDefaultPlanIfNone(ex, {
        id: newId(clock.now().getTime()),
        org_id: orgId,
        name: 'Standard',
        steps: JSON.stringify(DEFAULT_STEPS),
        margin_percent: DEFAULT_MARGIN_PERCENT,
        is_default: 1,
        created_at: now(),
        updated_at: now(),
      });
      rows = await listPlans(ex, orgId);
    }
    return rows.map(toPlan);
  }

  async function today(orgId: string): Promise<string> {
    return dateInZone(clock.now(), (await orgs.get(orgId)).timeZone);
  }

  /** Writes a plan step's reminder and its job; false when the step was already taken. */
  async function queue(orgId: string, inv: OpenInvoice, step: Step, on: string): Promise<boolean> {
    return inTx(db, async (tx) => {
      const id = newId(clock.now().getTime());
      const written = await insertReminder(
        tx,
        newReminderRow({
          id,
          org_id: orgId,
          document_id: inv.id,
          step_key: stepKey(step),
          offset_days: step.offsetDays,
          scheduled_on: on,
          status: 'queued',
          interest: step.interest,
          compensation: step.compensation,
          by: SYSTEM.id!,
          at: now(),
        }),
      );
      if (written) await jobs.enqueue(tx, sendJob, { orgId, reminderId: id });
      return written;
    });
  }

  async function runOrg(orgId: string, timeZone: string): Promise<number> {
    const day = dateInZone(clock.now(), timeZone);
    const plans = await plansOf(db, orgId);
    const lead = Math.max(0, ...plans.flatMap((p) => p.steps.map((s) => -s.offsetDays)));
    let queued = 0;
    let after = '';
    for (;;) {
      const page = await listRemindable(db, orgId, addDays(day, lead), after, PAGE);
      if (page.length === 0) break;
      after = page.at(-1)!.id;
      const settings = new Map(
        (await listClientSettings(db, orgId, [...new Set(page.map((i) => i.client_id))])).map((s) => [s.client_id, s]),
      );
      const last = await lastStepOffsets(
        db,
        orgId,
        page.map((i) => i.id),
      );
      for (const inv of page) {
        const plan = planFor(settings.get(inv.client_id), plans);
        const step = plan && dueStep(plan.steps, daysBetween(inv.due_date, day), last.get(inv.id) ?? null);
        if (step && (await queue(orgId, inv, step, day))) queued++;
      }
      if (page.length < PAGE) break;
    }
    return queued;
  }

  /** The charges a reminder adds, computed today from the invoice's balance (nothing before the due date). */
  async function charges(orgId: string, row: ReminderRow, inv: OpenInvoice, day: string, marginPercent: string) {
    const detail: Record<string, unknown> = {};
    const daysPastDue = daysBetween(inv.due_date, day);
    let interest: ReminderFacts['interest'] = null;
    let periods: InterestPeriod[] = [];
    let compensation: number | null = null;
    if (row.add_interest && daysPastDue > 0) {
      const rates = (await listRates(db, orgId)).map((r) => ({ validFrom: r.valid_from, ratePercent: r.rate_percent }));
      const r = statutoryInterest({
        principal: inv.outstanding,
        dueDate: inv.due_date,
        until: day,
        rates,
        marginPercent,
      });
      if (r.missingRateOn) detail.interestNotAdded = `no reference rate entered for ${r.missingRateOn}`;
      else {
        interest = { amount: r.amount, days: r.days, annualPercent: r.periods.at(-1)!.annualPercent };
        detail.interest = { principal: inv.outstanding, marginPercent, basis: 'actual/365', periods: r.periods };
        periods = r.periods;
      }
    }
    if (row.add_compensation && daysPastDue > 0) {
      if (inv.currency !== 'EUR') detail.compensationNotAdded = 'the EUR 40 compensation applies to EUR invoices';
      else if (await compensationClaimed(db, orgId, inv.id))
        detail.compensationNotAdded = 'already claimed for this invoice';
      else compensation = RECOVERY_COMPENSATION_EUR_CENTS;
    }
    return { daysPastDue, interest, periods, compensation, detail };
  }

  /**
   * Numbers, renders, signs and stores the reminder document in one transaction with the charges
   * it shows; the number is drawn only when the document is kept.
   */
  async function reminderDocument(
    orgId: string,
    row: ReminderRow,
    inv: OpenInvoice,
    day: string,
    org: Awaited<ReturnType<OrgService['get']>>,
    c: {
      interest: ReminderFacts['interest'];
      periods: InterestPeriod[];
      compensation: number | null;
      marginPercent: string;
    },
    computed: Partial<ReminderRow> & { status: 'sending' },
  ) {
    const [invoice, client] = await Promise.all([
      documents.get(orgId, 'invoice', inv.id),
      clients.get(orgId, inv.client_id),
    ]);
    return inTx(db, async (tx) => {
      const number = await documents.nextNumberInTx(tx, orgId, REMINDER_SERIES, REMINDER_PATTERN, day);
      const view = reminderDocumentView(
        {
          number,
          date: day,
          currency: inv.currency,
          invoice: {
            number: inv.number ?? '',
            issueDate: invoice.issueDate ?? day,
            dueDate: inv.due_date,
            outstanding: inv.outstanding,
          },
          interest: c.interest
            ? { principal: inv.outstanding, marginPercent: c.marginPercent, periods: c.periods }
            : null,
          compensation: c.compensation,
        },
        org,
        client,
      );
      const logo = (await deps.orgLogo?.imageInTx(tx, orgId))?.bytes ?? null;
      const pdf = await renderDocumentPdf(logo ? { ...view, logo } : view, {
        creationDate: clock.now(),
        signer: deps.pdfSignerInTx ? await deps.pdfSignerInTx(tx, orgId) : null,
      });
      const stored = await files.putInTx(tx, orgId, 'reminder', 'application/pdf', pdf);
      await moveReminder(tx, orgId, row.id, 'sending', {
        ...computed,
        number,
        file_id: stored.id,
        pdf_sha256: stored.sha256,
      });
      return { number, bytes: pdf, filename: `${number}.pdf`, contentType: 'application/pdf', sha256: stored.sha256 };
    });
  }

  /** Sends a claimed ('sending') reminder and records the outcome. */
  async function send(orgId: string, row: ReminderRow, actor: AuditActor): Promise<void> {
    const finish = (status: ReminderRow['status'], patch: Partial<ReminderRow> = {}) =>
      inTx(db, async (tx) => {
        await moveReminder(tx, orgId, row.id, 'sending', { ...patch, status, updated_at: now() });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: `dunning.reminder_${status}`,
          objectType: 'invoice',
          objectId: row.document_id,
          summary: { reminderId: row.id, step: row.step_key, ...(patch.error ? { reason: patch.error } : {}) },
        });
      });
    const inv = await findInvoiceFacts(db, orgId, row.document_id);
    if (!inv || !OPEN_INVOICE_STATUS_SET.has(inv.status) || inv.outstanding <= 0)
      return finish('skipped', { error: 'the invoice is no longer open' });
    if (inv.disputed) return finish('skipped', { error: 'a payment dispute is open on the invoice' });
    if (row.offset_days !== null && inv.state !== 'active')
      return finish('skipped', { error: `reminders are ${inv.state}` });

    const [org, plans, setting] = await Promise.all([
      orgs.get(orgId),
      plansOf(db, orgId),
      listClientSettings(db, orgId, [inv.client_id]),
    ]);
    const plan = planFor(setting[0], plans) ?? plans.find((p) => p.isDefault)!;
    const day = dateInZone(clock.now(), org.timeZone);
    const c = await charges(orgId, row, inv, day, plan.marginPercent);
    const computed = {
      status: 'sending' as const,
      outstanding: inv.outstanding,
      interest: c.interest?.amount ?? null,
      compensation: c.compensation,
      charges_detail: Object.keys(c.detail).length ? JSON.stringify(c.detail) : null,
      updated_at: now(),
    };
    const charged = (c.interest?.amount ?? 0) + (c.compensation ?? 0) > 0;
    const document = charged
      ? await reminderDocument(orgId, row, inv, day, org, { ...c, marginPercent: plan.marginPercent }, computed)
      : null;
    if (!document) await moveReminder(db, orgId, row.id, 'sending', computed);
    const reminder: ReminderFacts = {
      dueDate: inv.due_date,
      daysPastDue: c.daysPastDue,
      outstanding: inv.outstanding,
      interest: c.interest,
      compensation: c.compensation,
      ...(document && { document: { number: document.number, sha256: document.sha256 } }),
    };
    try {
      const d = await delivery.send(orgId, 'invoice', inv.id, { includeBillingEmail: true }, actor, {
        reminder,
        ...(document && { attachments: [document] }),
      });
      const status = d.status === 'relayed' ? 'sent' : d.status === 'saved_to_outbox' ? 'saved_to_outbox' : 'failed';
      await finish(status, {
        delivery_id: d.id,
        ...(status === 'failed' ? { error: 'the relay did not accept it' } : {}),
      });
    } catch (err) {
      // Refused before anything left (no contact with an email, a missing key): shown, not retried.
      await finish('failed', { error: (err instanceof Error ? err.message : String(err)).slice(0, 300) });
    }
  }

  const sendJob = defineJob(
    'dunning.send',
    z.object({ orgId: z.string(), reminderId: z.string() }),
    async ({ orgId, reminderId }) => {
      if (await moveReminder(db, orgId, reminderId, 'queued', { status: 'sending', updated_at: now() })) {
        const row = await findReminder(db, orgId, reminderId);
        if (row) await send(orgId, row, SYSTEM);
        return;
      }
      // Claimed before by a run that died mid-send: the message may have left. Never resend.
      await moveReminder(db, orgId, reminderId, 'sending', {
        status: 'interrupted',
        error: 'interrupted while sending; check the delivery evidence before sending one by hand',
        updated_at: now(),
      });
    },
  );
  jobs.register(sendJob);

  async function invoiceFacts(orgId: string, documentId: string) {
    const inv = await findInvoiceFacts(db, orgId, documentId);
    if (!inv) throw notFound('Invoice');
    return inv;
  }

  const service = {
    /** The job that sends one queued reminder (exposed so a test can run it again, as a runner that died would). */
    sendJob,

    /** Queues every reminder step that has come due, in every organization; the number queued. */
    async runDue(): Promise<number> {
      lastRun = clock.now().getTime();
      let queued = 0;
      for (const org of await listOrgZones(db)) queued += await runOrg(org.id, org.time_zone);
      return queued;
    },

    /** Called by the worker every minute; looks for due steps at most hourly (steps are days apart). */
    async runIfDue(): Promise<number | null> {
      if (clock.now().getTime() - lastRun < EVERY_MS) return null;
      return service.runDue();
    },

    async forInvoice(orgId: string, documentId: string): Promise<InvoiceDunning> {
      const inv = await invoiceFacts(orgId, documentId);
      const [plans, setting, rows] = await Promise.all([
        plansOf(db, orgId),
        listClientSettings(db, orgId, [inv.client_id]),
        listReminders(db, orgId, documentId),
      ]);
      const plan = planFor(setting[0], plans);
      const last = rows.reduce<number | null>(
        (m, r) => (r.offset_days === null ? m : Math.max(m ?? -Infinity, r.offset_days)),
        null,
      );
      const open =
        OPEN_INVOICE_STATUS_SET.has(inv.status) && inv.outstanding > 0 && !inv.disputed && inv.due_date !== '';
      let next: InvoiceDunning['next'] = null;
      if (plan && open && inv.state === 'active') {
        const day = await today(orgId);
        const s = nextStep(plan.steps, daysBetween(inv.due_date, day), last);
        if (s) {
          const on = addDays(inv.due_date, s.offsetDays);
          next = { step: stepKey(s), offsetDays: s.offsetDays, on: on < day ? day : on };
        }
      }
      return { state: inv.state, plan, next, reminders: rows.map(toReminder) };
    },

    async setState(orgId: string, documentId: string, state: 'active' | 'paused' | 'stopped', actor: AuditActor) {
      await invoiceFacts(orgId, documentId);
      await inTx(db, async (tx) => {
        await setInvoiceHold(tx, orgId, documentId, state, actor.id ?? 'unknown', now());
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'dunning.state_changed',
          objectType: 'invoice',
          objectId: documentId,
          summary: { state },
        });
      });
      return service.forInvoice(orgId, documentId);
    },

    /** A reminder now, outside the plan (also while paused); charges only when asked for. */
    async sendNow(
      orgId: string,
      documentId: string,
      input: { interest: boolean; compensation: boolean },
      actor: AuditActor,
    ): Promise<Reminder> {
      const inv = await invoiceFacts(orgId, documentId);
      if (!OPEN_INVOICE_STATUS_SET.has(inv.status) || inv.outstanding <= 0)
        throw unprocessable('Only an issued invoice with a balance gets a reminder');
      if (inv.disputed) throw conflict('A payment dispute is open on this invoice; resolve it before reminding');
      const id = newId(clock.now().getTime());
      const row = newReminderRow({
        id,
        org_id: orgId,
        document_id: documentId,
        step_key: `manual-${id}`,
        offset_days: null,
        scheduled_on: await today(orgId),
        status: 'sending',
        interest: input.interest,
        compensation: input.compensation,
        by: actor.id ?? 'unknown',
        at: now(),
      });
      await insertReminder(db, row);
      await send(orgId, row, actor);
      return toReminder((await findReminder(db, orgId, id))!);
    },

    /** A reminder's signed document (reminders with charges have one). */
    async documentPdf(orgId: string, documentId: string, reminderId: string) {
      const row = await findReminder(db, orgId, reminderId);
      if (!row || row.document_id !== documentId || !row.file_id) throw notFound('Reminder document');
      const f = await files.getInTx(db, orgId, row.file_id);
      return { filename: `${row.number}.pdf`, bytes: f.bytes, sha256: f.sha256 };
    },

    /** Failed or interrupted reminders still worth a look, for the dashboard's "needs attention". */
    async attention(orgId: string, limit = 20) {
      const rows = await listTroubledReminders(db, orgId, limit);
      return Promise.all(
        rows.map(async (r) => {
          const inv = await findInvoiceFacts(db, orgId, r.document_id);
          const client = inv ? await clients.get(orgId, inv.client_id) : null;
          return {
            source: 'payment_reminder' as const,
            status: r.status as 'failed' | 'interrupted',
            id: r.id,
            scheduleId: null,
            documentId: r.document_id,
            number: r.document_number,
            clientName: client?.name ?? '',
            reason: r.error,
            at: r.updated_at,
            nextAttemptAt: null,
          };
        }),
      );
    },

    async plans(orgId: string): Promise<Plan[]> {
      return plansOf(db, orgId);
    },

    async savePlan(orgId: string, id: string | null, input: PlanInput, actor: AuditActor): Promise<Plan> {
      const planId = id ?? newId(clock.now().getTime());
      await inTx(db, async (tx) => {
        const existing = await plansOf(tx, orgId);
        const current = id ? existing.find((p) => p.id === id) : undefined;
        if (id && !current) throw notFound('Plan');
        if (current?.isDefault && !input.isDefault)
          throw unprocessable('Make another plan the default instead', [
            { path: '/body/isDefault', message: 'the organization needs a default plan' },
          ]);
        if (input.isDefault) await clearDefaultPlan(tx, orgId);
        const cols = {
          name: input.name,
          steps: JSON.stringify(sortedSteps(input.steps)),
          margin_percent: input.marginPercent,
          is_default: input.isDefault ? 1 : 0,
          updated_at: now(),
        };
        if (current) await updatePlan(tx, orgId, planId, cols);
        else await insertPlan(tx, { id: planId, org_id: orgId, created_at: now(), ...cols });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: current ? 'dunning.plan_updated' : 'dunning.plan_created',
          objectType: 'dunning_plan',
          objectId: planId,
          summary: { steps: input.steps.map(stepKey), isDefault: input.isDefault },
        });
      });
      return toPlan((await findPlan(db, orgId, planId))!);
    },

    async referenceRates(orgId: string) {
      return {
        items: (await listRates(db, orgId)).map((r) => ({ validFrom: r.valid_from, ratePercent: r.rate_percent })),
      };
    },

    async setReferenceRates(
      orgId: string,
      items: Array<{ validFrom: string; ratePercent: string }>,
      actor: AuditActor,
    ) {
      await inTx(db, async (tx) => {
        await replaceRates(
          tx,
          orgId,
          items.map((r) => ({ org_id: orgId, valid_from: r.validFrom, rate_percent: r.ratePercent })),
        );
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'dunning.reference_rates_set',
          objectType: 'org',
          objectId: orgId,
          summary: { rates: items.length },
        });
      });
      return service.referenceRates(orgId);
    },

    async clientSetting(orgId: string, clientId: string) {
      await clients.get(orgId, clientId);
      const [s] = await listClientSettings(db, orgId, [clientId]);
      return { optedOut: s?.opted_out === 1, planId: s?.plan_id ?? null };
    },

    async setClientSetting(
      orgId: string,
      clientId: string,
      input: { optedOut: boolean; planId: string | null },
      actor: AuditActor,
    ) {
      await clients.get(orgId, clientId);
      await inTx(db, async (tx) => {
        if (input.planId && !(await findPlan(tx, orgId, input.planId)))
          throw unprocessable('No such plan', [{ path: '/body/planId', message: 'unknown plan' }]);
        await upsertClientSetting(tx, {
          org_id: orgId,
          client_id: clientId,
          plan_id: input.planId,
          opted_out: input.optedOut ? 1 : 0,
          updated_at: now(),
        });
        await audit.appendInTx(tx, {
          orgId,
          actor,
          action: 'dunning.client_setting_changed',
          objectType: 'client',
          objectId: clientId,
          summary: input,
        });
      });
      return service.clientSetting(orgId, clientId);
    },
  };
  return service;
}

export type DunningService = ReturnType<typeof createDunningService>;
