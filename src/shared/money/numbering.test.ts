import { describe, expect, it } from 'vitest';
import { formatNumber, periodOf, validatePattern, sequenceOf } from './numbering.ts';

describe('document numbering patterns', () => {
  it.each([
    ['INV-{YYYY}-{SEQ:5}', '2026-03-09', 7, 'INV-2026-00007', '2026'],
    ['{YY}{MM}-{SEQ:3}', '2026-03-09', 12, '2603-012', '2026-03'],
    ['Q{SEQ}', '2026-03-09', 1234, 'Q1234', ''],
    ['CN/{YYYY}/{SEQ:4}', '2027-01-01', 1, 'CN/2027/0001', '2027'],
  ])('%s on %s #%d → %s', (pattern, date, seq, expected, period) => {
    expect(validatePattern(pattern)).toBeNull();
    expect(formatNumber(pattern, date, seq)).toBe(expected);
    expect(periodOf(pattern, date)).toBe(period);
  });

  it.each([
    ['INV-{YYYY}', '{SEQ}'],
    ['{SEQ}{SEQ}', 'exactly once'],
    ['INV-{DD}-{SEQ}', 'unknown placeholder'],
    ['INV<script>{SEQ}', 'may contain'],
    ['', '1–60'],
  ])('rejects %j', (pattern, reason) => {
    expect(validatePattern(pattern)).toContain(reason);
  });
});

describe('sequenceOf (an imported number against the series)', () => {
  it.each([
    ['INV-{YYYY}-{SEQ:5}', 'INV-2026-00042', { period: '2026', value: 42 }],
    ['RE{YY}{MM}-{SEQ}', 'RE2603-7', { period: '2026-03', value: 7 }],
    ['{SEQ:4}', '0012', { period: '', value: 12 }],
    ['INV-{YYYY}-{SEQ:5}', 'R-2026-00042', null],
    ['INV-{YYYY}-{SEQ:5}', 'INV-2026-00042a', null],
  ])('%s reads %s', (pattern, number, expected) => {
    expect(sequenceOf(pattern, number)).toEqual(expected);
  });
});
