// UN/CEFACT CII D16B parts: parties, addresses, taxes, allowances, payment means. Element order
// follows the D16B schema (checked by xmllint against the official XSD in the tests); the binding
// of each business term follows EN 16931-3-3.
import { formatMinor, formatPercentBp } from './einvoice.amounts.ts';
import type {
  Buyer,
  Contact,
  DocumentAllowanceCharge,
  LineAllowanceCharge,
  PaymentMeans,
  PostalAddress,
  Seller,
  VatBreakdown,
  VatCategory,
} from './einvoice.model.ts';
import type { XmlWriter } from './xml.ts';

export const CII_NS = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
};

/** 'YYYY-MM-DD' → format 102 'YYYYMMDD'. */
export function date102(x: XmlWriter, name: string, date: string | undefined, prefix: 'udt' | 'qdt' = 'udt'): void {
  if (date === undefined) return;
  x.el(name, () => x.leaf(`${prefix}:DateTimeString`, date.replaceAll('-', ''), { format: '102' }));
}

/** CII amounts carry no currencyID, except the tax totals (BT-110/111). */
export function money(x: XmlWriter, name: string, minor: number, currency: string): void {
  x.leaf(name, formatMinor(minor, currency));
}

export function postalAddress(x: XmlWriter, a: PostalAddress): void {
  const [one, two, ...more] = a.lines;
  x.el('ram:PostalTradeAddress', () => {
    x.leaf('ram:PostcodeCode', a.postalCode);
    x.leaf('ram:LineOne', one);
    x.leaf('ram:LineTwo', two);
    x.leaf('ram:LineThree', more.length > 0 ? more.join(', ') : undefined);
    x.leaf('ram:CityName', a.city);
    x.leaf('ram:CountryID', a.country);
    x.leaf('ram:CountrySubDivisionName', a.subdivision);
  });
}

function contact(x: XmlWriter, c: Contact | undefined): void {
  if (!c) return;
  x.el('ram:DefinedTradeContact', () => {
    x.leaf('ram:PersonName', c.name);
    if (c.phone) x.el('ram:TelephoneUniversalCommunication', () => x.leaf('ram:CompleteNumber', c.phone));
    if (c.email) x.el('ram:EmailURIUniversalCommunication', () => x.leaf('ram:URIID', c.email));
  });
}

function taxRegistration(x: XmlWriter, id: string | undefined, scheme: 'VA' | 'FC'): void {
  if (id) x.el('ram:SpecifiedTaxRegistration', () => x.leaf('ram:ID', id, { schemeID: scheme }));
}

function legalOrganization(
  x: XmlWriter,
  legal: { id: string; scheme?: string } | undefined,
  tradingName: string | undefined,
): void {
  x.el('ram:SpecifiedLegalOrganization', () => {
    if (legal) x.leaf('ram:ID', legal.id, { schemeID: legal.scheme });
    x.leaf('ram:TradingBusinessName', tradingName);
  });
}

function uri(x: XmlWriter, address: { id: string; scheme?: string } | undefined): void {
  if (address)
    x.el('ram:URIUniversalCommunication', () => x.leaf('ram:URIID', address.id, { schemeID: address.scheme }));
}

export function sellerParty(x: XmlWriter, s: Seller): void {
  x.el('ram:SellerTradeParty', () => {
    // BT-29: ram:ID without a scheme, ram:GlobalID with one.
    if (s.identifier && !s.identifier.scheme) x.leaf('ram:ID', s.identifier.id);
    if (s.identifier?.scheme) x.leaf('ram:GlobalID', s.identifier.id, { schemeID: s.identifier.scheme });
    x.leaf('ram:Name', s.name);
    x.leaf('ram:Description', s.legalInfo);
    partyDetails(x, s);
    taxRegistration(x, s.taxRegistrationId, 'FC');
  });
}

export function buyerParty(x: XmlWriter, b: Buyer): void {
  x.el('ram:BuyerTradeParty', () => {
    x.leaf('ram:Name', b.name);
    partyDetails(x, b);
  });
}

