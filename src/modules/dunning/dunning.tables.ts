// The dunning module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.
import type { Money } from '../../platform/db/schema.ts';

export interface DunningPlansTable {
  id: string;
  org_id: string;
  name: string;
  /** JSON array of steps (dunning.plan.ts stepSchema), ordered by offset. */
  steps: string;
  /** Points over the reference rate for statutory interest, decimal text ("8.00"). */
  margin_percent: string;
  is_default: number;
  created_at: string;
  updated_at: string;
}

/** A client's own plan, or its opt-out; clients without a row follow the organization's default plan. */
export interface DunningClientsTable {
  org_id: string;
  client_id: string;
  plan_id: string | null;
  opted_out: number;
  updated_at: string;
}

/** Staff paused or stopped the reminders of one invoice; no row: active. */
export interface DunningInvoicesTable {
  org_id: string;
  document_id: string;
  state: 'paused' | 'stopped';
  updated_by: string;
  updated_at: string;
}

export interface DunningReferenceRatesTable {
  org_id: string;
  valid_from: string;
  rate_percent: string;
}

export type ReminderStatus = 'queued' | 'sending' | 'sent' | 'saved_to_outbox' | 'failed' | 'skipped' | 'interrupted';

/**
 * One reminder of one invoice. `step_key` is unique per invoice: `d<offset>` for a plan step (so
 * each step goes out once however many runners race), `manual-<id>` for one staff sent now.
 */
export interface DunningRemindersTable {
  id: string;
  org_id: string;
  document_id: string;
  step_key: string;
  /** The plan step's offset in days; null for a manual reminder. */
  offset_days: number | null;
  scheduled_on: string;
  status: ReminderStatus;
  add_interest: number;
  add_compensation: number;
  outstanding: Money | null;
  interest: Money | null;
  compensation: Money | null;
  /** JSON: how the charges were computed (periods, rates, days) or why none was added. */
  charges_detail: string | null;
  /** The reminder document's number in its own series, and its signed PDF; only with charges. */
  number: string | null;
  file_id: string | null;
  /** SHA-256 (hex) of that PDF: the public verification page finds an uploaded copy by it. */
  pdf_sha256: string | null;
  delivery_id: string | null;
  error: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    dunning_plans: DunningPlansTable;
    dunning_clients: DunningClientsTable;
    dunning_invoices: DunningInvoicesTable;
    dunning_reference_rates: DunningReferenceRatesTable;
    dunning_reminders: DunningRemindersTable;
  }
}
