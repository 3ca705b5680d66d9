import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, effectivePolicy, nextPolicyRow } from './payout-policy.ts';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (h: number) => new Date(T0.getTime() + h * 3_600_000);

describe('payout policy', () => {
  it('defaults to 24 h without approval', () => {
    expect(effectivePolicy(undefined, T0)).toEqual(DEFAULT_POLICY);
  });

  it.each([
    // [from, to, in force right after, in force after the old cooling-off]
    [
      { coolingOffHours: 24, requireSecondApproval: false },
      { coolingOffHours: 48, requireSecondApproval: true },
      { coolingOffHours: 48, requireSecondApproval: true },
      { coolingOffHours: 48, requireSecondApproval: true },
    ],
    [
      { coolingOffHours: 24, requireSecondApproval: false },
      { coolingOffHours: 0, requireSecondApproval: false },
      { coolingOffHours: 24, requireSecondApproval: false },
      { coolingOffHours: 0, requireSecondApproval: false },
    ],
    [
      { coolingOffHours: 24, requireSecondApproval: true },
      { coolingOffHours: 24, requireSecondApproval: false },
      { coolingOffHours: 24, requireSecondApproval: true },
      { coolingOffHours: 24, requireSecondApproval: false },
    ],
    [
      { coolingOffHours: 72, requireSecondApproval: true },
      { coolingOffHours: 1, requireSecondApproval: true },
      { coolingOffHours: 72, requireSecondApproval: true },
      { coolingOffHours: 1, requireSecondApproval: true },
    ],
  ])('%o → %o: stricter at once, weaker only after the old cooling-off', (from, to, now, later) => {
    const first = nextPolicyRow('org', undefined, from, T0);
    const second = nextPolicyRow('org', first, to, at(from.coolingOffHours + 1));
    expect(effectivePolicy(second, at(from.coolingOffHours + 1))).toEqual(now);
    expect(effectivePolicy(second, at(2 * from.coolingOffHours + 2))).toEqual(later);
  });

  it('a second weakening inside the window cannot shorten the first one', () => {
    const strict = nextPolicyRow('org', undefined, { coolingOffHours: 48, requireSecondApproval: true }, T0);
    const weak1 = nextPolicyRow('org', strict, { coolingOffHours: 12, requireSecondApproval: true }, at(1));
    const weak2 = nextPolicyRow('org', weak1, { coolingOffHours: 0, requireSecondApproval: false }, at(2));
    expect(effectivePolicy(weak2, at(3))).toEqual({ coolingOffHours: 48, requireSecondApproval: true });
    expect(effectivePolicy(weak2, at(2 + 48 + 1))).toEqual({ coolingOffHours: 0, requireSecondApproval: false });
  });
});