/** What seller and buyer state alike, in schema order, after their name. */
function partyDetails(x: XmlWriter, p: Seller | Buyer): void {
  legalOrganization(x, p.legalRegistration, p.tradingName);
  contact(x, p.contact);
  postalAddress(x, p.address);
  uri(x, p.electronicAddress);
  taxRegistration(x, p.vatId, 'VA');
}

/** ram:ApplicableTradeTax / ram:CategoryTradeTax. O carries no rate (BR-O-05). */
export function tradeTax(x: XmlWriter, name: string, category: VatCategory, rateBp: number): void {
  x.el(name, () => {
    x.leaf('ram:TypeCode', 'VAT');
    x.leaf('ram:CategoryCode', category);
    if (category !== 'O') x.leaf('ram:RateApplicablePercent', formatPercentBp(rateBp));
  });
}

/** BG-23 entry at header level. */
export function vatBreakdown(x: XmlWriter, v: VatBreakdown, currency: string): void {
  x.el('ram:ApplicableTradeTax', () => {
    money(x, 'ram:CalculatedAmount', v.tax, currency);
    x.leaf('ram:TypeCode', 'VAT');
    x.leaf('ram:ExemptionReason', v.exemptionReason);
    money(x, 'ram:BasisAmount', v.taxable, currency);
    x.leaf('ram:CategoryCode', v.category);
    x.leaf('ram:ExemptionReasonCode', v.exemptionCode);
    // Always a rate in the breakdown, 0 for O: XRechnung BR-DE-14 requires it, EN 16931 allows it.
    x.leaf('ram:RateApplicablePercent', formatPercentBp(v.category === 'O' ? 0 : v.rateBp));
  });
}

/** BG-20/21 (header, with CategoryTradeTax) or BG-27/28 (line). */
export function allowanceCharge(
  x: XmlWriter,
  ac: DocumentAllowanceCharge | LineAllowanceCharge,
  currency: string,
): void {
  x.el('ram:SpecifiedTradeAllowanceCharge', () => {
    x.el('ram:ChargeIndicator', () => x.leaf('udt:Indicator', ac.charge ? 'true' : 'false'));
    if (ac.percentBp !== undefined) x.leaf('ram:CalculationPercent', formatPercentBp(ac.percentBp));
    if (ac.base !== undefined) money(x, 'ram:BasisAmount', ac.base, currency);
    money(x, 'ram:ActualAmount', ac.amount, currency);
    x.leaf('ram:ReasonCode', ac.reasonCode);
    x.leaf('ram:Reason', ac.reason);
    if ('vatCategory' in ac) tradeTax(x, 'ram:CategoryTradeTax', ac.vatCategory, ac.vatRateBp);
  });
}

const IBAN_SHAPE = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$/;

/** BG-16 with BG-17 / BG-18 / BG-19 (BT-90 and BT-89 sit elsewhere in CII: see cii.writer.ts). */
export function paymentMeans(x: XmlWriter, p: PaymentMeans): void {
  const { account, card, directDebit } = p;
  x.el('ram:SpecifiedTradeSettlementPaymentMeans', () => {
    x.leaf('ram:TypeCode', p.code);
    x.leaf('ram:Information', p.text);
    if (card)
      x.el('ram:ApplicableTradeSettlementFinancialCard', () => {
        x.leaf('ram:ID', card.pan);
        x.leaf('ram:CardholderName', card.holder);
      });
    if (directDebit)
      x.el('ram:PayerPartyDebtorFinancialAccount', () => x.leaf('ram:IBANID', directDebit.debitedAccount));
    if (account) {
      // BT-84 is an IBAN for SEPA (58); a non-IBAN account number is a proprietary id.
      const iban = IBAN_SHAPE.test(account.id);
      x.el('ram:PayeePartyCreditorFinancialAccount', () => {
        if (iban) x.leaf('ram:IBANID', account.id);
        x.leaf('ram:AccountName', account.name);
        if (!iban) x.leaf('ram:ProprietaryID', account.id);
      });
      if (account.bic) x.el('ram:PayeeSpecifiedCreditorFinancialInstitution', () => x.leaf('ram:BICID', account.bic));
    }
  });
}
