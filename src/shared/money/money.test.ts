import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENCY_EXPONENT,
  computeTotals,
  convertAmount,
  currencyExponent,
  formatAmount,
  isCurrency,
  parseAmount,
  roundHalfAwayFromZero,
  type Discount,
  type LineInput,
  type Totals,
} from './money.ts';

const ex = (quantity: string, unitPrice: number, taxRateBp: number, discount: Discount | null = null): LineInput => ({
  quantity,
  unitPrice,
  taxRateBp,
  taxInclusive: false,
  discount,
});
const inc = (quantity: string, unitPrice: number, taxRateBp: number, discount: Discount | null = null): LineInput => ({
  ...ex(quantity, unitPrice, taxRateBp, discount),
  taxInclusive: true,
});
const pct = (basisPoints: number): Discount => ({ type: 'percent', basisPoints });
const amt = (amount: number): Discount => ({ type: 'amount', amount });

describe('currency table', () => {
  it.each([
    ['JPY', 0],
    ['KRW', 0],
    ['XOF', 0],
    ['EUR', 2],
    ['USD', 2],
    ['CHF', 2],
    ['XCG', 2],
    ['ZWG', 2],
    ['BHD', 3],
    ['KWD', 3],
    ['TND', 3],
    ['IQD', 3],
    ['CLF', 4],
    ['UYW', 4],
  ])('%s has exponent %i', (code, exponent) => {
    expect(isCurrency(code)).toBe(true);
    expect(currencyExponent(code)).toBe(exponent);
    expect(CURRENCY_EXPONENT[code]).toBe(exponent);
  });

  it.each(['eur', 'XXX', 'XAU', 'HRK', 'ZWL', 'toString', '__proto__', 'constructor', '', 'EURO'])(
    'rejects %j',
    (code) => {
      expect(isCurrency(code)).toBe(false);
      expect(() => currencyExponent(code)).toThrow(RangeError);
    },
  );

  it('is frozen, complete-looking and well-formed', () => {
    expect(Object.isFrozen(CURRENCY_EXPONENT)).toBe(true);
    const entries = Object.entries(CURRENCY_EXPONENT);
    expect(entries.length).toBeGreaterThan(160);
    for (const [code, exponent] of entries) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(exponent);
    }
  });
});

describe('roundHalfAwayFromZero', () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [5n, -2n, -3n],
    [-5n, -2n, 3n],
    [7n, 3n, 2n],
    [8n, 3n, 3n],
    [-7n, 3n, -2n],
    [-8n, 3n, -3n],
    [0n, 7n, 0n],
    [1n, 2n, 1n],
    [-1n, 2n, -1n],
    [1n, 3n, 0n],
    [10n, 5n, 2n],
  ])('round(%i / %i) = %i', (n, d, expected) => {
    expect(roundHalfAwayFromZero(n, d)).toBe(expected);
  });

  it('rejects a zero denominator', () => {
    expect(() => roundHalfAwayFromZero(1n, 0n)).toThrow(RangeError);
  });

  it('is the nearest integer, ties away from zero, and odd', () => {
    const big = fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n });
    const nonZero = big.filter((d) => d !== 0n);
    fc.assert(
      fc.property(big, nonZero, (n, d) => {
        const r = roundHalfAwayFromZero(n, d);
        const absD = d < 0n ? -d : d;
        const err = n - r * d;
        const twiceErr = 2n * (err < 0n ? -err : err);
        expect(twiceErr <= absD).toBe(true);
        if (twiceErr === absD) {
          const absRd = r * d < 0n ? -(r * d) : r * d;
          const absN = n < 0n ? -n : n;
          expect(absRd > absN).toBe(true);
        }
        expect(roundHalfAwayFromZero(-n, d)).toBe(-r);
      }),
    );
  });
});

