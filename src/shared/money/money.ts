// Pure money arithmetic for invoices. Money is always an integer count of minor units; every
// intermediate product is a BigInt and every rounding goes through roundHalfAwayFromZero, so no
// floating point value ever touches an amount. Results leave as JS numbers only after a
// safe-integer check (RangeError otherwise).
//
// Rounding rule (EN 16931 style, rounding once at each level the standard reports):
// 1. Line (BT-131 when exclusive): base = round(quantity × unit price); the line discount (BT-136) is rounded per
//    line; amount = base − discount. Inclusive lines keep their amount gross, as entered.
// 2. Lines are grouped per (tax rate, inclusive) — a VAT breakdown (BG-23) per group.
// 3. The document discount (BT-107) is allocated across the groups in proportion to their line
//    amounts with the largest-remainder method, so the allocations sum exactly to the discount.
//    Remainder ties go to the group that sorts first (rate ascending, exclusive before inclusive),
//    which keeps the result independent of line order. The discount, like the group amounts, is
//    on the as-entered basis: an amount discount takes that much off the net of exclusive groups
//    and off the gross of inclusive ones; a percent discount is round(Σ line amounts × percent).
// 4. Tax (BT-117) is computed once per group on the group's amount after its allocation:
//    exclusive: taxable = amount, tax = round(taxable × rate);
//    inclusive: G = gross amount, tax = round(G × rate / (1 + rate)), taxable = G − tax.
//    For inclusive groups tax may differ from round(taxable × rate) by one minor unit; the gross
//    the client agreed to pay wins over BR-CO-17's recomputation.
// Every rounding is half away from zero (half up for positive amounts).
//
// Document totals, all on the tax-exclusive basis EN 16931 uses (it has no gross prices):
//   subtotal      (BT-106) = Σ over groups of the net amount before the document discount:
//                            exclusive group: Σ line amounts;
//                            inclusive group: A − round(A × rate / (1 + rate)), A = Σ gross amounts.
//   discountTotal (BT-107) = subtotal − Σ taxes[].taxable: the document discount expressed net.
//                            It equals the entered discount when every line is exclusive; for an
//                            inclusive group it is the allocated gross discount minus the tax it
//                            removed.
//   taxTotal      (BT-110) = Σ taxes[].tax
//   total         (BT-112) = Σ taxes[].taxable + taxTotal  (what the client owes)
// Hence total === subtotal − discountTotal + taxTotal (BR-CO-13/BR-CO-15) holds by construction,
// and for exclusive-only documents subtotal === Σ lines[].amount (BR-CO-10).

import { currencyExponent } from './currency.ts';

export { CURRENCY_EXPONENT, currencyExponent, isCurrency } from './currency.ts';

export type Discount = { type: 'percent'; basisPoints: number } | { type: 'amount'; amount: number };

export interface LineInput {
  quantity: string;
  unitPrice: number;
  discount?: Discount | null;
  taxRateBp: number;
  taxInclusive: boolean;
}

export interface LineTotals {
  base: number;
  discount: number;
  amount: number;
}
export interface TaxGroup {
  rateBp: number;
  inclusive: boolean;
  taxable: number;
  tax: number;
}
export interface Totals {
  lines: LineTotals[];
  taxes: TaxGroup[];
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  total: number;
}

const BP = 10_000n;
const QUANTITY_DIGITS = 6;
const RATE_DIGITS = 10;
const MAX_RATE_BP = 100_000;
// Longest decimal text accepted: far beyond any safe amount, small enough to bound BigInt work.
const MAX_DECIMAL_LENGTH = 40;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function fail(message: string): never {
  throw new RangeError(message);
}

function quote(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 48 ? `${text.slice(0, 45)}...` : text;
}

function toSafe(value: bigint, what: string): number {
  if (value > MAX_SAFE || value < -MAX_SAFE) fail(`${what} (${value}) is outside the safe integer range`);
  return Number(value);
}

function checkIntegerIn(value: unknown, what: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(`${what} must be an integer in ${min}..${max}, got ${quote(value)}`);
  }
}

function integerIn(value: unknown, what: string, min: number, max: number): bigint {
  checkIntegerIn(value, what, min, max);
  return BigInt(value);
}

export function roundHalfAwayFromZero(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) fail('roundHalfAwayFromZero: denominator is zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = n / d;
  if ((n % d) * 2n >= d) q += 1n;
  return negative ? -q : q;
}

