// UN/CEFACT Cross Industry Invoice D16B for XRechnung 3.0 and for Factur-X / ZUGFeRD profile
// EN 16931. Pure and byte-stable like the UBL writer. Credit notes are the same document with
// TypeCode 381 (CII has no separate credit note message).
import { formatMinor } from './einvoice.amounts.ts';
import { FORMATS, type EinvoiceFormat } from './einvoice.formats.ts';
import type { EinvoiceModel, InvoiceLine } from './einvoice.model.ts';
import {
  CII_NS,
  allowanceCharge,
  buyerParty,
  date102,
  money,
  paymentMeans,
  postalAddress,
  sellerParty,
  tradeTax,
  vatBreakdown,
} from './cii.parties.ts';
import { el, required, serialize, serializeUtf8, type XmlElement } from './xml.ts';

type CiiFormat = Extract<EinvoiceFormat, 'xrechnung-cii' | 'factur-x'>;

function line(l: InvoiceLine, currency: string): XmlElement {
  return el(
    'ram:IncludedSupplyChainTradeLineItem',
    el(
      'ram:AssociatedDocumentLineDocument',
      el('ram:LineID', l.id),
      l.note ? el('ram:IncludedNote', el('ram:Content', l.note)) : null,
    ),
    el(
      'ram:SpecifiedTradeProduct',
      el('ram:SellerAssignedID', l.sellerItemId),
      el('ram:Name', l.itemName),
      el('ram:Description', l.itemDescription),
    ),
    el(
      'ram:SpecifiedLineTradeAgreement',
      el(
        'ram:NetPriceProductTradePrice',
        el('ram:ChargeAmount', l.netPrice),
        l.baseQuantity === undefined ? null : el('ram:BasisQuantity', { unitCode: l.unitCode }, l.baseQuantity),
      ),
    ),
    el('ram:SpecifiedLineTradeDelivery', el('ram:BilledQuantity', { unitCode: l.unitCode }, l.quantity)),
    el(
      'ram:SpecifiedLineTradeSettlement',
      tradeTax('ram:ApplicableTradeTax', l.vatCategory, l.vatRateBp),
      ...l.allowanceCharges.map((ac) => allowanceCharge(ac, currency)),
      el('ram:SpecifiedTradeSettlementLineMonetarySummation', money('ram:LineTotalAmount', l.netAmount, currency)),
    ),
  );
}

function agreement(m: EinvoiceModel): XmlElement {
  return el(
    'ram:ApplicableHeaderTradeAgreement',
    el('ram:BuyerReference', m.buyerReference),
    sellerParty(m.seller),
    buyerParty(m.buyer),
    m.purchaseOrderReference
      ? el('ram:BuyerOrderReferencedDocument', el('ram:IssuerAssignedID', m.purchaseOrderReference))
      : null,
    m.contractReference ? el('ram:ContractReferencedDocument', el('ram:IssuerAssignedID', m.contractReference)) : null,
  );
}

// The schema requires this container; with neither a supply date nor a deliver-to it is empty,
// which PEPPOL-EN16931-R008 (merged into XRechnung) refuses: the pre-issue checks ask for one.
function delivery(m: EinvoiceModel): XmlElement {
  const d = m.delivery;
  return required(
    el(
      'ram:ApplicableHeaderTradeDelivery',
      d && (d.address || d.partyName)
        ? el('ram:ShipToTradeParty', el('ram:Name', d.partyName), d.address ? postalAddress(d.address) : null)
        : null,
      d?.date ? el('ram:ActualDeliverySupplyChainEvent', date102('ram:OccurrenceDateTime', d.date)) : null,
    ),
  );
}

