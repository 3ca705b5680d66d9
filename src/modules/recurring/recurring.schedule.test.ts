import { describe, expect, it } from 'vitest';
import { nextRun, onePeriodBefore } from './recurring.schedule.ts';

describe('nextRun', () => {
  it.each([
    ['2026-01-31', '2026-01-31', 'monthly', 1, '2026-02-28'],
    ['2026-02-28', '2026-01-31', 'monthly', 1, '2026-03-31'],
    ['2028-01-31', '2028-01-31', 'monthly', 1, '2028-02-29'],
    ['2026-11-15', '2026-11-15', 'quarterly', 1, '2027-02-15'],
    ['2026-12-28', '2026-12-28', 'weekly', 1, '2027-01-04'],
    ['2026-03-01', '2026-03-01', 'weekly', 2, '2026-03-15'],
    ['2024-02-29', '2024-02-29', 'yearly', 1, '2025-02-28'],
    ['2026-05-10', '2026-05-10', 'monthly', 6, '2026-11-10'],
  ] as const)('%s (start %s, %s ×%d) → %s', (current, start, freq, n, expected) => {
    expect(nextRun(current, start, freq, n)).toBe(expected);
  });
});

describe('onePeriodBefore (the earliest start without an admin confirmation)', () => {
  it.each([
    ['2026-04-10', 'monthly', 1, '2026-03-10'],
    ['2026-03-31', 'monthly', 1, '2026-02-28'],
    ['2026-01-15', 'monthly', 1, '2025-12-15'],
    ['2026-01-15', 'quarterly', 1, '2025-10-15'],
    ['2026-04-10', 'weekly', 1, '2026-04-03'],
    ['2026-01-03', 'weekly', 2, '2025-12-20'],
    ['2024-02-29', 'yearly', 1, '2023-02-28'],
    ['2026-05-10', 'monthly', 24, '2024-05-10'],
  ] as const)('%s (%s ×%d) → %s', (today, freq, n, expected) => {
    expect(onePeriodBefore(today, freq, n)).toBe(expected);
  });

  it('is one nextRun step before today for month-end anchors too', () => {
    for (const today of ['2026-03-31', '2026-05-31', '2026-12-31']) {
      const earliest = onePeriodBefore(today, 'monthly', 1);
      expect(nextRun(earliest, earliest, 'monthly', 1) <= today).toBe(true);
    }
  });
});
