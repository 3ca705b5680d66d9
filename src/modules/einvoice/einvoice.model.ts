// The EN 16931-1 semantic model of an invoice or credit note, restricted to the business terms
// (BT-n) and groups (BG-n) Sealbill states. Every writer (UBL, CII) and the pre-issue checks read
// this one shape; nothing here knows about XML, the database or HTTP.
//
// Representation (docs/DECISIONS.md D4 applies):
// - Amounts (`Minor`) are integer minor units of the invoice currency BT-5 (cents for EUR, yen for
//   JPY), exactly as Sealbill stores them; BT-111 alone is in minor units of the VAT accounting
//   currency BT-6. EN 16931 allows at most 2 decimals for amounts (BR-DEC-*), so a currency with a
//   3- or 4-digit minor unit (BHD, KWD, CLF…) cannot be expressed: the checks refuse it (SB-CUR-01).
// - Quantities and the item net price are decimal strings ("2.5", "12.3456"): BT-129 and BT-146
//   are not limited to 2 decimals, and a gross price converted to net needs more.
// - VAT rates and allowance percentages are integer basis points (1900 = 19 %, 550 = 5.5 %), like
//   `taxRateBp` in money.ts; the writers print them as plain decimals ("19", "5.5").
// - Dates are 'YYYY-MM-DD' (ISO 8601 calendar dates); the CII writer turns them into format 102.
// - Optional text is `undefined` or absent when unknown: an empty string is never written (R008).
//
// Rounding (the checks in einvoice.rules.ts verify a model obeys it, einvoice.totals.ts computes it):
// - line net amount BT-131 = round(quantity × net price ÷ base quantity) − Σ line allowances BT-136
//   (+ Σ line charges), rounded once, half away from zero, to the currency's minor unit
//   (PEPPOL-EN16931-R120 allows 0.02 slack; Sealbill's own rounding stays inside it);
// - document allowances/charges (BG-20/21) carry a VAT category and rate each;
// - VAT breakdown BG-23: one entry per (category, rate); taxable BT-116 = Σ line nets
//   + Σ charges − Σ allowances of that (category, rate), exactly (BR-S-08 & co.);
//   tax BT-117 = round(taxable × rate) once per breakdown entry (BR-CO-17), never summed per line;
// - BT-106 = Σ BT-131 (BR-CO-10), BT-109 = BT-106 − BT-107 + BT-108 (BR-CO-13),
//   BT-110 = Σ BT-117 (BR-CO-14), BT-112 = BT-109 + BT-110 (BR-CO-15),
//   BT-115 = BT-112 − BT-113 + BT-114 (BR-CO-16).
//
// How an issued Sealbill document maps onto this model: docs/einvoice.md ("Notes for the integrator")
// and `toEinvoice` in einvoice.mapping.ts.

/** Integer count of minor units of a currency (see above). */
export type Minor = number;
/** A calendar date, 'YYYY-MM-DD'. */
export type IsoDate = string;

/** UNCL5305 VAT category codes EN 16931 allows (BT-95/102/118/151). */
export const VAT_CATEGORIES = ['S', 'Z', 'E', 'AE', 'K', 'G', 'O', 'L', 'M'] as const;
export type VatCategory = (typeof VAT_CATEGORIES)[number];

/** UNCL4461 payment means Sealbill offers (BT-81). */
export const PAYMENT_MEANS_CODES = ['58', '30', '48', '54', '59'] as const;
export type PaymentMeansCode = (typeof PAYMENT_MEANS_CODES)[number];

/** UNCL1001 document types Sealbill issues (BT-3): commercial invoice, credit note. */
export type DocumentTypeCode = '380' | '381';

/** An identifier with its scheme: ISO 6523 ICD for legal ids (BT-30/47), EAS for addresses (BT-34/49). */
export interface SchemedId {
  id: string;
  scheme?: string;
}

/** BG-5 / BG-8 / BG-15. `lines` are BT-35, BT-36, BT-162 (at most three). */
export interface PostalAddress {
  lines: string[];
  city?: string;
  postalCode?: string;
  subdivision?: string;
  /** ISO 3166-1 alpha-2 (BT-40 / BT-55 / BT-80). */
  country: string;
}

/** BG-6 seller contact (XRechnung requires all three: BR-DE-5/6/7). */
export interface Contact {
  name?: string;
  phone?: string;
  email?: string;
}

/** BG-4. */
export interface Seller {
  /** BT-27 legal name. */
  name: string;
  /** BT-28. */
  tradingName?: string;
  /** BT-29 seller identifier (e.g. the supplier number the buyer gave the seller), scheme optional. */
  identifier?: SchemedId;
  /** BT-30 legal registration id (e.g. Handelsregister number) with its ICD scheme (BT-30-1). */
  legalRegistration?: SchemedId;
  /** BT-31 VAT identifier, with its ISO 3166 prefix (BR-CO-9). */
  vatId?: string;
  /** BT-32 tax registration (e.g. German Steuernummer, scheme FC). */
  taxRegistrationId?: string;
  /** BT-33 additional legal information (e.g. "Kleinunternehmer", registered office). */
  legalInfo?: string;
  /** BT-34 electronic address with its EAS scheme (BT-34-1), e.g. EM, 0088, 9930. */
  electronicAddress?: SchemedId;
  address: PostalAddress;
  contact?: Contact;
}

/** BG-7. */
export interface Buyer {
  /** BT-44. */
  name: string;
  /** BT-45. */
  tradingName?: string;
  /** BT-47 with its scheme. */
  legalRegistration?: SchemedId;
  /** BT-48. */
  vatId?: string;
  /** BT-49 with its EAS scheme. */
  electronicAddress?: SchemedId;
  address: PostalAddress;
  contact?: Contact;
}

