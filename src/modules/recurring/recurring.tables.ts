// The recurring module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.

export interface RecurringSchedulesTable {
  id: string;
  org_id: string;
  client_id: string;
  currency: string;
  template_enc: string;
  frequency: 'weekly' | 'monthly' | 'quarterly' | 'yearly';
  interval_count: number;
  start_on: string;
  next_run_on: string;
  end_on: string | null;
  auto_issue: number;
  /** 1: each invoice the schedule issues is sent through the client's delivery mode (a recurring_runs row and its job). */
  auto_send: number;
  /** The member who turned automatic sending on; each run checks they still hold invoice:send. */
  sender_user_id: string | null;
  /** The period the schedule last ran for (an edit may move the next run only past it). */
  last_run_on: string | null;
  status: 'active' | 'paused' | 'ended';
  /** The member whose invoice:issue permission an automatic issue relies on (checked at each run). */
  issuer_user_id: string | null;
  /** Why automatic issuing is held (runs create drafts), e.g. 'issuer_lacks_invoice_issue'; null when it is not. */
  issue_hold: string | null;
  issue_hold_since: string | null;
  /** 1: each issued invoice is first charged to the client's saved, authorised payment method (needs auto_send). */
  auto_charge: number;
  /** The member who turned automatic charging on; each run checks they still hold payment:record. */
  charger_user_id: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * One issued invoice's automatic sending. 'queued' → (claimed by its job) 'sending' → 'sent' |
 * 'saved_to_outbox' (no relay configured) | 'partly_sent' (some recipients refused; not retried,
 * the others have it) | 'retrying' (nothing left; the job runs again after its back-off) | 'failed'
 * (attempts exhausted) | 'interrupted' (the runner died mid-send: the message may have left, so it
 * is never resent) | 'skipped' (the invoice was voided or sent by hand before the job ran) |
 * 'held' (not sent: the member who turned sending on no longer holds invoice:send) |
 * 'resolved' (staff dealt with a failed, interrupted or partial sending).
 */
export type RunSendStatus =
  | 'queued'
  | 'sending'
  | 'sent'
  | 'saved_to_outbox'
  | 'partly_sent'
  | 'retrying'
  | 'failed'
  | 'interrupted'
  | 'skipped'
  | 'held'
  | 'resolved';

export interface RecurringRunsTable {
  id: string;
  org_id: string;
  schedule_id: string;
  document_id: string;
  period: string;
  send_status: RunSendStatus;
  /** Sending attempts made (each claim counts one). */
  attempts: number;
  /** The first recipient's delivery of the attempt that reached the relay, if any. */
  delivery_id: string | null;
  error: string | null;
  /** When the job tries again ('retrying' only). */
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  /** null: no charge was planned (the schedule does not charge). See RunChargeStatus. */
  charge_status: RunChargeStatus | null;
  /** Charge attempts made (each claim counts one). */
  charge_attempts: number;
  charge_error: string | null;
  /** The off-session checkout of this run's charge: its id keys the provider call, so a retry is the same charge. */
  charge_checkout_id: string | null;
  /** When the first charge attempt started (a charge found mid-way later than the provider keeps its key is not replayed). */
  charge_started_at: string | null;
}

/**
 * The charge of a run's invoice before it is sent. 'pending' → (claimed by the charge job)
 * 'charging' → 'succeeded' (paid; sent as paid) | 'processing' (a SEPA debit submitted, settles
 * later by webhook) | 'failed' (authentication required, declined, or the provider stayed
 * unreachable: sent with its pay link instead; on the dashboard) | 'skipped' (no active consent,
 * nothing left to pay) | 'retrying' (the provider could not be reached; again after the back-off)
 * | 'held' (the member who turned charging on may no longer record payments: sent, not charged) |
 * 'interrupted' (found mid-charge too late to replay the provider call safely: staff check) |
 * 'resolved' (staff dealt with a failed, held or interrupted charge).
 */
export type RunChargeStatus =
  | 'pending'
  | 'charging'
  | 'succeeded'
  | 'processing'
  | 'failed'
  | 'skipped'
  | 'retrying'
  | 'held'
  | 'interrupted'
  | 'resolved';

declare module '../../platform/db/schema.ts' {
  interface DB {
    recurring_schedules: RecurringSchedulesTable;
    recurring_runs: RecurringRunsTable;
  }
}
