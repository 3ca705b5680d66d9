import { describe, expect, it } from 'vitest';
import { nextRun } from './recurring.schedule.ts';

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
