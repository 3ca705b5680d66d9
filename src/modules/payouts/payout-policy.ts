// The per-org rules for payout changes, and why weakening them is delayed: an attacker holding a
// fresh session could otherwise set the cooling-off to zero and change the bank details at once,
// before anyone reads the announcement. A weaker policy therefore takes effect only after the
// stricter one it replaces has run its own cooling-off period.
import type { PayoutPolicyRow } from './payout-protection.repo.ts';

export interface PayoutPolicy {
  coolingOffHours: number;
  requireSecondApproval: boolean;
}

export const DEFAULT_POLICY: PayoutPolicy = { coolingOffHours: 24, requireSecondApproval: false };

/** The policy in force at `now`. */
export function effectivePolicy(row: PayoutPolicyRow | undefined, now: Date): PayoutPolicy {
  if (!row) return DEFAULT_POLICY;
  const current = { coolingOffHours: row.cooling_off_hours, requireSecondApproval: row.require_second_approval === 1 };
  if (!row.strict_until || now.getTime() >= Date.parse(row.strict_until)) return current;
  return {
    coolingOffHours: Math.max(current.coolingOffHours, row.previous_cooling_off_hours ?? 0),
    requireSecondApproval: current.requireSecondApproval || row.previous_require_second_approval === 1,
  };
}

export const isWeaker = (next: PayoutPolicy, than: PayoutPolicy): boolean =>
  next.coolingOffHours < than.coolingOffHours || (!next.requireSecondApproval && than.requireSecondApproval);

/** The row to store when an admin sets `next`; `strictUntil` says when a weakening takes effect. */
export function nextPolicyRow(
  orgId: string,
  existing: PayoutPolicyRow | undefined,
  next: PayoutPolicy,
  now: Date,
): PayoutPolicyRow {
  const inForce = effectivePolicy(existing, now);
  const weaker = isWeaker(next, inForce);
  return {
    org_id: orgId,
    cooling_off_hours: next.coolingOffHours,
    require_second_approval: next.requireSecondApproval ? 1 : 0,
    previous_cooling_off_hours: weaker ? inForce.coolingOffHours : null,
    previous_require_second_approval: weaker ? (inForce.requireSecondApproval ? 1 : 0) : null,
    strict_until: weaker ? new Date(now.getTime() + inForce.coolingOffHours * 3_600_000).toISOString() : null,
    updated_at: now.toISOString(),
  };
}