describe('computeTotals: worked examples', () => {
  it('simple 20 % VAT invoice', () => {
    const t = computeTotals([ex('2', 5000, 2000), ex('1', 1999, 2000)]);
    expect(t.lines).toEqual([
      { base: 10000, discount: 0, amount: 10000 },
      { base: 1999, discount: 0, amount: 1999 },
    ]);
    expect(t.taxes).toEqual([{ rateBp: 2000, inclusive: false, taxable: 11999, tax: 2400 }]);
    expect(t).toMatchObject({ subtotal: 11999, discountTotal: 0, taxTotal: 2400, total: 14399 });
  });

  it('7.7 % with a tax that lands exactly on .5 rounds half up (once per group, not per line)', () => {
    const t = computeTotals([ex('3', 500, 770)]);
    expect(t.taxes).toEqual([{ rateBp: 770, inclusive: false, taxable: 1500, tax: 116 }]);
    expect(t.total).toBe(1616);
    // Two lines of 250: per-line rounding would give 19 + 19 = 38; per-group gives round(38.5) = 39.
    expect(computeTotals([ex('1', 250, 770), ex('1', 250, 770)]).taxTotal).toBe(39);
    // A negative .5 rounds away from zero.
    expect(computeTotals([ex('-1', 500, 770)]).taxes[0]?.tax).toBe(-39);
  });

  it('JPY (exponent 0): 3 × ¥333 at 10 %', () => {
    const t = computeTotals([ex('3', 333, 1000)]);
    expect(t).toMatchObject({ subtotal: 999, taxTotal: 100, total: 1099 });
    expect(formatAmount(t.total, 'JPY')).toBe('1099');
  });

  it('BHD (exponent 3): 2.5 × 1.235 BHD at 10 %', () => {
    const t = computeTotals([ex('2.5', 1235, 1000)]);
    expect(t.lines[0]).toEqual({ base: 3088, discount: 0, amount: 3088 });
    expect(t).toMatchObject({ subtotal: 3088, taxTotal: 309, total: 3397 });
    expect(formatAmount(t.total, 'BHD')).toBe('3.397');
  });

  it('quantity "0.333" × 19.99', () => {
    const t = computeTotals([ex('0.333', 1999, 2000)]);
    expect(t.lines[0]?.base).toBe(666); // 665.667 → 666
    expect(t).toMatchObject({ subtotal: 666, taxTotal: 133, total: 799 });
  });

  it('mixed rates 0 %, 5.5 %, 20 % give one sorted group per rate', () => {
    const t = computeTotals([ex('1', 2500, 2000), ex('1', 1000, 0), ex('1', 1999, 550), ex('1', 500, 2000)]);
    expect(t.taxes).toEqual([
      { rateBp: 0, inclusive: false, taxable: 1000, tax: 0 },
      { rateBp: 550, inclusive: false, taxable: 1999, tax: 110 },
      { rateBp: 2000, inclusive: false, taxable: 3000, tax: 600 },
    ]);
    expect(t).toMatchObject({ subtotal: 5999, discountTotal: 0, taxTotal: 710, total: 6709 });
  });

  it('inclusive price: 119.00 gross at 19 % → tax 19.00', () => {
    const t = computeTotals([inc('1', 11900, 1900)]);
    expect(t.lines[0]).toEqual({ base: 11900, discount: 0, amount: 11900 });
    expect(t.taxes).toEqual([{ rateBp: 1900, inclusive: true, taxable: 10000, tax: 1900 }]);
    expect(t).toMatchObject({ subtotal: 10000, discountTotal: 0, taxTotal: 1900, total: 11900 });
  });

  it('inclusive and exclusive lines at the same rate stay in separate groups', () => {
    const t = computeTotals([inc('1', 11900, 1900), ex('1', 10000, 1900)]);
    expect(t.taxes).toEqual([
      { rateBp: 1900, inclusive: false, taxable: 10000, tax: 1900 },
      { rateBp: 1900, inclusive: true, taxable: 10000, tax: 1900 },
    ]);
    expect(t).toMatchObject({ subtotal: 20000, taxTotal: 3800, total: 23800 });
  });

  it('percent line discount is rounded per line', () => {
    const t = computeTotals([ex('2', 4999, 2000, pct(1500))]);
    expect(t.lines[0]).toEqual({ base: 9998, discount: 1500, amount: 8498 }); // 1499.7 → 1500
    expect(t).toMatchObject({ subtotal: 8498, taxTotal: 1700, total: 10198 });
  });

  it('fixed document discount split across two rates by largest remainder', () => {
    const t = computeTotals([ex('1', 3333, 2000), ex('1', 6667, 1000)], amt(1000));
    // Exact shares 666.7 (10 %) and 333.3 (20 %): floors 666 + 333, the spare unit goes to 0.7.
    expect(t.taxes).toEqual([
      { rateBp: 1000, inclusive: false, taxable: 6000, tax: 600 },
      { rateBp: 2000, inclusive: false, taxable: 3000, tax: 600 },
    ]);
    expect(t).toMatchObject({ subtotal: 10000, discountTotal: 1000, taxTotal: 1200, total: 10200 });
  });

  it('remainder ties go to the group that sorts first, whatever the line order', () => {
    const lines = [ex('1', 100, 2000), ex('1', 100, 0), ex('1', 100, 1000)];
    for (const order of [lines, [...lines].reverse()]) {
      const t = computeTotals(order, amt(2));
      expect(t.taxes.map((g) => g.taxable)).toEqual([99, 99, 100]);
    }
  });

  it('fixed document discount on an inclusive group is reported on the net basis', () => {
    const t = computeTotals([inc('1', 11900, 1900)], amt(1190));
    // Gross 119.00 − 11.90 = 107.10; tax = round(10710 × 19/119) = 1710; net 9000.
    expect(t.taxes).toEqual([{ rateBp: 1900, inclusive: true, taxable: 9000, tax: 1710 }]);
    expect(t).toMatchObject({ subtotal: 10000, discountTotal: 1000, taxTotal: 1710, total: 10710 });
  });

  it('percent document discount', () => {
    const t = computeTotals([ex('1', 10000, 2000), ex('1', 5000, 550)], pct(1000));
    expect(t.taxes).toEqual([
      { rateBp: 550, inclusive: false, taxable: 4500, tax: 248 },
      { rateBp: 2000, inclusive: false, taxable: 9000, tax: 1800 },
    ]);
    expect(t).toMatchObject({ subtotal: 15000, discountTotal: 1500, taxTotal: 2048, total: 15548 });
  });

  it('negative quantity (deduction) line', () => {
    const t = computeTotals([ex('2', 5000, 2000), ex('-1', 5000, 2000)]);
    expect(t.lines[1]).toEqual({ base: -5000, discount: 0, amount: -5000 });
    expect(t).toMatchObject({ subtotal: 5000, taxTotal: 1000, total: 6000 });
  });

  it('a discount on a negative line moves it towards zero', () => {
    const t = computeTotals([ex('-2', 1000, 2000, amt(500)), ex('-1', 999, 0, pct(5000))]);
    expect(t.lines).toEqual([
      { base: -2000, discount: -500, amount: -1500 },
      { base: -999, discount: -500, amount: -499 },
    ]);
    expect(t).toMatchObject({ subtotal: -1999, taxTotal: -300, total: -2299 });
  });

  it('100 % discount and empty documents give zero', () => {
    expect(computeTotals([inc('1.5', 777, 770), ex('3', 1234, 2000)], pct(10_000)).total).toBe(0);
    expect(computeTotals([])).toEqual({ lines: [], taxes: [], subtotal: 0, discountTotal: 0, taxTotal: 0, total: 0 });
  });
});