function settlement(m: EinvoiceModel): XmlElement {
  const t = m.totals;
  const c = m.currency;
  const directDebit = m.paymentMeans.find((p) => p.directDebit)?.directDebit;
  // CII has one BT-83 for the whole document: the first payment means' remittance text.
  const remittance = m.paymentMeans.find((p) => p.remittanceInfo)?.remittanceInfo;
  const hasAllowances = m.allowanceCharges.some((ac) => !ac.charge);
  const hasCharges = m.allowanceCharges.some((ac) => ac.charge);
  const terms =
    m.paymentTerms || m.dueDate || directDebit
      ? el(
          'ram:SpecifiedTradePaymentTerms',
          el('ram:Description', m.paymentTerms),
          date102('ram:DueDateDateTime', m.dueDate),
          el('ram:DirectDebitMandateID', directDebit?.mandateReference),
        )
      : null;
  return el(
    'ram:ApplicableHeaderTradeSettlement',
    el('ram:CreditorReferenceID', directDebit?.creditorId),
    el('ram:PaymentReference', remittance),
    el('ram:TaxCurrencyCode', m.taxCurrency),
    el('ram:InvoiceCurrencyCode', c),
    ...m.paymentMeans.map(paymentMeans),
    ...m.vatBreakdown.map((v) => vatBreakdown(v, c)),
    m.period
      ? el(
          'ram:BillingSpecifiedPeriod',
          date102('ram:StartDateTime', m.period.start),
          date102('ram:EndDateTime', m.period.end),
        )
      : null,
    ...m.allowanceCharges.map((ac) => allowanceCharge(ac, c)),
    terms,
    el(
      'ram:SpecifiedTradeSettlementHeaderMonetarySummation',
      money('ram:LineTotalAmount', t.lineNet, c),
      hasCharges ? money('ram:ChargeTotalAmount', t.charges, c) : null,
      hasAllowances ? money('ram:AllowanceTotalAmount', t.allowances, c) : null,
      money('ram:TaxBasisTotalAmount', t.taxExclusive, c),
      el('ram:TaxTotalAmount', { currencyID: c }, formatMinor(t.tax, c)),
      m.taxCurrency !== undefined && t.taxInAccountingCurrency !== undefined
        ? el('ram:TaxTotalAmount', { currencyID: m.taxCurrency }, formatMinor(t.taxInAccountingCurrency, m.taxCurrency))
        : null,
      t.rounding !== 0 ? money('ram:RoundingAmount', t.rounding, c) : null,
      money('ram:GrandTotalAmount', t.taxInclusive, c),
      t.prepaid !== 0 ? money('ram:TotalPrepaidAmount', t.prepaid, c) : null,
      money('ram:DuePayableAmount', t.payable, c),
    ),
    ...m.precedingInvoices.map((p) =>
      el(
        'ram:InvoiceReferencedDocument',
        el('ram:IssuerAssignedID', p.number),
        date102('ram:FormattedIssueDateTime', p.issueDate, 'qdt'),
      ),
    ),
  );
}

/** The CII document for `format` ('xrechnung-cii' or 'factur-x'). */
export function writeCii(m: EinvoiceModel, format: CiiFormat): string {
  return serialize(ciiDocument(m, format));
}

/** `writeCii` as UTF-8 bytes (the Factur-X XML a PDF embeds), written as bytes. */
export function writeCiiUtf8(m: EinvoiceModel, format: CiiFormat): Buffer {
  return serializeUtf8(ciiDocument(m, format));
}

function ciiDocument(m: EinvoiceModel, format: CiiFormat): XmlElement {
  const spec = FORMATS[format];
  const doc = el(
    'rsm:CrossIndustryInvoice',
    { 'xmlns:rsm': CII_NS.rsm, 'xmlns:qdt': CII_NS.qdt, 'xmlns:ram': CII_NS.ram, 'xmlns:udt': CII_NS.udt },
    el(
      'rsm:ExchangedDocumentContext',
      spec.businessProcess
        ? el('ram:BusinessProcessSpecifiedDocumentContextParameter', el('ram:ID', spec.businessProcess))
        : null,
      el('ram:GuidelineSpecifiedDocumentContextParameter', el('ram:ID', spec.specificationId)),
    ),
    el(
      'rsm:ExchangedDocument',
      el('ram:ID', m.number),
      el('ram:TypeCode', m.typeCode),
      date102('ram:IssueDateTime', m.issueDate),
      ...m.notes.map((n) => el('ram:IncludedNote', el('ram:Content', n))),
    ),
    el(
      'rsm:SupplyChainTradeTransaction',
      ...m.lines.map((l) => line(l, m.currency)),
      agreement(m),
      delivery(m),
      settlement(m),
    ),
  );
  return doc;
}
