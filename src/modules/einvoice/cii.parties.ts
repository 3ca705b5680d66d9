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
import { el, type XmlElement } from './xml.ts';

export const CII_NS = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
};

/** 'YYYY-MM-DD' → format 102 'YYYYMMDD'. */
export function date102(name: string, date: string | undefined, prefix: 'udt' | 'qdt' = 'udt'): XmlElement | null {
  if (date === undefined) return null;
  return el(name, el(`${prefix}:DateTimeString`, { format: '102' }, date.replaceAll('-', '')));
}

/** CII amounts carry no currencyID, except the tax totals (BT-110/111). */
export function money(name: string, minor: number, currency: string): XmlElement {
  return el(name, formatMinor(minor, currency));
}

export function postalAddress(a: PostalAddress): XmlElement {
  const [one, two, ...more] = a.lines;
  return el(
    'ram:PostalTradeAddress',
    el('ram:PostcodeCode', a.postalCode),
    el('ram:LineOne', one),
    el('ram:LineTwo', two),
    el('ram:LineThree', more.length > 0 ? more.join(', ') : undefined),
    el('ram:CityName', a.city),
    el('ram:CountryID', a.country),
    el('ram:CountrySubDivisionName', a.subdivision),
  );
}

function contact(c: Contact | undefined): XmlElement | null {
  if (!c) return null;
  return el(
    'ram:DefinedTradeContact',
    el('ram:PersonName', c.name),
    c.phone ? el('ram:TelephoneUniversalCommunication', el('ram:CompleteNumber', c.phone)) : null,
    c.email ? el('ram:EmailURIUniversalCommunication', el('ram:URIID', c.email)) : null,
  );
}

function taxRegistration(id: string | undefined, scheme: 'VA' | 'FC'): XmlElement | null {
  return id ? el('ram:SpecifiedTaxRegistration', el('ram:ID', { schemeID: scheme }, id)) : null;
}

function legalOrganization(
  legal: { id: string; scheme?: string } | undefined,
  tradingName: string | undefined,
): XmlElement | null {
  if (!legal && !tradingName) return null;
  return el(
    'ram:SpecifiedLegalOrganization',
    legal ? el('ram:ID', { schemeID: legal.scheme }, legal.id) : null,
    el('ram:TradingBusinessName', tradingName),
  );
}

function uri(address: { id: string; scheme?: string } | undefined): XmlElement | null {
  return address
    ? el('ram:URIUniversalCommunication', el('ram:URIID', { schemeID: address.scheme }, address.id))
    : null;
}

export function sellerParty(s: Seller): XmlElement {
  return el(
    'ram:SellerTradeParty',
    // BT-29: ram:ID without a scheme, ram:GlobalID with one.
    s.identifier && !s.identifier.scheme ? el('ram:ID', s.identifier.id) : null,
    s.identifier?.scheme ? el('ram:GlobalID', { schemeID: s.identifier.scheme }, s.identifier.id) : null,
    el('ram:Name', s.name),
    el('ram:Description', s.legalInfo),
    legalOrganization(s.legalRegistration, s.tradingName),
    contact(s.contact),
    postalAddress(s.address),
    uri(s.electronicAddress),
    taxRegistration(s.vatId, 'VA'),
    taxRegistration(s.taxRegistrationId, 'FC'),
  );
}

export function buyerParty(b: Buyer): XmlElement {
  return el(
    'ram:BuyerTradeParty',
    el('ram:Name', b.name),
    legalOrganization(b.legalRegistration, b.tradingName),
    contact(b.contact),
    postalAddress(b.address),
    uri(b.electronicAddress),
    taxRegistration(b.vatId, 'VA'),
  );
}

/** ram:ApplicableTradeTax / ram:CategoryTradeTax. O carries no rate (BR-O-05). */
export function tradeTax(name: string, category: VatCategory, rateBp: number): XmlElement {
  return el(
    name,
    el('ram:TypeCode', 'VAT'),
    el('ram:CategoryCode', category),
    category === 'O' ? null : el('ram:RateApplicablePercent', formatPercentBp(rateBp)),
  );
}

/** BG-23 entry at header level. */
export function vatBreakdown(v: VatBreakdown, currency: string): XmlElement {
  return el(
    'ram:ApplicableTradeTax',
    money('ram:CalculatedAmount', v.tax, currency),
    el('ram:TypeCode', 'VAT'),
    el('ram:ExemptionReason', v.exemptionReason),
    money('ram:BasisAmount', v.taxable, currency),
    el('ram:CategoryCode', v.category),
    el('ram:ExemptionReasonCode', v.exemptionCode),
    // Always a rate in the breakdown, 0 for O: XRechnung BR-DE-14 requires it, EN 16931 allows it.
    el('ram:RateApplicablePercent', formatPercentBp(v.category === 'O' ? 0 : v.rateBp)),
  );
}

/** BG-20/21 (header, with CategoryTradeTax) or BG-27/28 (line). */
export function allowanceCharge(ac: DocumentAllowanceCharge | LineAllowanceCharge, currency: string): XmlElement {
  const doc = 'vatCategory' in ac ? ac : null;
  return el(
    'ram:SpecifiedTradeAllowanceCharge',
    el('ram:ChargeIndicator', el('udt:Indicator', ac.charge ? 'true' : 'false')),
    ac.percentBp === undefined ? null : el('ram:CalculationPercent', formatPercentBp(ac.percentBp)),
    ac.base === undefined ? null : money('ram:BasisAmount', ac.base, currency),
    money('ram:ActualAmount', ac.amount, currency),
    el('ram:ReasonCode', ac.reasonCode),
    el('ram:Reason', ac.reason),
    doc ? tradeTax('ram:CategoryTradeTax', doc.vatCategory, doc.vatRateBp) : null,
  );
}

const IBAN_SHAPE = /^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$/;

/** BG-16 with BG-17 / BG-18 / BG-19 (BT-90 and BT-89 sit elsewhere in CII: see cii.writer.ts). */
export function paymentMeans(p: PaymentMeans): XmlElement {
  const account = p.account;
  return el(
    'ram:SpecifiedTradeSettlementPaymentMeans',
    el('ram:TypeCode', p.code),
    el('ram:Information', p.text),
    p.card
      ? el(
          'ram:ApplicableTradeSettlementFinancialCard',
          el('ram:ID', p.card.pan),
          el('ram:CardholderName', p.card.holder),
        )
      : null,
    p.directDebit ? el('ram:PayerPartyDebtorFinancialAccount', el('ram:IBANID', p.directDebit.debitedAccount)) : null,
    account
      ? el(
          'ram:PayeePartyCreditorFinancialAccount',
          // BT-84 is an IBAN for SEPA (58); a non-IBAN account number is a proprietary id.
          IBAN_SHAPE.test(account.id) ? el('ram:IBANID', account.id) : null,
          el('ram:AccountName', account.name),
          IBAN_SHAPE.test(account.id) ? null : el('ram:ProprietaryID', account.id),
        )
      : null,
    account?.bic ? el('ram:PayeeSpecifiedCreditorFinancialInstitution', el('ram:BICID', account.bic)) : null,
  );
}
