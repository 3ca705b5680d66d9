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
import type { XmlWriter } from './xml.ts';

export const UBL_NS = {
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};

export function amount(x: XmlWriter, name: string, minor: number, currency: string): void {
  x.leaf(name, formatMinor(minor, currency), { currencyID: currency });
}

export function address(x: XmlWriter, name: string, a: PostalAddress): void {
  const [line1, line2, ...more] = a.lines;
  x.el(name, () => {
    x.leaf('cbc:StreetName', line1);
    x.leaf('cbc:AdditionalStreetName', line2);
    x.leaf('cbc:CityName', a.city);
    x.leaf('cbc:PostalZone', a.postalCode);
    x.leaf('cbc:CountrySubentity', a.subdivision);
    if (more.length > 0) x.el('cac:AddressLine', () => x.leaf('cbc:Line', more.join(', ')));
    x.el('cac:Country', () => x.leaf('cbc:IdentificationCode', a.country));
  });
}

/**
 * cac:TaxCategory / cac:ClassifiedTaxCategory. O carries no rate on lines, allowances and charges
 * (BR-O-05/06/07); the breakdown (`exemption` given) always states one, 0 for O, as XRechnung
 * BR-DE-14 requires and EN 16931 allows.
 */
export function taxCategory(
  x: XmlWriter,
  name: string,
  category: VatCategory,
  rateBp: number,
  exemption?: { reason?: string; code?: string },
): void {
  x.el(name, () => {
    x.leaf('cbc:ID', category);
    if (category !== 'O' || exemption) x.leaf('cbc:Percent', formatPercentBp(category === 'O' ? 0 : rateBp));
    x.leaf('cbc:TaxExemptionReasonCode', exemption?.code);
    x.leaf('cbc:TaxExemptionReason', exemption?.reason);
    taxScheme(x, 'VAT');
  });
}

function taxScheme(x: XmlWriter, id: string): void {
  x.el('cac:TaxScheme', () => x.leaf('cbc:ID', id));
}

function contact(x: XmlWriter, c: Contact | undefined): void {
  if (!c) return;
  x.el('cac:Contact', () => {
    x.leaf('cbc:Name', c.name);
    x.leaf('cbc:Telephone', c.phone);
    x.leaf('cbc:ElectronicMail', c.email);
  });
}

function partyTaxScheme(x: XmlWriter, companyId: string | undefined, scheme: string): void {
  if (!companyId) return;
  x.el('cac:PartyTaxScheme', () => {
    x.leaf('cbc:CompanyID', companyId);
    taxScheme(x, scheme);
  });
}

function endpoint(x: XmlWriter, address: { id: string; scheme?: string } | undefined): void {
  if (address) x.leaf('cbc:EndpointID', address.id, { schemeID: address.scheme });
}

function partyName(x: XmlWriter, name: string | undefined): void {
  x.el('cac:PartyName', () => x.leaf('cbc:Name', name));
}

function legalRegistration(x: XmlWriter, legal: { id: string; scheme?: string } | undefined): void {
  if (legal) x.leaf('cbc:CompanyID', legal.id, { schemeID: legal.scheme });
}

/** BG-4 inside cac:AccountingSupplierParty. BT-90 (SEPA creditor id) is a party identification. */
export function sellerParty(x: XmlWriter, s: Seller, creditorId: string | undefined): void {
  const { identifier } = s;
  x.el('cac:AccountingSupplierParty', () =>
    x.el('cac:Party', () => {
      endpoint(x, s.electronicAddress);
      if (identifier)
        x.el('cac:PartyIdentification', () => x.leaf('cbc:ID', identifier.id, { schemeID: identifier.scheme }));
      if (creditorId) x.el('cac:PartyIdentification', () => x.leaf('cbc:ID', creditorId, { schemeID: 'SEPA' }));
      partyName(x, s.tradingName);
      address(x, 'cac:PostalAddress', s.address);
      partyTaxScheme(x, s.vatId, 'VAT');
      // BT-32: any tax scheme other than VAT; FC (Finanzamt) as in the XRechnung examples.
      partyTaxScheme(x, s.taxRegistrationId, 'FC');
      x.el('cac:PartyLegalEntity', () => {
        x.leaf('cbc:RegistrationName', s.name);
        legalRegistration(x, s.legalRegistration);
        x.leaf('cbc:CompanyLegalForm', s.legalInfo);
      });
      contact(x, s.contact);
    }),
  );
}

/** BG-7 inside cac:AccountingCustomerParty. */
export function buyerParty(x: XmlWriter, b: Buyer): void {
  x.el('cac:AccountingCustomerParty', () =>
    x.el('cac:Party', () => {
      endpoint(x, b.electronicAddress);
      partyName(x, b.tradingName);
      address(x, 'cac:PostalAddress', b.address);
      partyTaxScheme(x, b.vatId, 'VAT');
      x.el('cac:PartyLegalEntity', () => {
        x.leaf('cbc:RegistrationName', b.name);
        legalRegistration(x, b.legalRegistration);
      });
      contact(x, b.contact);
    }),
  );
}

/** BG-16. `dueDate` only for credit notes, whose UBL document has no cbc:DueDate (BT-9). */
export function paymentMeans(x: XmlWriter, p: PaymentMeans, dueDate: string | undefined): void {
  const { account, card, directDebit } = p;
  x.el('cac:PaymentMeans', () => {
    x.leaf('cbc:PaymentMeansCode', p.code, { name: p.text });
    x.leaf('cbc:PaymentDueDate', dueDate);
    x.leaf('cbc:PaymentID', p.remittanceInfo);
    if (card)
      x.el('cac:CardAccount', () => {
        x.leaf('cbc:PrimaryAccountNumberID', card.pan);
        // NetworkID is mandatory in UBL but has no EN 16931 business term.
        x.leaf('cbc:NetworkID', card.network ?? 'mapped-from-en16931');
        x.leaf('cbc:HolderName', card.holder);
      });
    if (account)
      x.el('cac:PayeeFinancialAccount', () => {
        x.leaf('cbc:ID', account.id);
        x.leaf('cbc:Name', account.name);
        if (account.bic) x.el('cac:FinancialInstitutionBranch', () => x.leaf('cbc:ID', account.bic));
      });
    if (directDebit)
      x.el('cac:PaymentMandate', () => {
        x.leaf('cbc:ID', directDebit.mandateReference);
        x.el('cac:PayerFinancialAccount', () => x.leaf('cbc:ID', directDebit.debitedAccount));
      });
  });
}

/** BG-20/21 (with a tax category) or BG-27/28 (without). */
export function allowanceCharge(
  x: XmlWriter,
  ac: DocumentAllowanceCharge | LineAllowanceCharge,
  currency: string,
): void {
  x.el('cac:AllowanceCharge', () => {
    x.leaf('cbc:ChargeIndicator', ac.charge ? 'true' : 'false');
    x.leaf('cbc:AllowanceChargeReasonCode', ac.reasonCode);
    x.leaf('cbc:AllowanceChargeReason', ac.reason);
    if (ac.percentBp !== undefined) x.leaf('cbc:MultiplierFactorNumeric', formatPercentBp(ac.percentBp));
    amount(x, 'cbc:Amount', ac.amount, currency);
    if (ac.base !== undefined) amount(x, 'cbc:BaseAmount', ac.base, currency);
    if ('vatCategory' in ac) taxCategory(x, 'cac:TaxCategory', ac.vatCategory, ac.vatRateBp);
  });
}
