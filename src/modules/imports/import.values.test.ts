import { describe, expect, it } from 'vitest';
import {
  normaliseDecimal,
  parseCountry,
  parseDate,
  parseMoney,
  parsePercent,
  parseQuantity,
  parseStatus,
} from './import.values.ts';

describe('cell values', () => {
  it.each([
    ['1234.5', false, '1234.5'],
    ['1,234.50', false, '1234.50'],
    ['1.234,50', true, '1234.50'],
    ['1.234,50', false, '1234.50'], // both marks: the last one is the decimal
    ['1,5', true, '1.5'],
    ['1,234', false, '1234'], // a comma alone in a comma file: thousands
    ['1.234', true, '1234'], // a dot and three digits in a semicolon file: thousands
    ['€ 12,00', true, '12.00'],
    ['-3.25 EUR', false, '-3.25'],
    ['1 234,56', true, '1234.56'],
    ['abc', false, null],
    ['1.2.3,4,5', true, null],
  ])('normaliseDecimal(%s, decimalComma=%s) = %s', (text, comma, expected) => {
    expect(normaliseDecimal(text, comma)).toBe(expected);
  });

  it('turns amounts into minor units of the currency', () => {
    expect(parseMoney('1.234,50', 'EUR', true)).toEqual({ ok: true, value: 123_450 });
    expect(parseMoney('1500', 'JPY', false)).toEqual({ ok: true, value: 1500 });
    expect(parseMoney('1.005', 'EUR', false).ok).toBe(false); // more decimals than the currency has
  });

  it('reads quantities, percentages, dates, countries and statuses', () => {
    expect(parseQuantity('2,50', true)).toEqual({ ok: true, value: '2.5' });
    expect(parsePercent('19 %', false)).toEqual({ ok: true, value: 1900 });
    expect(parsePercent('7,5', true)).toEqual({ ok: true, value: 750 });
    expect(parseDate('2026-02-03')).toEqual({ ok: true, value: '2026-02-03' });
    expect(parseDate('3.2.2026')).toEqual({ ok: true, value: '2026-02-03' });
    expect(parseDate('31.02.2026').ok).toBe(false);
    expect(parseCountry('Germany')).toEqual({ ok: true, value: 'DE' });
    expect(parseCountry('Frankreich')).toEqual({ ok: true, value: 'FR' });
    expect(parseCountry('at')).toEqual({ ok: true, value: 'AT' });
    expect(parseStatus('Partial')).toEqual({ ok: true, value: 'partially_paid' });
    expect(parseStatus('')).toEqual({ ok: true, value: 'issued' });
    expect(parseStatus('Cancelled').ok).toBe(false);
  });
});