describe('computeTotals: validation', () => {
  it.each([
    ['-0', /negative zero/],
    ['-0.000', /negative zero/],
    ['1.1234567', /7 fractional digits/],
    ['1e3', /exponent/],
    ['+1', /'\+'/],
    ['1,5', /separator/],
    [' 1', /whitespace/],
    ['', /plain decimal/],
    ['.5', /plain decimal/],
    ['1.', /plain decimal/],
    ['01', /plain decimal/],
    ['NaN', /plain decimal/],
    ['1'.repeat(41), /longer/],
  ])('quantity %j is rejected', (quantity, message) => {
    expect(() => computeTotals([ex(quantity, 100, 0)])).toThrow(RangeError);
    expect(() => computeTotals([ex(quantity, 100, 0)])).toThrow(message);
  });

  it.each<[string, LineInput]>([
    ['fractional unit price', ex('1', 1.5, 0)],
    ['NaN unit price', ex('1', Number.NaN, 0)],
    ['unsafe unit price', ex('1', 2 ** 53, 0)],
    ['tax rate above 1000 %', ex('1', 100, 100_001)],
    ['negative tax rate', ex('1', 100, -1)],
    ['fractional tax rate', ex('1', 100, 7.7)],
    ['percent discount above 100 %', ex('1', 100, 0, pct(10_001))],
    ['negative amount discount', ex('1', 100, 0, amt(-1))],
    ['amount discount above the line', ex('1', 100, 0, amt(101))],
    ['amount discount on a zero line', ex('0', 100, 0, amt(1))],
    ['unknown discount type', ex('1', 100, 0, { type: 'bogus' } as unknown as Discount)],
    ['non-boolean taxInclusive', { ...ex('1', 100, 0), taxInclusive: 'yes' } as unknown as LineInput],
  ])('%s is rejected', (_name, line) => {
    expect(() => computeTotals([line])).toThrow(RangeError);
  });

  it('names the offending line', () => {
    expect(() => computeTotals([ex('1', 1, 0), ex('1', 1, 0, pct(20_000))])).toThrow(
      /lines\[1\]\.discount\.basisPoints/,
    );
  });

  it('rejects a document discount larger than the lines', () => {
    expect(() => computeTotals([ex('1', 100, 0)], amt(101))).toThrow(RangeError);
    expect(() => computeTotals([ex('1', 100, 0), ex('-1', 100, 0)], amt(1))).toThrow(RangeError);
  });

  it('throws instead of returning an unsafe integer', () => {
    expect(() => computeTotals([ex('1000', Number.MAX_SAFE_INTEGER, 0)])).toThrow(/safe integer/);
    expect(() => computeTotals([ex('1', Number.MAX_SAFE_INTEGER, 2000)])).toThrow(/safe integer/);
  });
});