// Parses a plain decimal ("-12.5") into an integer scaled by 10^digits. Anything else — '+',
// exponents, separators, spaces, a bare '.', leading zeros, negative zero — is rejected rather than
// guessed at, because a misread amount on an invoice is worse than a refused one.
function parseDecimal(text: unknown, digits: number, what: string, allowNegative: boolean): bigint {
  if (typeof text !== 'string') fail(`${what} must be a decimal string, got ${quote(text)}`);
  if (text.length > MAX_DECIMAL_LENGTH) fail(`${what} is longer than ${MAX_DECIMAL_LENGTH} characters`);
  const match = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(text);
  if (!match) {
    if (/[eE]/.test(text)) fail(`${what} ${quote(text)} must not use exponent notation`);
    if (text.includes(',')) fail(`${what} ${quote(text)} must use '.' as decimal separator and no grouping commas`);
    if (/^\s|\s$/.test(text)) fail(`${what} ${quote(text)} must not contain surrounding whitespace`);
    if (text.includes('+')) fail(`${what} ${quote(text)} must not carry a '+' sign`);
    fail(`${what} ${quote(text)} is not a plain decimal number (digits, optional leading '-', optional '.')`);
  }
  const [, sign = '', whole = '', fraction = ''] = match;
  if (fraction.length > digits) {
    fail(`${what} ${quote(text)} has ${fraction.length} fractional digits, at most ${digits} allowed`);
  }
  const magnitude = BigInt(whole + fraction.padEnd(digits, '0'));
  if (sign === '-') {
    if (!allowNegative) fail(`${what} ${quote(text)} must not be negative`);
    if (magnitude === 0n) fail(`${what} ${quote(text)} is a negative zero`);
    return -magnitude;
  }
  return magnitude;
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

// Resolves a discount against the amount it applies to. The result carries the sign of `basis`,
// so a discount always moves an amount towards zero (a deduction line stays a deduction) and
// never past it.
function resolveDiscount(discount: Discount | null | undefined, basis: bigint, what: string): bigint {
  if (discount === null || discount === undefined) return 0n;
  if (typeof discount !== 'object') fail(`${what} must be an object or null`);
  if (discount.type === 'percent') {
    const bp = integerIn(discount.basisPoints, `${what}.basisPoints`, 0, 10_000);
    return roundHalfAwayFromZero(basis * bp, BP);
  }
  if (discount.type === 'amount') {
    const amount = integerIn(discount.amount, `${what}.amount`, 0, Number.MAX_SAFE_INTEGER);
    if (amount > abs(basis)) fail(`${what}.amount ${amount} exceeds the amount it discounts (${basis})`);
    return basis < 0n ? -amount : amount;
  }
  return fail(`${what}.type must be 'percent' or 'amount', got ${quote((discount as { type?: unknown }).type)}`);
}

// Largest-remainder apportionment of `total` over `weights` in proportion to them. Works for
// signed weights: the exact shares sum to `total`, each floor loses a fraction in [0, 1), so the
// missing units number fewer than the weights and go to the largest fractions (earlier index on a
// tie). Requires |total| <= |Σ weights| with the same sign, which makes every share lie between
// zero and its weight.
function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((acc, w) => acc + w, 0n);
  if (sum === 0n) {
    if (total !== 0n) fail('cannot allocate a non-zero discount over amounts summing to zero');
    return weights.map(() => 0n);
  }
  const sign = sum < 0n ? -1n : 1n;
  const den = sum * sign;
  const parts = weights.map((weight, index) => {
    const num = total * weight * sign;
    let floor = num / den;
    if (num % den !== 0n && num < 0n) floor -= 1n;
    return { index, floor, remainder: num - floor * den };
  });
  let missing = total - parts.reduce((acc, p) => acc + p.floor, 0n);
  const byRemainder = [...parts].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const part of byRemainder) {
    if (missing === 0n) break;
    part.floor += 1n;
    missing -= 1n;
  }
  return parts.map((p) => p.floor);
}

interface Group {
  rateBp: number;
  inclusive: boolean;
  amount: bigint;
}

