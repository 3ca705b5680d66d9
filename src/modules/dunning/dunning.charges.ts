// Late-payment charges computed by law, not guessed (issue #15, item 1): statutory interest under
// the EU Late Payment Directive 2011/7/EU — the reference rate in force on each day plus a margin
// (8 points for business-to-business), per day overdue on the outstanding amount, Actual/365 — and
// the fixed EUR 40 recovery compensation, once per invoice.
// The reference rates are the ones the user entered (the ECB rate, or a national base rate such as
// the German Basiszinssatz, each valid from a date until the next). Amounts are minor units; the
// sum is exact (BigInt) and rounded once, half away from zero, so a figure is reproducible to the cent.
import { addDays, daysBetween } from '../../shared/dates.ts';

export interface ReferenceRate {
  /** First day (YYYY-MM-DD) the rate applies; it applies until the next entry's validFrom. */
  validFrom: string;
  /** Percent a year, at most two decimals, may be negative: "2.15", "-0.88". */
  ratePercent: string;
}

export interface InterestPeriod {
  from: string;
  to: string;
  days: number;
  referencePercent: string;
  annualPercent: string;
  /** This period's share; the shares add up to the rounded total (the last takes the remainder). */
  amount: number;
}

export interface InterestResult {
  amount: number;
  days: number;
  periods: InterestPeriod[];
  /** The first overdue day no entered rate covers; no interest is charged when set. */
  missingRateOn: string | null;
}

/** The fixed recovery compensation of Article 6, in euro cents. */
export const RECOVERY_COMPENSATION_EUR_CENTS = 4000;

/** "2.15" → 215 hundredths of a percent. */
export function hundredths(percent: string): number {
  const m = /^(-)?(\d{1,3})(?:\.(\d{1,2}))?$/.exec(percent);
  if (!m) throw new Error(`not a percentage with at most two decimals: ${percent}`);
  const n = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -n : n;
}

const percentText = (h: number): string =>
  `${h < 0 ? '-' : ''}${Math.floor(Math.abs(h) / 100)}.${String(Math.abs(h) % 100).padStart(2, '0')}`;

/** Rounds n/d (d > 0) half away from zero. */
function roundDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (2n * (r < 0n ? -r : r) >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/**
 * Interest on `principal` for each day after `dueDate` up to and including `until`: the day's
 * reference rate plus `marginPercent`, a year of 365 days. Nothing when not overdue.
 */
export function statutoryInterest(p: {
  principal: number;
  dueDate: string;
  until: string;
  rates: ReferenceRate[];
  marginPercent: string;
}): InterestResult {
  const total = daysBetween(p.dueDate, p.until);
  if (total <= 0 || p.principal <= 0) return { amount: 0, days: 0, periods: [], missingRateOn: null };
  const rates = [...p.rates].sort((a, b) => (a.validFrom < b.validFrom ? -1 : 1));
  const margin = hundredths(p.marginPercent);
  const first = addDays(p.dueDate, 1);
  const periods: Array<Omit<InterestPeriod, 'amount'> & { numerator: bigint }> = [];
  let numerator = 0n;
  let day = first;
  while (day <= p.until) {
    const idx = rates.findLastIndex((r) => r.validFrom <= day);
    if (idx < 0) return { amount: 0, days: total, periods: [], missingRateOn: day };
    const nextFrom = rates[idx + 1]?.validFrom;
    const to = nextFrom && nextFrom <= p.until ? addDays(nextFrom, -1) : p.until;
    const days = daysBetween(day, to) + 1;
    const ref = hundredths(rates[idx]!.ratePercent);
    const annual = Math.max(0, ref + margin);
    const n = BigInt(p.principal) * BigInt(annual) * BigInt(days);
    numerator += n;
    periods.push({
      from: day,
      to,
      days,
      referencePercent: percentText(ref),
      annualPercent: percentText(annual),
      numerator: n,
    });
    day = addDays(to, 1);
  }
  // annual is in hundredths of a percent: divide by 100 × 100 and by 365 days.
  const DENOMINATOR = 10_000n * 365n;
  const amount = Number(roundDiv(numerator, DENOMINATOR));
  let shared = 0;
  const itemised = periods.map(({ numerator: n, ...rest }, i) => {
    const share = i === periods.length - 1 ? amount - shared : Number(roundDiv(n, DENOMINATOR));
    shared += share;
    return { ...rest, amount: share };
  });
  return { amount, days: total, periods: itemised, missingRateOn: null };
}