describe('parseAmount / formatAmount', () => {
  it.each([
    ['1234.56', 'EUR', 123456, '1234.56'],
    ['1234.5', 'EUR', 123450, '1234.50'],
    ['-0.05', 'EUR', -5, '-0.05'],
    ['0', 'EUR', 0, '0.00'],
    ['1234', 'JPY', 1234, '1234'],
    ['-7', 'JPY', -7, '-7'],
    ['1.234', 'BHD', 1234, '1.234'],
    ['0.001', 'KWD', 1, '0.001'],
    ['12.3456', 'CLF', 123456, '12.3456'],
    ['90071992547409.91', 'USD', Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('%j %s ↔ %i', (text, currency, minor, canonical) => {
    expect(parseAmount(text, currency)).toBe(minor);
    expect(formatAmount(minor, currency)).toBe(canonical);
    expect(parseAmount(formatAmount(minor, currency), currency)).toBe(minor);
  });

  it.each([
    ['1.234', 'EUR', /3 fractional digits, at most 2/],
    ['1.0', 'JPY', /at most 0/],
    ['1.2345', 'BHD', /at most 3/],
    ['1e3', 'EUR', /exponent/],
    ['1E3', 'EUR', /exponent/],
    ['1,234.56', 'EUR', /separator/],
    ['12,5', 'EUR', /separator/],
    ['+1', 'EUR', /'\+'/],
    ['--1', 'EUR', /plain decimal/],
    ['1-', 'EUR', /plain decimal/],
    ['-0', 'EUR', /negative zero/],
    ['1 000', 'EUR', /plain decimal/],
    ['0x10', 'EUR', /plain decimal/],
    ['Infinity', 'EUR', /plain decimal/],
    ['90071992547409.92', 'USD', /safe integer/],
    ['1', 'XXX', /unknown ISO 4217/],
    ['1', 'eur', /unknown ISO 4217/],
  ])('parseAmount(%j, %s) throws', (text, currency, message) => {
    expect(() => parseAmount(text, currency)).toThrow(RangeError);
    expect(() => parseAmount(text, currency)).toThrow(message);
  });

  it.each([
    [1.5, 'EUR'],
    [Number.NaN, 'EUR'],
    [2 ** 53, 'EUR'],
    [1, 'ABC'],
  ])('formatAmount(%d, %s) throws', (minor, currency) => {
    expect(() => formatAmount(minor, currency)).toThrow(RangeError);
  });

  it('round-trips every safe integer in every currency', () => {
    const codes = Object.keys(CURRENCY_EXPONENT);
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom(...codes), (minor, currency) => {
        const text = formatAmount(minor, currency);
        expect(text).toMatch(/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/);
        expect(parseAmount(text, currency)).toBe(minor);
      }),
    );
  });
});

describe('convertAmount', () => {
  it.each([
    [10000, 'EUR', 'JPY', '161.23', 16123], // 100.00 EUR → ¥16123
    [12345, 'EUR', 'JPY', '161.2345', 19904], // 19904.399 → 19904
    [1, 'EUR', 'JPY', '150', 2], // 1.5 → 2 (half away from zero)
    [-1, 'EUR', 'JPY', '150', -2],
    [16123, 'JPY', 'EUR', '0.0062', 9996], // 99.9626 EUR
    [10000, 'USD', 'BHD', '0.376', 37600], // 100.00 USD → 37.600 BHD
    [1, 'USD', 'BHD', '0.376', 4], // 3.76 fils → 4
    [1000, 'BHD', 'USD', '2.6595744681', 266], // 2.6596 USD
    [10000, 'EUR', 'CLF', '0.0251', 25100],
    [123456, 'EUR', 'EUR', '1', 123456],
    [5, 'EUR', 'USD', '0.1', 1], // 0.5 → 1
  ])('%i %s → %s at %s = %i', (minor, from, to, rate, expected) => {
    expect(convertAmount(minor, from, to, rate)).toBe(expected);
  });

  it.each([
    ['0', /positive/],
    ['0.0000000000', /positive/],
    ['-1.1', /negative/],
    ['1.12345678901', /11 fractional digits/],
    ['1e2', /exponent/],
    ['1,1', /separator/],
    ['', /plain decimal/],
  ])('rejects rate %j', (rate, message) => {
    expect(() => convertAmount(100, 'EUR', 'USD', rate)).toThrow(message);
  });

  it('rejects unknown currencies, bad amounts and unsafe results', () => {
    expect(() => convertAmount(100, 'EUR', 'ABC', '1')).toThrow(RangeError);
    expect(() => convertAmount(0.5, 'EUR', 'USD', '1')).toThrow(RangeError);
    expect(() => convertAmount(Number.MAX_SAFE_INTEGER, 'EUR', 'USD', '2')).toThrow(/safe integer/);
  });

  it('is odd and exact for rate 1 between equal exponents', () => {
    const rate = fc
      .tuple(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 1, max: 9_999_999_999 }))
      .map(([whole, frac]) => `${whole}.${String(frac).padStart(10, '0')}`);
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), rate, (minor, r) => {
        expect(convertAmount(minor, 'USD', 'EUR', '1')).toBe(minor);
        expect(convertAmount(-minor, 'EUR', 'KWD', r)).toBe(-convertAmount(minor, 'EUR', 'KWD', r) || 0);
      }),
    );
  });
});

