// Completes a model: line net amounts (BT-131), the VAT breakdown (BG-23) and the document totals
// (BG-22), computed the way EN 16931 defines them (see the rounding notes in einvoice.model.ts).
// The pre-issue checks recompute the same figures to verify a model built any other way.
import { convertAmount, roundHalfAwayFromZero } from '../../shared/money/money.ts';
import { lineNetAmount } from './einvoice.amounts.ts';
import type {
  DocumentAllowanceCharge,
  DocumentTotals,
  EinvoiceModel,
  InvoiceLine,
  Minor,
  VatBreakdown,
  VatCategory,
} from './einvoice.model.ts';

/** Exemption reason (BT-120) and/or code (BT-121) for a VAT category. */
export interface Exemption {
  reason?: string;
  code?: string;
}

/**
 * Wording for the categories whose reason is fixed by what they are (BR-AE-10, BR-IC-10,
 * BR-G-10, BR-O-10). `E` has none on purpose: an exemption must name its own legal basis
 * (e.g. "Kleinunternehmer gemäß § 19 UStG"), so the checks refuse an E without one (BR-E-10).
 */
export const STANDARD_EXEMPTIONS: Readonly<Partial<Record<VatCategory, Exemption>>> = {
  AE: { reason: 'Reverse charge', code: 'VATEX-EU-AE' },
  K: { reason: 'Intra-community supply', code: 'VATEX-EU-IC' },
  G: { reason: 'Export outside the EU', code: 'VATEX-EU-G' },
  O: { reason: 'Not subject to VAT', code: 'VATEX-EU-O' },
};

export type LineDraft = Omit<InvoiceLine, 'netAmount'> & { netAmount?: Minor };

export type EinvoiceDraft = Omit<EinvoiceModel, 'lines' | 'vatBreakdown' | 'totals'> & {
  lines: LineDraft[];
  /** Reason/code per category; defaults to STANDARD_EXEMPTIONS. */
  exemptions?: Partial<Record<VatCategory, Exemption>>;
  /** BT-113. */
  prepaid?: Minor;
  /** Units of `taxCurrency` per unit of `currency`, for BT-111. */
  taxExchangeRate?: string;
  /** BT-117 per vatKey(category, rate) where the issued document computed it from gross prices. */
  taxOverrides?: Record<string, Minor>;
};

/** The (category, rate) key of a breakdown entry; O carries no rate (BR-O-05). */
export function vatKey(category: VatCategory, rateBp: number): string {
  return category === 'O' ? 'O|' : `${category}|${rateBp}`;
}

interface Group {
  category: VatCategory;
  rateBp: number;
  lines: bigint;
  charges: bigint;
  allowances: bigint;
}

/** Σ per (category, rate) of lines, charges and allowances, sorted by rate then category. */
export function groupByVat(
  lines: ReadonlyArray<Pick<InvoiceLine, 'vatCategory' | 'vatRateBp' | 'netAmount'>>,
  acs: readonly DocumentAllowanceCharge[],
): Group[] {
  const groups = new Map<string, Group>();
  const get = (category: VatCategory, rateBp: number): Group => {
    const key = vatKey(category, rateBp);
    let group = groups.get(key);
    if (!group) {
      group = { category, rateBp: category === 'O' ? 0 : rateBp, lines: 0n, charges: 0n, allowances: 0n };
      groups.set(key, group);
    }
    return group;
  };
  for (const line of lines) get(line.vatCategory, line.vatRateBp).lines += BigInt(line.netAmount);
  for (const ac of acs) {
    const group = get(ac.vatCategory, ac.vatRateBp);
    if (ac.charge) group.charges += BigInt(ac.amount);
    else group.allowances += BigInt(ac.amount);
  }
  return [...groups.values()].sort(
    (a, b) => a.rateBp - b.rateBp || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
  );
}

/** BT-117 for a taxable amount: round(taxable × rate) once (BR-CO-17). */
export function vatAmount(taxable: bigint, rateBp: number): bigint {
  return roundHalfAwayFromZero(taxable * BigInt(rateBp), 10_000n);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function toSafe(value: bigint, what: string): number {
  if (value > MAX_SAFE || value < -MAX_SAFE) throw new RangeError(`${what} is outside the safe integer range`);
  return Number(value);
}

/** Fills in BT-131 (when absent), BG-23 and BG-22. Pure: the draft is not modified. */
export function completeModel(draft: EinvoiceDraft): EinvoiceModel {
  const { exemptions, prepaid = 0, taxExchangeRate, taxOverrides, lines: draftLines, ...rest } = draft;
  const lines: InvoiceLine[] = draftLines.map((line) => ({
    ...line,
    netAmount: line.netAmount ?? lineNetAmount(line, draft.currency),
  }));
  const groups = groupByVat(lines, draft.allowanceCharges);
  const vatBreakdown: VatBreakdown[] = groups.map((g) => {
    const taxable = g.lines + g.charges - g.allowances;
    const exemption = exemptions?.[g.category] ?? STANDARD_EXEMPTIONS[g.category];
    const entry: VatBreakdown = {
      taxable: toSafe(taxable, 'VAT taxable amount'),
      tax: toSafe(
        g.category === 'O' ? 0n : BigInt(taxOverrides?.[vatKey(g.category, g.rateBp)] ?? vatAmount(taxable, g.rateBp)),
        'VAT amount',
      ),
      category: g.category,
      rateBp: g.rateBp,
    };
    if (exemption?.reason) entry.exemptionReason = exemption.reason;
    if (exemption?.code) entry.exemptionCode = exemption.code;
    return entry;
  });
  const sum = (values: readonly Minor[]) => values.reduce((acc, v) => acc + BigInt(v), 0n);
  const lineNet = sum(lines.map((l) => l.netAmount));
  const allowances = sum(draft.allowanceCharges.filter((ac) => !ac.charge).map((ac) => ac.amount));
  const charges = sum(draft.allowanceCharges.filter((ac) => ac.charge).map((ac) => ac.amount));
  const tax = sum(vatBreakdown.map((v) => v.tax));
  const taxExclusive = lineNet - allowances + charges;
  const taxInclusive = taxExclusive + tax;
  const totals: DocumentTotals = {
    lineNet: toSafe(lineNet, 'BT-106'),
    allowances: toSafe(allowances, 'BT-107'),
    charges: toSafe(charges, 'BT-108'),
    taxExclusive: toSafe(taxExclusive, 'BT-109'),
    tax: toSafe(tax, 'BT-110'),
    taxInclusive: toSafe(taxInclusive, 'BT-112'),
    prepaid,
    rounding: 0,
    payable: toSafe(taxInclusive - BigInt(prepaid), 'BT-115'),
  };
  if (draft.taxCurrency !== undefined) {
    if (taxExchangeRate === undefined) throw new RangeError('taxExchangeRate is required with taxCurrency (BT-111)');
    totals.taxInAccountingCurrency = convertAmount(totals.tax, draft.currency, draft.taxCurrency, taxExchangeRate);
  }
  return { ...rest, lines, vatBreakdown, totals };
}
