// EN 16931 VAT rules: per category (BR-S/Z/E/AE/IC/G/O/IG/IP-01..14), the VAT breakdown
// (BR-CO-17/18) and the document totals (BR-CO-10..16). Sealbill computes every figure exactly,
// so these checks demand exact sums where the official rules tolerate ±1 currency unit.
import { VATEX_CODES } from '../einvoice.codelists.ts';
import type { EinvoiceModel, VatCategory } from '../einvoice.model.ts';
import { groupByVat, vatAmount, vatKey } from '../einvoice.totals.ts';
import { type Findings, present } from './findings.ts';

// Rule-id prefix per category, as the EN 16931 artefacts name them.
const PREFIX: Readonly<Record<VatCategory, string>> = {
  S: 'BR-S',
  Z: 'BR-Z',
  E: 'BR-E',
  AE: 'BR-AE',
  K: 'BR-IC',
  G: 'BR-G',
  O: 'BR-O',
  L: 'BR-IG',
  M: 'BR-IP',
};
const NAME: Readonly<Record<VatCategory, string>> = {
  S: 'standard rate',
  Z: 'zero rate',
  E: 'exempt',
  AE: 'reverse charge',
  K: 'intra-community supply',
  G: 'export outside the EU',
  O: 'not subject to VAT',
  L: 'IGIC (Canary Islands)',
  M: 'IPSI (Ceuta and Melilla)',
};
const NEEDS_REASON = new Set<VatCategory>(['E', 'AE', 'K', 'G', 'O']);
const ZERO_RATED = new Set<VatCategory>(['Z', 'E', 'AE', 'K', 'G']);

function sellerVatRequirements(m: EinvoiceModel, f: Findings, category: VatCategory, rule: string): void {
  const s = m.seller;
  const b = m.buyer;
  const name = NAME[category];
  switch (category) {
    case 'S':
    case 'Z':
    case 'E':
    case 'L':
    case 'M':
      if (!present(s.vatId) && !present(s.taxRegistrationId))
        f.add(rule, 'seller.vatId', `${name} needs the seller's VAT id or tax registration`);
      break;
    case 'AE':
      if (!present(s.vatId) && !present(s.taxRegistrationId))
        f.add(rule, 'seller.vatId', `${name} needs the seller's VAT id or tax registration`);
      if (!present(b.vatId) && !present(b.legalRegistration?.id))
        f.add(rule, 'buyer.vatId', `${name} needs the buyer's VAT id`);
      break;
    case 'K':
      if (!present(s.vatId)) f.add(rule, 'seller.vatId', `${name} needs the seller's VAT id`);
      if (!present(b.vatId)) f.add(rule, 'buyer.vatId', `${name} needs the buyer's VAT id`);
      break;
    case 'G':
      if (!present(s.vatId)) f.add(rule, 'seller.vatId', `${name} needs the seller's VAT id`);
      break;
    case 'O':
      if (present(s.vatId)) f.add(rule, 'seller.vatId', `${name} must not state the seller's VAT id`);
      if (present(b.vatId)) f.add(rule, 'buyer.vatId', `${name} must not state the buyer's VAT id`);
      break;
  }
}

function rate(f: Findings, category: VatCategory, rateBp: number, rule: string, path: string): void {
  const name = NAME[category];
  if (!Number.isSafeInteger(rateBp) || rateBp < 0)
    f.add(rule, path, 'the VAT rate must be a non-negative number of basis points');
  else if (category === 'S' && rateBp === 0) f.add(rule, path, `${name} needs a rate above 0 %`);
  else if ((ZERO_RATED.has(category) || category === 'O') && rateBp !== 0) f.add(rule, path, `${name} must be at 0 %`);
}