// Property tests: random documents, discounts clamped so they are valid by construction.
type DiscountSpec = null | { percent: number } | { permille: number };
interface RawLine {
  line: LineInput;
  spec: DiscountSpec;
}

const quantityArb = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 9_999 }), fc.stringMatching(/^[0-9]{0,6}$/))
  .map(([negative, whole, fraction]) => {
    const zero = whole === 0 && /^0*$/.test(fraction);
    return `${negative && !zero ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
  });
const rateArb = fc.oneof(
  fc.constantFrom(0, 250, 550, 700, 770, 1000, 1900, 2000, 2100),
  fc.integer({ min: 0, max: 100_000 }),
);
const specArb: fc.Arbitrary<DiscountSpec> = fc.oneof(
  fc.constant(null),
  fc.integer({ min: 0, max: 10_000 }).map((percent) => ({ percent })),
  fc.integer({ min: 0, max: 1_000 }).map((permille) => ({ permille })),
);
const rawLineArb = (inclusive: fc.Arbitrary<boolean>): fc.Arbitrary<RawLine> =>
  fc
    .record({
      quantity: quantityArb,
      unitPrice: fc.integer({ min: -10_000_000, max: 10_000_000 }),
      taxRateBp: rateArb,
      taxInclusive: inclusive,
      spec: specArb,
    })
    .map(({ spec, ...line }) => ({ line: { ...line, discount: null }, spec }));

const absBig = (n: number): bigint => (n < 0 ? -BigInt(n) : BigInt(n));
function resolve(spec: DiscountSpec, basis: number): Discount | null {
  if (spec === null) return null;
  if ('percent' in spec) return pct(spec.percent);
  return amt(Number((absBig(basis) * BigInt(spec.permille)) / 1000n));
}
function materialize(raw: RawLine[]): LineInput[] {
  return raw.map(({ line, spec }) => ({ ...line, discount: resolve(spec, computeTotals([line]).lines[0]?.base ?? 0) }));
}
const documentArb = (inclusive: fc.Arbitrary<boolean>, docSpec: fc.Arbitrary<DiscountSpec> = specArb) =>
  fc.tuple(fc.array(rawLineArb(inclusive), { maxLength: 25 }), docSpec).map(([raw, spec]) => {
    const lines = materialize(raw);
    const lineSum = computeTotals(lines).lines.reduce((s, l) => s + l.amount, 0);
    return { lines, discount: resolve(spec, lineSum) };
  });

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
function checkInvariants(t: Totals): void {
  const numbers = [
    t.subtotal,
    t.discountTotal,
    t.taxTotal,
    t.total,
    ...t.lines.flatMap((l) => [l.base, l.discount, l.amount]),
    ...t.taxes.flatMap((g) => [g.taxable, g.tax]),
  ];
  for (const n of numbers) expect(Number.isSafeInteger(n)).toBe(true);
  expect(t.total).toBe(t.subtotal - t.discountTotal + t.taxTotal);
  expect(t.taxTotal).toBe(sum(t.taxes.map((g) => g.tax)));
  expect(sum(t.taxes.map((g) => g.taxable)) + t.taxTotal).toBe(t.total);
  for (const l of t.lines) expect(l.amount).toBe(l.base - l.discount);
  const keys = t.taxes.map((g) => g.rateBp * 2 + Number(g.inclusive));
  expect(keys).toEqual([...keys].sort((a, b) => a - b));
  expect(new Set(keys).size).toBe(keys.length);
}

describe('computeTotals: properties', () => {
  it('invariants hold for mixed inclusive/exclusive documents', () => {
    fc.assert(
      fc.property(documentArb(fc.boolean()), ({ lines, discount }) => checkInvariants(computeTotals(lines, discount))),
      { numRuns: 500 },
    );
  });

  it('exclusive-only: subtotal is the sum of line amounts and the discount is allocated exactly', () => {
    fc.assert(
      fc.property(documentArb(fc.constant(false)), ({ lines, discount }) => {
        const t = computeTotals(lines, discount);
        checkInvariants(t);
        expect(t.subtotal).toBe(sum(t.lines.map((l) => l.amount)));
        if (discount?.type === 'amount') expect(Math.abs(t.discountTotal)).toBe(discount.amount);
      }),
      { numRuns: 500 },
    );
  });

  it('permuting the lines changes nothing but the line order', () => {
    const arb = documentArb(fc.boolean()).chain(({ lines, discount }) =>
      fc
        .shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length })
        .map((shuffled) => ({ lines, shuffled, discount })),
    );
    fc.assert(
      fc.property(arb, ({ lines, shuffled, discount }) => {
        const a = computeTotals(lines, discount);
        const b = computeTotals(shuffled, discount);
        expect(b.taxes).toEqual(a.taxes);
        expect([b.subtotal, b.discountTotal, b.taxTotal, b.total]).toEqual([
          a.subtotal,
          a.discountTotal,
          a.taxTotal,
          a.total,
        ]);
      }),
      { numRuns: 300 },
    );
  });

  it('a 100 % document discount gives total 0 for positive lines', () => {
    const positive = fc.record({
      quantity: fc.integer({ min: 1, max: 10_000_000_000 }).map((micro) =>
        String(micro)
          .padStart(7, '0')
          .replace(/(\d{6})$/, '.$1'),
      ),
      unitPrice: fc.integer({ min: 1, max: 10_000_000 }),
      taxRateBp: rateArb,
      taxInclusive: fc.boolean(),
      discount: fc.option(fc.integer({ min: 0, max: 10_000 }).map(pct)),
    });
    fc.assert(
      fc.property(fc.array(positive, { minLength: 1, maxLength: 20 }), (lines) => {
        const t = computeTotals(lines, pct(10_000));
        checkInvariants(t);
        expect(t.total).toBe(0);
        expect(t.taxTotal).toBe(0);
        expect(t.discountTotal).toBe(t.subtotal);
      }),
    );
  });

  it('a document discount never turns a group past zero', () => {
    fc.assert(
      fc.property(documentArb(fc.boolean()), ({ lines, discount }) => {
        const before = computeTotals(lines);
        const after = computeTotals(lines, discount);
        after.taxes.forEach((g, i) => {
          const b = before.taxes[i];
          if (!b) throw new Error('group disappeared');
          const gross = (x: { taxable: number; tax: number }) => x.taxable + x.tax;
          expect(Math.abs(gross(g))).toBeLessThanOrEqual(Math.abs(gross(b)));
          expect(gross(g) === 0 || Math.sign(gross(g)) === Math.sign(gross(b))).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});