export function computeTotals(lines: LineInput[], documentDiscount?: Discount | null): Totals {
  if (!Array.isArray(lines)) fail('lines must be an array');
  const lineTotals: LineTotals[] = [];
  const groups = new Map<string, Group>();
  lines.forEach((line, i) => {
    const what = `lines[${i}]`;
    if (typeof line !== 'object' || line === null) fail(`${what} must be an object`);
    const quantity = parseDecimal(line.quantity, QUANTITY_DIGITS, `${what}.quantity`, true);
    const price = integerIn(line.unitPrice, `${what}.unitPrice`, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const rateBp = Number(integerIn(line.taxRateBp, `${what}.taxRateBp`, 0, MAX_RATE_BP));
    if (typeof line.taxInclusive !== 'boolean') fail(`${what}.taxInclusive must be a boolean`);
    const base = roundHalfAwayFromZero(quantity * price, 10n ** BigInt(QUANTITY_DIGITS));
    const discount = resolveDiscount(line.discount, base, `${what}.discount`);
    const amount = base - discount;
    lineTotals.push({
      base: toSafe(base, `${what} base`),
      discount: toSafe(discount, `${what} discount`),
      amount: toSafe(amount, `${what} amount`),
    });
    const key = `${rateBp}|${line.taxInclusive}`;
    const group = groups.get(key) ?? { rateBp, inclusive: line.taxInclusive, amount: 0n };
    group.amount += amount;
    groups.set(key, group);
  });

  const sorted = [...groups.values()].sort((a, b) =>
    a.rateBp !== b.rateBp ? a.rateBp - b.rateBp : Number(a.inclusive) - Number(b.inclusive),
  );
  const amounts = sorted.map((g) => g.amount);
  const lineSum = amounts.reduce((acc, a) => acc + a, 0n);
  const discount = resolveDiscount(documentDiscount, lineSum, 'documentDiscount');
  const allocations = allocate(discount, amounts);

  let subtotal = 0n;
  let taxableSum = 0n;
  let taxSum = 0n;
  const taxes = sorted.map((group, i): TaxGroup => {
    const rate = BigInt(group.rateBp);
    const after = group.amount - (allocations[i] as bigint);
    let taxable: bigint;
    let tax: bigint;
    if (group.inclusive) {
      tax = roundHalfAwayFromZero(after * rate, BP + rate);
      taxable = after - tax;
      subtotal += group.amount - roundHalfAwayFromZero(group.amount * rate, BP + rate);
    } else {
      taxable = after;
      tax = roundHalfAwayFromZero(after * rate, BP);
      subtotal += group.amount;
    }
    taxableSum += taxable;
    taxSum += tax;
    const label = `tax group ${group.rateBp}bp${group.inclusive ? ' inclusive' : ''}`;
    return {
      rateBp: group.rateBp,
      inclusive: group.inclusive,
      taxable: toSafe(taxable, `${label} taxable`),
      tax: toSafe(tax, `${label} tax`),
    };
  });

  return {
    lines: lineTotals,
    taxes,
    subtotal: toSafe(subtotal, 'subtotal'),
    discountTotal: toSafe(subtotal - taxableSum, 'discountTotal'),
    taxTotal: toSafe(taxSum, 'taxTotal'),
    total: toSafe(taxableSum + taxSum, 'total'),
  };
}

export function parseAmount(text: string, currency: string): number {
  const exponent = currencyExponent(currency);
  return toSafe(parseDecimal(text, exponent, `${currency} amount`, true), `${currency} amount ${quote(text)}`);
}

export function formatAmount(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  checkIntegerIn(minor, `${currency} amount`, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  // A safe integer prints exactly as a number: no BigInt needed (amounts are formatted on every
  // PDF and e-invoice line).
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const sign = minor < 0 ? '-' : '';
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

// minor_to = minor_from × rate × 10^(e_to − e_from), evaluated as one exact fraction and rounded
// once, so converting between exponents never rounds twice.
export function convertAmount(minor: number, from: string, to: string, rate: string): number {
  const fromExp = currencyExponent(from);
  const toExp = currencyExponent(to);
  const value = integerIn(minor, `${from} amount`, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const scaledRate = parseDecimal(rate, RATE_DIGITS, 'exchange rate', false);
  if (scaledRate === 0n) fail(`exchange rate ${quote(rate)} must be positive`);
  const numerator = value * scaledRate * 10n ** BigInt(toExp);
  const denominator = 10n ** BigInt(RATE_DIGITS + fromExp);
  return toSafe(roundHalfAwayFromZero(numerator, denominator), `converted ${from}→${to} amount`);
}
