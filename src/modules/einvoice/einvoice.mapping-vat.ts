// The VAT side of the mapping, derived from Sealbill's own computeTotals so the XML states exactly
// the taxable amounts, VAT and totals the PDF prints (money.ts is the single source).
//
// computeTotals groups by (rate, inclusive); EN 16931 by (category, rate). Each Sealbill group is
// handed to its VAT category; a 0 % group holding several categories (Z, E, AE, K, G) is split by
// their line sums (its tax is 0 anyway). Two categories at one non-zero rate cannot be split
// without changing the printed VAT: refused (SB-VAT-01).
//
// Tax-inclusive lines: EN 16931 knows net prices only. A gross group's net before the document
// discount is Sealbill's subtotal share N = A − round(A × r/(1+r)) (A = Σ gross line amounts); N
// is spread over its lines by the largest-remainder rule, so the lines sum to BT-106 exactly.
// The line discount is then inside the line net (no BG-27), and the VAT is Sealbill's gross
// rounding, which may differ from round(taxable × rate) by up to 2 minor units (the checks allow
// that; the official BR-CO-17 allows one whole currency unit).
import { roundHalfAwayFromZero, type Discount, type Totals } from '../../shared/money/money.ts';
import type { DocumentAllowanceCharge, Minor, VatCategory } from './einvoice.model.ts';
import { vatKey } from './einvoice.totals.ts';

export interface VatLineInput {
  taxRateBp: number;
  taxInclusive: boolean;
  tax: { category: VatCategory };
}

export interface DerivedVat {
  /** BT-131 per line, in line order. */
  lineNets: Minor[];
  /** The document discount as one BG-20 per (category, rate). */
  allowances: DocumentAllowanceCharge[];
  /** BT-117 per vatKey(category, rate), as Sealbill computed it. */
  taxes: Record<string, Minor>;
}

export class VatMappingError extends Error {
  readonly ruleId = 'SB-VAT-01';
  /** The first line whose category shares a rate with another category. */
  readonly lineIndex: number;
  constructor(message: string, lineIndex: number) {
    super(message);
    this.lineIndex = lineIndex;
  }
}

/** Largest remainder, ties to the earlier index: the same steps as computeTotals' allocation. */
export function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
  const sum = weights.reduce((a, w) => a + w, 0n);
  if (sum === 0n) return weights.map(() => 0n);
  const sign = sum < 0n ? -1n : 1n;
  const den = sum * sign;
  const parts = weights.map((w, index) => {
    const num = total * w * sign;
    let floor = num / den;
    if (num % den !== 0n && num < 0n) floor -= 1n;
    return { index, floor, remainder: num - floor * den };
  });
  let missing = total - parts.reduce((a, p) => a + p.floor, 0n);
  const order = [...parts].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const p of order) {
    if (missing === 0n) break;
    p.floor += 1n;
    missing -= 1n;
  }
  return parts.map((p) => p.floor);
}

interface Bucket {
  category: VatCategory;
  rateBp: number;
  lines: bigint;
  taxable: bigint;
  tax: bigint;
  exclusiveOnly: boolean;
}

export function deriveVat(lines: readonly VatLineInput[], totals: Totals, discount: Discount | null): DerivedVat {
  const lineNets = totals.lines.map((l) => BigInt(l.amount));
  const members = new Map<string, number[]>();
  lines.forEach((line, i) => {
    const key = `${line.taxRateBp}|${line.taxInclusive}`;
    members.set(key, [...(members.get(key) ?? []), i]);
  });
  const buckets = new Map<string, Bucket>();
  for (const group of totals.taxes) {
    const idx = members.get(`${group.rateBp}|${group.inclusive}`) ?? [];
    const rate = BigInt(group.rateBp);
    if (group.inclusive) {
      const gross = idx.reduce((a, i) => a + BigInt(totals.lines[i]?.amount ?? 0), 0n);
      const net = gross - roundHalfAwayFromZero(gross * rate, 10_000n + rate);
      allocate(
        net,
        idx.map((i) => BigInt(totals.lines[i]?.amount ?? 0)),
      ).forEach((n, k) => {
        lineNets[idx[k] as number] = n;
      });
    }
    const categories = [...new Set(idx.map((i) => (lines[i] as VatLineInput).tax.category))];
    if (categories.length > 1 && group.rateBp !== 0) {
      const second = idx.find((i) => (lines[i] as VatLineInput).tax.category !== categories[0]) as number;
      throw new VatMappingError(
        `VAT categories ${categories.join(', ')} share the rate ${group.rateBp / 100} %; give each category its own rate`,
        second,
      );
    }
    const sums = categories.map((c) =>
      idx
        .filter((i) => (lines[i] as VatLineInput).tax.category === c)
        .reduce((a, i) => a + (lineNets[i] as bigint), 0n),
    );
    const groupNet = sums.reduce((a, s) => a + s, 0n);
    const shares = allocate(groupNet - BigInt(group.taxable), sums);
    categories.forEach((category, k) => {
      const key = vatKey(category, group.rateBp);
      const b = buckets.get(key) ?? {
        category,
        rateBp: group.rateBp,
        lines: 0n,
        taxable: 0n,
        tax: 0n,
        exclusiveOnly: true,
      };
      b.lines += sums[k] as bigint;
      b.taxable += (sums[k] as bigint) - (shares[k] as bigint);
      b.tax += categories.length === 1 ? BigInt(group.tax) : 0n;
      b.exclusiveOnly &&= !group.inclusive;
      buckets.set(key, b);
    });
  }
  const sorted = [...buckets.values()].sort((a, b) => a.rateBp - b.rateBp || (a.category < b.category ? -1 : 1));
  const allowances = sorted.flatMap((b): DocumentAllowanceCharge[] => {
    const amount = Number(b.lines - b.taxable);
    if (amount === 0) return [];
    const ac: DocumentAllowanceCharge = {
      charge: false,
      amount,
      vatCategory: b.category,
      vatRateBp: b.rateBp,
      reason: 'Discount',
      reasonCode: '95',
    };
    // The percentage is stated only where the allowance is exactly base × percent, rounded (R040).
    if (discount?.type === 'percent' && b.exclusiveOnly)
      Object.assign(ac, { percentBp: discount.basisPoints, base: Number(b.lines) });
    return [ac];
  });
  return {
    lineNets: lineNets.map(Number),
    allowances,
    taxes: Object.fromEntries(sorted.map((b) => [vatKey(b.category, b.rateBp), Number(b.tax)])),
  };
}
