// UBL 2.1 parts shared by Invoice and CreditNote: parties, addresses, payment means, allowances.
// Element order follows the UBL 2.1 schemas (xsd/common/UBL-CommonAggregateComponents-2.1.xsd);
// the binding of each business term follows the EN 16931-3-2 UBL syntax binding.
import { formatMinor, formatPercentBp } from './einvoice.amounts.ts';
import type {
  Buyer,
  Contact,
  DocumentAllowanceCharge,
  LineAllowanceCharge,
  PaymentMeans,
  PostalAddress,
  Seller,
  VatCategory,
} from './einvoice.model.ts';
import { el, type XmlElement } from './xml.ts';

export const UBL_NS = {
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};

export function amount(name: string, minor: number, currency: string): XmlElement {
  return el(name, { currencyID: currency }, formatMinor(minor, currency));
}

export function address(name: string, a: PostalAddress): XmlElement {
  const [line1, line2, ...more] = a.lines;
  return el(
    name,
    el('cbc:StreetName', line1),
    el('cbc:AdditionalStreetName', line2),
    el('cbc:CityName', a.city),
    el('cbc:PostalZone', a.postalCode),
    el('cbc:CountrySubentity', a.subdivision),
    more.length > 0 ? el('cac:AddressLine', el('cbc:Line', more.join(', '))) : null,
    el('cac:Country', el('cbc:IdentificationCode', a.country)),
  );
}

/**
 * cac:TaxCategory / cac:ClassifiedTaxCategory. O carries no rate on lines, allowances and charges
 * (BR-O-05/06/07); the breakdown (`exemption` given) always states one, 0 for O, as XRechnung
 * BR-DE-14 requires and EN 16931 allows.
 */
export function taxCategory(
  name: string,
  category: VatCategory,
  rateBp: number,
  exemption?: { reason?: string; code?: string },
): XmlElement {
  return el(
    name,
    el('cbc:ID', category),
    category === 'O' && !exemption ? null : el('cbc:Percent', formatPercentBp(category === 'O' ? 0 : rateBp)),
    el('cbc:TaxExemptionReasonCode', exemption?.code),
    el('cbc:TaxExemptionReason', exemption?.reason),
    el('cac:TaxScheme', el('cbc:ID', 'VAT')),
  );
}

function contact(c: Contact | undefined): XmlElement | null {
  if (!c) return null;
  return el('cac:Contact', el('cbc:Name', c.name), el('cbc:Telephone', c.phone), el('cbc:ElectronicMail', c.email));
}

function vatScheme(companyId: string | undefined, scheme: string): XmlElement | null {
  if (!companyId) return null;
  return el('cac:PartyTaxScheme', el('cbc:CompanyID', companyId), el('cac:TaxScheme', el('cbc:ID', scheme)));
}

/** BG-4 inside cac:AccountingSupplierParty. BT-90 (SEPA creditor id) is a party identification. */
export function sellerParty(s: Seller, creditorId: string | undefined): XmlElement {
  return el(
    'cac:AccountingSupplierParty',
    el(
      'cac:Party',
      s.electronicAddress
        ? el('cbc:EndpointID', { schemeID: s.electronicAddress.scheme }, s.electronicAddress.id)
        : null,
      s.identifier
        ? el('cac:PartyIdentification', el('cbc:ID', { schemeID: s.identifier.scheme }, s.identifier.id))
        : null,
      creditorId ? el('cac:PartyIdentification', el('cbc:ID', { schemeID: 'SEPA' }, creditorId)) : null,
      s.tradingName ? el('cac:PartyName', el('cbc:Name', s.tradingName)) : null,
      address('cac:PostalAddress', s.address),
      vatScheme(s.vatId, 'VAT'),
      // BT-32: any tax scheme other than VAT; FC (Finanzamt) as in the XRechnung examples.
      vatScheme(s.taxRegistrationId, 'FC'),
      el(
        'cac:PartyLegalEntity',
        el('cbc:RegistrationName', s.name),
        s.legalRegistration
          ? el('cbc:CompanyID', { schemeID: s.legalRegistration.scheme }, s.legalRegistration.id)
          : null,
        el('cbc:CompanyLegalForm', s.legalInfo),
      ),
      contact(s.contact),
    ),
  );
}

/** BG-7 inside cac:AccountingCustomerParty. */
export function buyerParty(b: Buyer): XmlElement {
  return el(
    'cac:AccountingCustomerParty',
    el(
      'cac:Party',
      b.electronicAddress
        ? el('cbc:EndpointID', { schemeID: b.electronicAddress.scheme }, b.electronicAddress.id)
        : null,
      b.tradingName ? el('cac:PartyName', el('cbc:Name', b.tradingName)) : null,
      address('cac:PostalAddress', b.address),
      vatScheme(b.vatId, 'VAT'),
      el(
        'cac:PartyLegalEntity',
        el('cbc:RegistrationName', b.name),
        b.legalRegistration
          ? el('cbc:CompanyID', { schemeID: b.legalRegistration.scheme }, b.legalRegistration.id)
          : null,
      ),
      contact(b.contact),
    ),
  );
}

/** BG-16. `dueDate` only for credit notes, whose UBL document has no cbc:DueDate (BT-9). */
export function paymentMeans(p: PaymentMeans, dueDate: string | undefined): XmlElement {
  return el(
    'cac:PaymentMeans',
    el('cbc:PaymentMeansCode', { name: p.text }, p.code),
    el('cbc:PaymentDueDate', dueDate),
    el('cbc:PaymentID', p.remittanceInfo),
    p.card
      ? el(
          'cac:CardAccount',
          el('cbc:PrimaryAccountNumberID', p.card.pan),
          // NetworkID is mandatory in UBL but has no EN 16931 business term.
          el('cbc:NetworkID', p.card.network ?? 'mapped-from-en16931'),
          el('cbc:HolderName', p.card.holder),
        )
      : null,
    p.account
      ? el(
          'cac:PayeeFinancialAccount',
          el('cbc:ID', p.account.id),
          el('cbc:Name', p.account.name),
          p.account.bic ? el('cac:FinancialInstitutionBranch', el('cbc:ID', p.account.bic)) : null,
        )
      : null,
    p.directDebit
      ? el(
          'cac:PaymentMandate',
          el('cbc:ID', p.directDebit.mandateReference),
          el('cac:PayerFinancialAccount', el('cbc:ID', p.directDebit.debitedAccount)),
        )
      : null,
  );
}

/** BG-20/21 (with a tax category) or BG-27/28 (without). */
export function allowanceCharge(ac: DocumentAllowanceCharge | LineAllowanceCharge, currency: string): XmlElement {
  const doc = 'vatCategory' in ac ? ac : null;
  return el(
    'cac:AllowanceCharge',
    el('cbc:ChargeIndicator', ac.charge ? 'true' : 'false'),
    el('cbc:AllowanceChargeReasonCode', ac.reasonCode),
    el('cbc:AllowanceChargeReason', ac.reason),
    ac.percentBp === undefined ? null : el('cbc:MultiplierFactorNumeric', formatPercentBp(ac.percentBp)),
    amount('cbc:Amount', ac.amount, currency),
    ac.base === undefined ? null : amount('cbc:BaseAmount', ac.base, currency),
    doc ? taxCategory('cac:TaxCategory', doc.vatCategory, doc.vatRateBp) : null,
  );
}
