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
  status: 'active' | 'paused' | 'ended';
  /** The member whose invoice:issue permission an automatic issue relies on (checked at each run). */
  issuer_user_id: string | null;
  /** Why automatic issuing is held (runs create drafts), e.g. 'issuer_lacks_invoice_issue'; null when it is not. */
  issue_hold: string | null;
  issue_hold_since: string | null;
  created_at: string;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    recurring_schedules: RecurringSchedulesTable;
  }
}
