// ECB figures ("1 EUR = x C") → the direction Sealbill stores and documents use: units of the
// organization's currency B per 1 unit of C (pure).
//   B = EUR:  rate(C) = 1 / x_C
//   B ≠ EUR:  rate(C) = x_B / x_C (a cross rate through the euro, as the ECB itself advises for
//             other pairs), and rate(EUR) = x_B; a day without a figure for B gives no rates.
// Each rate is rounded once, half away from zero, to 10 decimals (rate-decimal.ts); the ECB's own
// figures are kept beside it in `quoted`, so the stored rate can always be re-derived and checked.
import type { EcbDay } from './ecb-file.ts';
import { divideScaled, parseRate } from './rate-decimal.ts';

export interface DerivedRate {
  date: string;
  currency: string;
  rate: string;
  quoted: string;
}

export function ratesFromEcb(base: string, days: EcbDay[]): { rates: DerivedRate[]; unusable: Set<string> } {
  const rates: DerivedRate[] = [];
  const unusable = new Set<string>(); // currencies whose quotient no 10-decimal rate can carry
  for (const day of days) {
    const baseFigure = base === 'EUR' ? '1' : day.perEur.get(base);
    if (baseFigure === undefined) continue;
    const baseScaled = parseRate(baseFigure)!; // the parser let through positive figures of this shape only
    if (base !== 'EUR')
      rates.push({ date: day.date, currency: 'EUR', rate: baseFigure, quoted: `1 EUR = ${baseFigure} ${base}` });
    for (const [currency, figure] of day.perEur) {
      if (currency === base) continue;
      const rate = divideScaled(baseScaled, parseRate(figure)!);
      if (rate === null) {
        unusable.add(currency);
        continue;
      }
      const quoted =
        base === 'EUR' ? `1 EUR = ${figure} ${currency}` : `1 EUR = ${baseFigure} ${base} = ${figure} ${currency}`;
      rates.push({ date: day.date, currency, rate, quoted });
    }
  }
  return { rates, unusable };
}

/** Whether the file quotes the organization's currency at all (else no rate can be derived: 422). */
export function ecbQuotes(base: string, days: EcbDay[]): boolean {
  return base === 'EUR' || days.some((d) => d.perEur.has(base));
}
