// The payouts module's tables (column conventions: src/platform/db/schema.ts). They join the
// database type DB by declaration merging, so platform/db never imports a module.

export interface PayoutChangesTable {
  id: string;
  org_id: string;
  status: 'pending' | 'applied' | 'cancelled';
  payout_enc: string;
  ending: string; // last 4 characters, for announcements
  requested_by: string;
  requested_at: string;
  effective_at: string;
  approval_required: number;
  approved_by: string | null;
  approved_at: string | null;
  cancelled_by: string | null;
  cancelled_at: string | null;
  applied_at: string | null;
}

export interface PayoutPoliciesTable {
  org_id: string;
  cooling_off_hours: number;
  require_second_approval: number;
  /** A weakened policy applies only after the stricter one it replaced has run its own cooling-off. */
  previous_cooling_off_hours: number | null;
  previous_require_second_approval: number | null;
  strict_until: string | null;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DB {
    payout_changes: PayoutChangesTable;
    payout_policies: PayoutPoliciesTable;
  }
}
