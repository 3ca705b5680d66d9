// From what an issued Sealbill document holds to the EN 16931 model. The input is a plain shape
// (this module imports no other module's types): the documents module fills it from the issued
// snapshot plus the e-invoice fields issue #12 adds (docs/einvoice.md, "Notes for the integrator").
//
// Every amount comes from Sealbill's own computeTotals (einvoice.mapping-vat.ts), so the XML
// states the line amounts, VAT breakdown and totals the PDF prints, to the minor unit (tested).
// The document discount becomes one BG-20 allowance per VAT breakdown entry.
import {
  computeTotals,
  currencyExponent,
  formatAmount,
  roundHalfAwayFromZero,
  type Discount,
  type LineInput,
} from '../../shared/money/money.ts';
import { parseDecimal, priceTimesQuantity } from './einvoice.amounts.ts';
import { UNIT_CODES } from './einvoice.codelists.ts';
import { deriveVat, VatMappingError, type DerivedVat } from './einvoice.mapping-vat.ts';
import type {
  Contact,
  EinvoiceModel,
  PaymentMeans,
  PaymentMeansCode,
  PostalAddress,
  SchemedId,
  VatCategory,
} from './einvoice.model.ts';
import { completeModel, STANDARD_EXEMPTIONS, type Exemption, type LineDraft } from './einvoice.totals.ts';

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
  /**
   * The free texts the integrator writes in the document's language where the user gave none:
   * BT-120 per VAT category (with the category's standard VATEX code) and BT-20. Without them
   * the English STANDARD_EXEMPTIONS apply and BT-20 is absent, as before (issue #15 item 4).
   */
  defaultTexts?: { exemptionReasons?: Partial<Record<VatCategory, string>>; paymentTerms?: string | undefined };
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
  '': 'C62',
  pc: 'C62',
  pcs: 'C62',
  piece: 'C62',
  pieces: 'C62',
  x: 'C62',
  unit: 'C62',
  units: 'C62',
  stk: 'C62',
  stück: 'C62',
  h: 'HUR',
  hr: 'HUR',
  hrs: 'HUR',
  hour: 'HUR',
  hours: 'HUR',
  std: 'HUR',
  stunde: 'HUR',
  stunden: 'HUR',
  min: 'MIN',
  minute: 'MIN',
  minutes: 'MIN',
  d: 'DAY',
  day: 'DAY',
  days: 'DAY',
  tag: 'DAY',
  tage: 'DAY',
  week: 'WEE',
  weeks: 'WEE',
  month: 'MON',
  months: 'MON',
  year: 'ANN',
  years: 'ANN',
  kg: 'KGM',
  g: 'GRM',
  t: 'TNE',
  m: 'MTR',
  km: 'KMT',
  cm: 'CMT',
  mm: 'MMT',
  m2: 'MTK',
  'm²': 'MTK',
  m3: 'MTQ',
  'm³': 'MTQ',
  l: 'LTR',
  ml: 'MLT',
  kwh: 'KWH',
  set: 'SET',
  pair: 'PR',
  flat: 'LS',
  'lump sum': 'LS',
  pauschal: 'LS',
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

const REASON = { reason: 'Discount', reasonCode: '95' } as const;

// An inclusive line's net price: |net| ÷ |quantity| with four more decimals than the currency, or,
// where that does not multiply back to the net exactly, the net per `quantity` units (BT-149).
function netPricing(net: number, quantity: string, currency: string): { netPrice: string; baseQuantity?: string } {
  const qty = quantity.replace(/^-/, '');
  const exponent = currencyExponent(currency);
  const { units, scale } = parseDecimal(qty);
  const digits = exponent + 4;
  const priceUnits = roundHalfAwayFromZero(BigInt(Math.abs(net)) * 10n ** BigInt(scale + 4), units); // price × 10^digits
  const whole = priceUnits.toString().padStart(digits + 1, '0');
  const netPrice = `${whole.slice(0, -digits)}.${whole.slice(-digits)}`.replace(/\.?0+$/, '') || '0';
  if (priceTimesQuantity(qty, netPrice, undefined, currency) === BigInt(Math.abs(net))) return { netPrice };
  return { netPrice: formatAmount(Math.abs(net), currency), baseQuantity: qty };
}