function categories(m: EinvoiceModel, f: Findings): void {
  const used = new Map<VatCategory, { line?: number; allowance?: number; charge?: number }>(); // first use of each category
  const note = (c: VatCategory, kind: 'line' | 'allowance' | 'charge', index: number) => {
    const u = used.get(c) ?? {};
    if (u[kind] === undefined) u[kind] = index;
    used.set(c, u);
  };
  m.lines.forEach((l, i) => {
    note(l.vatCategory, 'line', i);
    rate(f, l.vatCategory, l.vatRateBp, `${PREFIX[l.vatCategory]}-05`, `lines[${i}].vatRateBp`);
  });
  m.allowanceCharges.forEach((ac, i) => {
    note(ac.vatCategory, ac.charge ? 'charge' : 'allowance', i);
    rate(
      f,
      ac.vatCategory,
      ac.vatRateBp,
      `${PREFIX[ac.vatCategory]}-${ac.charge ? '07' : '06'}`,
      `allowanceCharges[${i}].vatRateBp`,
    );
  });
  for (const [c, u] of used) {
    const p = PREFIX[c];
    if (u.line !== undefined) sellerVatRequirements(m, f, c, `${p}-02`);
    else if (u.allowance !== undefined) sellerVatRequirements(m, f, c, `${p}-03`);
    else if (u.charge !== undefined) sellerVatRequirements(m, f, c, `${p}-04`);
  }
  if (used.has('K')) {
    if (!m.delivery?.date && !m.period)
      f.add('BR-IC-11', 'delivery.date', 'an intra-community supply needs the supply date or the invoicing period');
    if (!m.delivery?.address?.country)
      f.add('BR-IC-12', 'delivery.address.country', 'an intra-community supply needs the deliver-to country');
  }
  if (used.has('O') && used.size > 1) {
    f.add('BR-O-11', 'lines', '"not subject to VAT" cannot be combined with other VAT categories on one document');
  }
}

function breakdown(m: EinvoiceModel, f: Findings): void {
  if (m.vatBreakdown.length === 0) f.add('BR-CO-18', 'vatBreakdown', 'a document needs at least one VAT breakdown');
  const expected = new Map(groupByVat(m.lines, m.allowanceCharges).map((g) => [vatKey(g.category, g.rateBp), g]));
  const seen = new Set<string>();
  m.vatBreakdown.forEach((v, i) => {
    const p = PREFIX[v.category];
    const key = vatKey(v.category, v.rateBp);
    const path = `vatBreakdown[${i}]`;
    if (seen.has(key)) f.add('BR-CO-18', path, `two VAT breakdowns for ${NAME[v.category]} at the same rate`);
    seen.add(key);
    const g = expected.get(key);
    if (!g) {
      f.add(`${p}-01`, path, `a VAT breakdown for ${NAME[v.category]} that no line, allowance or charge uses`);
    } else if (BigInt(v.taxable) !== g.lines + g.charges - g.allowances) {
      f.add(
        `${p}-08`,
        `${path}.taxable`,
        `the ${NAME[v.category]} taxable amount must equal its lines + charges − allowances`,
      );
    }
    const tax = v.category === 'O' || ZERO_RATED.has(v.category) ? 0n : vatAmount(BigInt(v.taxable), v.rateBp);
    // Exact, except for the ±2 minor units Sealbill's rounding of gross prices may leave
    // (einvoice.mapping-vat.ts); the official BR-CO-17 tolerates one whole currency unit.
    const off = BigInt(v.tax) - tax;
    if (tax === 0n ? off !== 0n : off > 2n || off < -2n) {
      f.add(
        tax === 0n ? `${p}-09` : 'BR-CO-17',
        `${path}.tax`,
        `the ${NAME[v.category]} VAT amount must be ${tax} minor units (taxable × rate, rounded once)`,
      );
    }
    const hasReason = present(v.exemptionReason) || present(v.exemptionCode);
    if (NEEDS_REASON.has(v.category) && !hasReason) {
      f.add(
        `${p}-10`,
        `${path}.exemptionReason`,
        `${NAME[v.category]} needs an exemption reason (text or VATEX code)`,
        v.category,
      );
    } else if (!NEEDS_REASON.has(v.category) && hasReason) {
      f.add(`${p}-10`, `${path}.exemptionReason`, `${NAME[v.category]} must not carry an exemption reason`, v.category);
    }
    if (present(v.exemptionCode) && !VATEX_CODES.has(v.exemptionCode)) {
      f.add('BR-CL-22', `${path}.exemptionCode`, `"${v.exemptionCode}" is not a VATEX code`, v.category);
    }
  });
  for (const [key, g] of expected) {
    if (!seen.has(key))
      f.add(`${PREFIX[g.category]}-01`, 'vatBreakdown', `${NAME[g.category]} is used but has no VAT breakdown`);
  }
}

