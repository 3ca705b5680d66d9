// From what an issued Sealbill document holds to the EN 16931 model. The input is a plain shape
// (this module imports no other module's types): the documents module fills it from the issued
// snapshot plus the e-invoice fields issue #12 adds (docs/einvoice.md, "Notes for the integrator").
//
// The line amounts come from Sealbill's own computeTotals, so the XML states the same line
// amounts as the PDF. The document discount becomes one BG-20 allowance per VAT breakdown entry,
// allocated with the same largest-remainder rule computeTotals uses; with one VAT category per
// rate (the usual case) every total equals computeTotals' to the minor unit (tested).
import { computeTotals, formatAmount, roundHalfAwayFromZero, type Discount, type LineInput } from '../invoices/invoice.money.ts';
import { UNIT_CODES } from './einvoice.codelists.ts';
import type { Contact, DocumentAllowanceCharge, EinvoiceModel, PaymentMeans, PaymentMeansCode, PostalAddress, SchemedId, VatCategory } from './einvoice.model.ts';
import { completeModel, type Exemption, type LineDraft } from './einvoice.totals.ts';

export interface TaxTreatment {
  category: VatCategory;
  exemptionReason?: string;
  exemptionCode?: string;
}

export interface SealbillLine extends LineInput {
  description: string;
  /** Sealbill's free-text unit ("h", "pcs", "kg") or a UN/ECE Rec 20 code. */
  unit: string;
  itemId?: string | null;
  tax: TaxTreatment;
}

export interface SealbillParty {
  name: string;
  tradingName?: string;
  /** BT-29 (seller only): e.g. the supplier number the client gave the org. */
  identifier?: SchemedId;
  addressLines: string[];
  city?: string;
  postalCode?: string;
  country: string;
  vatId?: string;
  taxRegistration?: string;
  legalRegistration?: SchemedId;
  legalInfo?: string;
  electronicAddress?: SchemedId;
  contact?: Contact;
}

export interface SealbillDocument {
  kind: 'invoice' | 'credit_note';
  number: string;
  issueDate: string;
  dueDate?: string | null;
  currency: string;
  /** The org's currency and the document's exchange rate, when they differ: BT-6 / BT-111. */
  accounting?: { currency: string; exchangeRate: string };
  lines: SealbillLine[];
  discount: Discount | null;
  notes: string | null;
  terms: string | null;
  org: SealbillParty;
  client: SealbillParty;
  payout: { accountHolder: string; iban: string | null; bic: string | null; accountNumber: string | null } | null;
  einvoice: {
    buyerReference?: string;
    purchaseOrderReference?: string;
    contractReference?: string;
    supplyDate?: string;
    period?: { start?: string; end?: string };
    deliveryAddress?: PostalAddress;
    paymentMeans?: { code: PaymentMeansCode; card?: PaymentMeans['card']; directDebit?: PaymentMeans['directDebit'] };
    precedingInvoice?: { number: string; issueDate?: string };
  };
}

/** A document the mapping cannot express; the integrator answers it like a failed pre-issue check. */
export class EinvoiceMappingError extends Error {
  readonly ruleId: string;
  readonly field: string;
  constructor(ruleId: string, field: string, message: string) {
    super(message);
    this.ruleId = ruleId;
    this.field = field;
  }
}

// Sealbill's free-text units mapped to UN/ECE Recommendation 20; anything unknown counts in "one" (C62).
const UNIT_WORDS: Readonly<Record<string, string>> = {
  '': 'C62', pc: 'C62', pcs: 'C62', piece: 'C62', pieces: 'C62', x: 'C62', unit: 'C62', units: 'C62', stk: 'C62', 'stück': 'C62',
  h: 'HUR', hr: 'HUR', hrs: 'HUR', hour: 'HUR', hours: 'HUR', std: 'HUR', stunde: 'HUR', stunden: 'HUR',
  min: 'MIN', minute: 'MIN', minutes: 'MIN', d: 'DAY', day: 'DAY', days: 'DAY', tag: 'DAY', tage: 'DAY',
  week: 'WEE', weeks: 'WEE', month: 'MON', months: 'MON', year: 'ANN', years: 'ANN',
  kg: 'KGM', g: 'GRM', t: 'TNE', m: 'MTR', km: 'KMT', cm: 'CMT', mm: 'MMT', m2: 'MTK', 'm²': 'MTK', m3: 'MTQ', 'm³': 'MTQ',
  l: 'LTR', ml: 'MLT', kwh: 'KWH', set: 'SET', pair: 'PR', flat: 'LS', 'lump sum': 'LS', pauschal: 'LS',
};

export function unitCode(unit: string): string {
  const trimmed = unit.trim();
  if (UNIT_CODES.has(trimmed) && trimmed.length >= 2) return trimmed;
  return UNIT_WORDS[trimmed.toLowerCase()] ?? 'C62';
}

function party(p: SealbillParty) {
  return {
    name: p.name,
    tradingName: p.tradingName,
    legalRegistration: p.legalRegistration,
    vatId: p.vatId,
    electronicAddress: p.electronicAddress,
    address: { lines: p.addressLines, city: p.city, postalCode: p.postalCode, country: p.country },
    contact: p.contact,
  };
}

// Largest remainder, ties to the earlier group: the allocation computeTotals makes (same steps).
function allocate(total: bigint, weights: readonly bigint[]): bigint[] {
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
  const order = [...parts].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const p of order) {
    if (missing === 0n) break;
    p.floor += 1n;
    missing -= 1n;
  }
  return parts.map((p) => p.floor);
}