function line(doc: SealbillDocument, i: number, net: number, t: { base: number; discount: number }): LineDraft {
  const src = doc.lines[i] as SealbillLine;
  const negativeQty = src.quantity.startsWith('-');
  const abs = negativeQty ? src.quantity.slice(1) : src.quantity;
  const common = {
    id: String(i + 1),
    unitCode: unitCode(src.unit),
    netAmount: net,
    itemName: src.description.split('\n')[0] as string,
    itemDescription: src.description.includes('\n') ? src.description : undefined,
    sellerItemId: src.itemId ?? undefined,
    vatCategory: src.tax.category,
    vatRateBp: src.taxRateBp,
  };
  if (src.taxInclusive) {
    // The gross line discount is inside the net (no BG-27): see einvoice.mapping-vat.ts.
    return {
      ...common,
      quantity: net < 0 ? `-${abs}` : abs,
      allowanceCharges: [],
      ...netPricing(net, abs, doc.currency),
    };
  }
  const allowance =
    t.discount === 0
      ? []
      : [
          {
            charge: false,
            amount: t.discount,
            ...REASON,
            ...(src.discount?.type === 'percent' ? { percentBp: src.discount.basisPoints, base: t.base } : {}),
          },
        ];
  return {
    ...common,
    // BR-27: the price is never negative; a deduction line has a negative quantity instead.
    quantity: src.unitPrice < 0 !== negativeQty ? `-${abs}` : abs,
    netPrice: formatAmount(Math.abs(src.unitPrice), doc.currency),
    allowanceCharges: allowance,
  };
}

/** The EN 16931 model of an issued document. Throws EinvoiceMappingError for what it cannot express. */
export function toEinvoice(doc: SealbillDocument): EinvoiceModel {
  const totals = computeTotals(doc.lines, doc.discount);
  let vat: DerivedVat;
  try {
    vat = deriveVat(doc.lines, totals, doc.discount);
  } catch (e) {
    if (e instanceof VatMappingError)
      throw new EinvoiceMappingError(e.ruleId, `lines[${e.lineIndex}].taxRate`, e.message);
    throw e;
  }
  const lines = doc.lines.map((_, i) =>
    line(doc, i, vat.lineNets[i] as number, totals.lines[i] as { base: number; discount: number }),
  );
  const exemptions: Partial<Record<VatCategory, Exemption>> = {};
  const defaultReasons = doc.defaultTexts?.exemptionReasons ?? {};
  for (const line of doc.lines) {
    const c = line.tax.category;
    if ((line.tax.exemptionReason || line.tax.exemptionCode) && !exemptions[c]) {
      exemptions[c] = { reason: line.tax.exemptionReason ?? defaultReasons[c], code: line.tax.exemptionCode };
    }
  }
  for (const [c, reason] of Object.entries(defaultReasons) as Array<[VatCategory, string]>) {
    if (!exemptions[c] && STANDARD_EXEMPTIONS[c]) exemptions[c] = { ...STANDARD_EXEMPTIONS[c], reason };
  }
  const e = doc.einvoice;
  const payout = doc.payout;
  const code = e.paymentMeans?.code ?? (payout?.iban ? '58' : payout?.accountNumber ? '30' : undefined);
  const accountId = payout ? (code === '58' ? payout.iban : (payout.accountNumber ?? payout.iban)) : null;
  const paymentMeans: PaymentMeans[] = code
    ? [
        {
          code,
          remittanceInfo: doc.number,
          account:
            (code === '58' || code === '30') && accountId
              ? { id: accountId, name: payout?.accountHolder, bic: payout?.bic ?? undefined }
              : undefined,
          card: e.paymentMeans?.card,
          directDebit: e.paymentMeans?.directDebit,
        },
      ]
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
    paymentTerms: doc.terms ?? doc.defaultTexts?.paymentTerms,
    notes: doc.notes ? [doc.notes] : [],
    precedingInvoices: e.precedingInvoice ? [e.precedingInvoice] : [],
    delivery: e.supplyDate || deliveryAddress ? { date: e.supplyDate, address: deliveryAddress } : undefined,
    period: e.period,
    seller: {
      ...party(doc.org),
      identifier: doc.org.identifier,
      taxRegistrationId: doc.org.taxRegistration,
      legalInfo: doc.org.legalInfo,
    },
    buyer: party(doc.client),
    paymentMeans,
    allowanceCharges: vat.allowances,
    taxOverrides: vat.taxes,
    lines,
    exemptions,
  });
}

/**
 * `model` with another document number: what `toEinvoice` gives for the same document with
 * `number`. Issuing checks the model before the number is drawn (a refusal must not use one up)
 * and writes the XML after, from the same model instead of mapping the document twice. The
 * number is BT-1 and the remittance information (BT-83) toEinvoice derives from it; nothing else.
 */
export function renumber(model: EinvoiceModel, number: string): EinvoiceModel {
  return {
    ...model,
    number,
    paymentMeans: model.paymentMeans.map((p) => ({ ...p, remittanceInfo: number })),
  };
}