function totals(m: EinvoiceModel, f: Findings): void {
  const t = m.totals;
  const sum = (xs: readonly number[]) => xs.reduce((a, x) => a + BigInt(x), 0n);
  const check = (rule: string, actual: number, expected: bigint, what: string) => {
    if (BigInt(actual) !== expected)
      f.add(rule, 'totals', `${what} must be ${expected} minor units, the model states ${actual}`);
  };
  check('BR-CO-10', t.lineNet, sum(m.lines.map((l) => l.netAmount)), 'the sum of line net amounts (BT-106)');
  check(
    'BR-CO-11',
    t.allowances,
    sum(m.allowanceCharges.filter((a) => !a.charge).map((a) => a.amount)),
    'the sum of allowances (BT-107)',
  );
  check(
    'BR-CO-12',
    t.charges,
    sum(m.allowanceCharges.filter((a) => a.charge).map((a) => a.amount)),
    'the sum of charges (BT-108)',
  );
  check(
    'BR-CO-13',
    t.taxExclusive,
    BigInt(t.lineNet) - BigInt(t.allowances) + BigInt(t.charges),
    'the total without VAT (BT-109)',
  );
  check('BR-CO-14', t.tax, sum(m.vatBreakdown.map((v) => v.tax)), 'the VAT total (BT-110)');
  check('BR-CO-15', t.taxInclusive, BigInt(t.taxExclusive) + BigInt(t.tax), 'the total with VAT (BT-112)');
  check(
    'BR-CO-16',
    t.payable,
    BigInt(t.taxInclusive) - BigInt(t.prepaid) + BigInt(t.rounding),
    'the amount due (BT-115)',
  );
}

// Every amount must be an integer count of minor units before any sum is taken (BigInt would
// throw on 1.5): a malformed model is reported, never a crash.
function amountsAreIntegers(m: EinvoiceModel, f: Findings): boolean {
  let ok = true;
  // The path is spelled out only for an amount that breaks the rule (this runs on every issue).
  const check = (value: unknown, path: () => string) => {
    if (value !== undefined && !Number.isSafeInteger(value)) {
      f.add('SB-AMT-01', path(), 'amounts must be whole numbers of minor units (at most 2 decimals: BR-DEC)');
      ok = false;
    }
  };
  m.lines.forEach((l, i) => {
    check(l.netAmount, () => `lines[${i}].netAmount`);
    l.allowanceCharges.forEach((a, j) => check(a.amount, () => `lines[${i}].allowanceCharges[${j}].amount`));
  });
  m.allowanceCharges.forEach((a, i) => check(a.amount, () => `allowanceCharges[${i}].amount`));
  m.vatBreakdown.forEach((v, i) => {
    check(v.taxable, () => `vatBreakdown[${i}].taxable`);
    check(v.tax, () => `vatBreakdown[${i}].tax`);
  });
  for (const [k, v] of Object.entries(m.totals)) check(v, () => `totals.${k}`);
  return ok;
}

export function vatRules(m: EinvoiceModel, f: Findings): void {
  if (!amountsAreIntegers(m, f)) return;
  categories(m, f);
  breakdown(m, f);
  totals(m, f);
}
