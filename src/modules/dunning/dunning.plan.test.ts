import { describe, expect, it } from 'vitest';
import { hundredths, statutoryInterest } from './dunning.charges.ts';
import { DEFAULT_STEPS, dueStep, nextStep } from './dunning.plan.ts';

describe('dueStep', () => {
  const at = (days: number, last: number | null) => dueStep(DEFAULT_STEPS, days, last)?.offsetDays ?? null;
  it('sends the friendly reminder three days before the due date, nothing earlier', () => {
    expect(at(-4, null)).toBeNull();
    expect(at(-3, null)).toBe(-3);
    expect(at(0, -3)).toBeNull();
  });
  it('sends each step once, in order', () => {
    expect(at(7, -3)).toBe(7);
    expect(at(8, 7)).toBeNull();
    expect(at(14, 7)).toBe(14);
    expect(at(30, 14)).toBe(30);
    expect(at(400, 30)).toBeNull();
  });
  it('after downtime sends only the latest step that came due', () => {
    expect(at(20, -3)).toBe(14);
    expect(at(45, null)).toBe(30);
  });
  it('tells the next step to come', () => {
    expect(nextStep(DEFAULT_STEPS, 9, 7)?.offsetDays).toBe(14);
    expect(nextStep(DEFAULT_STEPS, 40, 30)).toBeNull();
  });
});

describe('statutory interest (Directive 2011/7/EU)', () => {
  it('parses percentages exactly', () => {
    expect(hundredths('2.15')).toBe(215);
    expect(hundredths('-0.88')).toBe(-88);
    expect(hundredths('8')).toBe(800);
    expect(() => hundredths('1.234')).toThrow();
  });

  it('is reference rate + margin, per day, Actual/365, rounded once to the cent', () => {
    // 1,000.00 EUR, 30 days at 2.15 + 8 = 10.15 %: 100000 × 1015 × 30 / 3,650,000 = 834.246… → 834 cents.
    const r = statutoryInterest({
      principal: 100_000,
      dueDate: '2026-03-01',
      until: '2026-03-31',
      rates: [{ validFrom: '2026-01-01', ratePercent: '2.15' }],
      marginPercent: '8.00',
    });
    expect(r).toMatchObject({ amount: 834, days: 30, missingRateOn: null });
    expect(r.periods).toEqual([
      { from: '2026-03-02', to: '2026-03-31', days: 30, referencePercent: '2.15', annualPercent: '10.15', amount: 834 },
    ]);
  });

  it('applies each day the rate in force that day', () => {
    // 5,000.00 EUR: 10 days at 2.00 + 8 points, then 5 days at 1.50 + 8 points.
    const r = statutoryInterest({
      principal: 500_000,
      dueDate: '2026-06-20',
      until: '2026-07-05',
      rates: [
        { validFrom: '2026-07-01', ratePercent: '1.50' },
        { validFrom: '2026-01-01', ratePercent: '2.00' },
      ],
      marginPercent: '8.00',
    });
    // Itemised per period (1369.86… → 1370, and the remainder 651), adding up to the total.
    expect(r.periods.map((p) => [p.from, p.to, p.days, p.annualPercent, p.amount])).toEqual([
      ['2026-06-21', '2026-06-30', 10, '10.00', 1370],
      ['2026-07-01', '2026-07-05', 5, '9.50', 651],
    ]);
    // (500000 × 1000 × 10 + 500000 × 950 × 5) / 3,650,000 = 7,375,000,000 / 3,650,000 = 2020.547… → 2021 cents
    expect(r.amount).toBe(2021);
    expect(r.days).toBe(15);
  });

  it('charges nothing when not overdue, and says which day has no rate', () => {
    expect(
      statutoryInterest({ principal: 1000, dueDate: '2026-03-01', until: '2026-03-01', rates: [], marginPercent: '8' })
        .amount,
    ).toBe(0);
    const r = statutoryInterest({
      principal: 1000,
      dueDate: '2026-03-01',
      until: '2026-03-10',
      rates: [{ validFrom: '2026-03-05', ratePercent: '2.00' }],
      marginPercent: '8',
    });
    expect(r).toMatchObject({ amount: 0, missingRateOn: '2026-03-02' });
  });
});
