import { describe, expect, it } from 'vitest';
import { ecbQuotes, ratesFromEcb } from './ecb-rates.ts';
import { divideRates, formatRate, normalizeRate, parseRate } from './rate-decimal.ts';

describe('rate decimals', () => {
  it('parses and prints without floats', () => {
    expect(parseRate('1.0823')).toBe(10_823_000_000n);
    expect(formatRate(10_823_000_000n)).toBe('1.0823');
    expect(normalizeRate('001.50000')).toBe('1.5');
    expect(normalizeRate('2')).toBe('2');
    for (const bad of ['0', '0.0', '-1', '1e3', '1.', '.5', '1.12345678901', '1234567890'])
      expect(parseRate(bad), bad).toBeNull();
  });

  it.each([
    // 1 EUR = 1.0823 USD → 1 USD = 0.92395823708768… EUR
    ['1', '1.0823', '0.9239582371'],
    // 1 EUR = 163.45 JPY → 1 JPY = 0.006118079… EUR
    ['1', '163.45', '0.0061180789'],
    // half away from zero at the 10th decimal: 1/8 exactly, 2/3 rounds up
    ['1', '8', '0.125'],
    ['2', '3', '0.6666666667'],
    // a cross rate: 1 EUR = 0.9412 CHF and 1.0823 USD → 1 USD = 0.9412 / 1.0823 CHF
    ['0.9412', '1.0823', '0.8696294927'],
    ['1.0823', '1', '1.0823'],
  ])('%s / %s = %s', (n, d, q) => {
    expect(divideRates(n, d)).toBe(q);
  });

  it('refuses quotients a document cannot carry', () => {
    expect(divideRates('1', '999999999')).toBe('0.000000001');
    expect(divideRates('0.0000000001', '999999999')).toBeNull(); // rounds to zero
    expect(divideRates('999999999', '0.0000000001')).toBeNull(); // more than 9 integer digits
  });
});

describe('ECB figures in the stored direction', () => {
  const days = [
    {
      date: '2026-06-17',
      perEur: new Map([
        ['USD', '1.0823'],
        ['CHF', '0.9412'],
        ['JPY', '163.45'],
      ]),
    },
    { date: '2026-06-16', perEur: new Map([['USD', '1.0801']]) }, // no CHF that day
  ];
  it('a EUR organization: 1 / x, with the ECB figure kept', () => {
    const { rates } = ratesFromEcb('EUR', days);
    expect(rates).toContainEqual({
      date: '2026-06-17',
      currency: 'USD',
      rate: '0.9239582371',
      quoted: '1 EUR = 1.0823 USD',
    });
    expect(rates).toContainEqual({
      date: '2026-06-16',
      currency: 'USD',
      rate: '0.9258402',
      quoted: '1 EUR = 1.0801 USD',
    });
    expect(rates).toHaveLength(4);
  });
  it('a CHF organization: cross rates through the euro, EUR itself, nothing on days without CHF', () => {
    const { rates } = ratesFromEcb('CHF', days);
    expect(rates).toEqual([
      { date: '2026-06-17', currency: 'EUR', rate: '0.9412', quoted: '1 EUR = 0.9412 CHF' },
      { date: '2026-06-17', currency: 'USD', rate: '0.8696294927', quoted: '1 EUR = 0.9412 CHF = 1.0823 USD' },
      { date: '2026-06-17', currency: 'JPY', rate: '0.0057583359', quoted: '1 EUR = 0.9412 CHF = 163.45 JPY' },
    ]);
    expect(ecbQuotes('CHF', days)).toBe(true);
    expect(ecbQuotes('XAF', days)).toBe(false);
  });
});