/** BG-13 delivery information: BT-72 actual delivery date, BG-15 deliver-to address, BT-70 name. */
export interface Delivery {
  date?: IsoDate;
  partyName?: string;
  address?: PostalAddress;
}

/** BG-16 payment instructions, with BG-17 credit transfer, BG-18 card, BG-19 direct debit. */
export interface PaymentMeans {
  code: PaymentMeansCode;
  /** BT-82 payment means text. */
  text?: string;
  /** BT-83 remittance information (what the payer quotes, e.g. the invoice number or RF reference). */
  remittanceInfo?: string;
  /** BG-17, for codes 58 (BT-84 = IBAN) and 30 (BT-84 = account number). */
  account?: { id: string; name?: string; bic?: string };
  /** BG-18, for codes 48/54: the last 4–6 digits of the card number (BT-87), never the full PAN. */
  card?: { pan: string; holder?: string; network?: string };
  /** BG-19, for code 59. */
  directDebit?: { mandateReference: string; creditorId: string; debitedAccount: string };
}

/** BG-20 document-level allowance (`charge: false`) or BG-21 charge (`charge: true`). */
export interface DocumentAllowanceCharge {
  charge: boolean;
  /** BT-92 / BT-99. */
  amount: Minor;
  /** BT-93 / BT-100, required with a percentage (PEPPOL-EN16931-R041). */
  base?: Minor;
  /** BT-94 / BT-101 in basis points. */
  percentBp?: number;
  /** BT-95/96 or BT-102/103. */
  vatCategory: VatCategory;
  vatRateBp: number;
  /** BT-97 / BT-104 (one of reason text and code is required: BR-33, BR-38). */
  reason?: string;
  /** BT-98 (UNCL5189) / BT-105 (UNCL7161). */
  reasonCode?: string;
}

/** BG-27 line allowance (`charge: false`) or BG-28 line charge. */
export interface LineAllowanceCharge {
  charge: boolean;
  amount: Minor;
  base?: Minor;
  percentBp?: number;
  reason?: string;
  reasonCode?: string;
}

/** BG-25. */
export interface InvoiceLine {
  /** BT-126, unique within the document. */
  id: string;
  /** BT-127 line note. */
  note?: string;
  /** BT-129 (may be negative for a deduction line; the price never is: BR-27). */
  quantity: string;
  /** BT-130, UN/ECE Recommendation 20 (or 21) unit code, e.g. C62 (one), HUR (hour), KGM. */
  unitCode: string;
  /** BT-131. */
  netAmount: Minor;
  /** BT-146 item net price, a non-negative decimal string in currency units ("12.50"). */
  netPrice: string;
  /** BT-149 item price base quantity (default 1). */
  baseQuantity?: string;
  allowanceCharges: LineAllowanceCharge[];
  /** BT-153. */
  itemName: string;
  /** BT-154. */
  itemDescription?: string;
  /** BT-155. */
  sellerItemId?: string;
  /** BT-151 / BT-152. */
  vatCategory: VatCategory;
  vatRateBp: number;
}

/** BG-23, one per (category, rate). */
export interface VatBreakdown {
  /** BT-116. */
  taxable: Minor;
  /** BT-117. */
  tax: Minor;
  category: VatCategory;
  rateBp: number;
  /** BT-120 exemption reason text. */
  exemptionReason?: string;
  /** BT-121 exemption reason code (CEF VATEX list, e.g. VATEX-EU-AE). */
  exemptionCode?: string;
}

/** BG-22. */
export interface DocumentTotals {
  /** BT-106 Σ line net amounts. */
  lineNet: Minor;
  /** BT-107 Σ document allowances. */
  allowances: Minor;
  /** BT-108 Σ document charges. */
  charges: Minor;
  /** BT-109. */
  taxExclusive: Minor;
  /** BT-110 in the invoice currency. */
  tax: Minor;
  /** BT-111 in the VAT accounting currency BT-6 (only with `taxCurrency`). */
  taxInAccountingCurrency?: Minor;
  /** BT-112. */
  taxInclusive: Minor;
  /** BT-113. */
  prepaid: Minor;
  /** BT-114. */
  rounding: Minor;
  /** BT-115. */
  payable: Minor;
}

/** An invoice (BT-3 380) or credit note (381) as EN 16931 sees it. */
export interface EinvoiceModel {
  /** BT-1. */
  number: string;
  /** BT-2. */
  issueDate: IsoDate;
  /** BT-3. */
  typeCode: DocumentTypeCode;
  /** BT-5, ISO 4217. */
  currency: string;
  /** BT-6, only when VAT is accounted in another currency than BT-5 (then BT-111 is required). */
  taxCurrency?: string;
  /** BT-9. */
  dueDate?: IsoDate;
  /** BT-10 (the Leitweg-ID for German public buyers). */
  buyerReference?: string;
  /** BT-12. */
  contractReference?: string;
  /** BT-13. */
  purchaseOrderReference?: string;
  /** BT-20. */
  paymentTerms?: string;
  /** BT-22 (document notes). */
  notes: string[];
  /** BG-3: BT-25 number and BT-26 issue date of the invoice(s) a credit note corrects. */
  precedingInvoices: Array<{ number: string; issueDate?: IsoDate }>;
  /** BG-13. */
  delivery?: Delivery;
  /** BG-14, BT-73 / BT-74. */
  period?: { start?: IsoDate; end?: IsoDate };
  seller: Seller;
  buyer: Buyer;
  paymentMeans: PaymentMeans[];
  allowanceCharges: DocumentAllowanceCharge[];
  lines: InvoiceLine[];
  vatBreakdown: VatBreakdown[];
  totals: DocumentTotals;
}