function documentAllowances(doc: SealbillDocument, amounts: readonly number[]): DocumentAllowanceCharge[] {
  if (!doc.discount) return [];
  const groups = new Map<string, { category: VatCategory; rateBp: number; sum: bigint }>();
  doc.lines.forEach((line, i) => {
    const key = `${line.tax.category}|${line.taxRateBp}`;
    const g = groups.get(key) ?? { category: line.tax.category, rateBp: line.taxRateBp, sum: 0n };
    g.sum += BigInt(amounts[i] ?? 0);
    groups.set(key, g);
  });
  const sorted = [...groups.values()].sort((a, b) => a.rateBp - b.rateBp || (a.category < b.category ? -1 : 1));
  const lineSum = sorted.reduce((a, g) => a + g.sum, 0n);
  const d = doc.discount;
  const total = d.type === 'percent' ? roundHalfAwayFromZero(lineSum * BigInt(d.basisPoints), 10_000n) : BigInt(d.amount);
  const shares = allocate(total, sorted.map((g) => g.sum));
  return sorted.flatMap((g, i): DocumentAllowanceCharge[] => {
    const amount = Number(shares[i]);
    if (amount === 0) return [];
    const ac: DocumentAllowanceCharge = { charge: false, amount, vatCategory: g.category, vatRateBp: g.rateBp, reason: 'Discount', reasonCode: '95' };
    if (d.type === 'percent') Object.assign(ac, { percentBp: d.basisPoints, base: Number(g.sum) });
    return [ac];
  });
}

/** The EN 16931 model of an issued document. Throws EinvoiceMappingError for what it cannot express. */
export function toEinvoice(doc: SealbillDocument): EinvoiceModel {
  doc.lines.forEach((line, i) => {
    if (line.taxInclusive) {
      throw new EinvoiceMappingError('SB-INCL-01', `lines[${i}].taxRate`, 'tax-inclusive prices cannot be stated in an e-invoice yet; use a tax-exclusive rate');
    }
  });
  const totals = computeTotals(doc.lines, doc.discount);
  const lines: LineDraft[] = doc.lines.map((line, i) => {
    const t = totals.lines[i] as { base: number; discount: number; amount: number };
    const negative = line.unitPrice < 0;
    const allowance =
      t.discount === 0
        ? []
        : [{ charge: false, amount: t.discount, reason: 'Discount', reasonCode: '95', ...(line.discount?.type === 'percent' ? { percentBp: line.discount.basisPoints, base: t.base } : {}) }];
    return {
      id: String(i + 1),
      // BR-27: the price is never negative; a deduction line has a negative quantity instead.
      quantity: negative ? (line.quantity.startsWith('-') ? line.quantity.slice(1) : `-${line.quantity}`) : line.quantity,
      unitCode: unitCode(line.unit),
      netAmount: t.amount,
      netPrice: formatAmount(Math.abs(line.unitPrice), doc.currency),
      allowanceCharges: allowance,
      itemName: line.description.split('\n')[0] as string,
      itemDescription: line.description.includes('\n') ? line.description : undefined,
      sellerItemId: line.itemId ?? undefined,
      vatCategory: line.tax.category,
      vatRateBp: line.taxRateBp,
    };
  });
  const exemptions: Partial<Record<VatCategory, Exemption>> = {};
  for (const line of doc.lines) {
    if ((line.tax.exemptionReason || line.tax.exemptionCode) && !exemptions[line.tax.category]) {
      exemptions[line.tax.category] = { reason: line.tax.exemptionReason, code: line.tax.exemptionCode };
    }
  }
  const e = doc.einvoice;
  const payout = doc.payout;
  const code = e.paymentMeans?.code ?? (payout?.iban ? '58' : payout?.accountNumber ? '30' : undefined);
  const accountId = payout ? (code === '58' ? payout.iban : (payout.accountNumber ?? payout.iban)) : null;
  const paymentMeans: PaymentMeans[] = code
    ? [{
        code,
        remittanceInfo: doc.number,
        account: (code === '58' || code === '30') && accountId ? { id: accountId, name: payout?.accountHolder, bic: payout?.bic ?? undefined } : undefined,
        card: e.paymentMeans?.card,
        directDebit: e.paymentMeans?.directDebit,
      }]
    : [];
  // Intra-community supply needs the deliver-to country (BR-IC-12): the buyer's, unless stated.
  const needsDeliverTo = doc.lines.some((l) => l.tax.category === 'K');
  const deliveryAddress = e.deliveryAddress ?? (needsDeliverTo ? party(doc.client).address : undefined);
  const accounting = doc.accounting && doc.accounting.currency !== doc.currency ? doc.accounting : undefined;
  return completeModel({
    number: doc.number,
    issueDate: doc.issueDate,
    typeCode: doc.kind === 'credit_note' ? '381' : '380',
    currency: doc.currency,
    taxCurrency: accounting?.currency,
    taxExchangeRate: accounting?.exchangeRate,
    dueDate: doc.dueDate ?? undefined,
    buyerReference: e.buyerReference,
    contractReference: e.contractReference,
    purchaseOrderReference: e.purchaseOrderReference,
    paymentTerms: doc.terms ?? undefined,
    notes: doc.notes ? [doc.notes] : [],
    precedingInvoices: e.precedingInvoice ? [e.precedingInvoice] : [],
    delivery: e.supplyDate || deliveryAddress ? { date: e.supplyDate, address: deliveryAddress } : undefined,
    period: e.period,
    seller: { ...party(doc.org), identifier: doc.org.identifier, taxRegistrationId: doc.org.taxRegistration, legalInfo: doc.org.legalInfo },
    buyer: party(doc.client),
    paymentMeans,
    allowanceCharges: documentAllowances(doc, totals.lines.map((l) => l.amount)),
    lines,
    exemptions,
  });
}
