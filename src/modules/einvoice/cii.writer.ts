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
import { XmlWriter } from './xml.ts';

type CiiFormat = Extract<EinvoiceFormat, 'xrechnung-cii' | 'factur-x'>;

function line(x: XmlWriter, l: InvoiceLine, currency: string): void {
  x.el('ram:IncludedSupplyChainTradeLineItem', () => {
    x.el('ram:AssociatedDocumentLineDocument', () => {
      x.leaf('ram:LineID', l.id);
      if (l.note) x.el('ram:IncludedNote', () => x.leaf('ram:Content', l.note));
    });
    x.el('ram:SpecifiedTradeProduct', () => {
      x.leaf('ram:SellerAssignedID', l.sellerItemId);
      x.leaf('ram:Name', l.itemName);
      x.leaf('ram:Description', l.itemDescription);
    });
    x.el('ram:SpecifiedLineTradeAgreement', () =>
      x.el('ram:NetPriceProductTradePrice', () => {
        x.leaf('ram:ChargeAmount', l.netPrice);
        if (l.baseQuantity !== undefined) x.leaf('ram:BasisQuantity', l.baseQuantity, { unitCode: l.unitCode });
      }),
    );
    x.el('ram:SpecifiedLineTradeDelivery', () => x.leaf('ram:BilledQuantity', l.quantity, { unitCode: l.unitCode }));
    x.el('ram:SpecifiedLineTradeSettlement', () => {
      tradeTax(x, 'ram:ApplicableTradeTax', l.vatCategory, l.vatRateBp);
      for (const ac of l.allowanceCharges) allowanceCharge(x, ac, currency);
      x.el('ram:SpecifiedTradeSettlementLineMonetarySummation', () =>
        money(x, 'ram:LineTotalAmount', l.netAmount, currency),
      );
    });
  });
}
function agreement(x: XmlWriter, m: EinvoiceModel): void {
  x.el('ram:ApplicableHeaderTradeAgreement', () => {
    x.leaf('ram:BuyerReference', m.buyerReference);
    sellerParty(x, m.seller);
    buyerParty(x, m.buyer);
    x.el('ram:BuyerOrderReferencedDocument', () => x.leaf('ram:IssuerAssignedID', m.purchaseOrderReference));
    x.el('ram:ContractReferencedDocument', () => x.leaf('ram:IssuerAssignedID', m.contractReference));
  });
}

// The schema requires this container; with neither a supply date nor a deliver-to it is empty,
// which PEPPOL-EN16931-R008 (merged into XRechnung) refuses: the pre-issue checks ask for one.
function delivery(x: XmlWriter, m: EinvoiceModel): void {
  const d = m.delivery;
  x.required('ram:ApplicableHeaderTradeDelivery', () => {
    if (d && (d.address || d.partyName))
      x.el('ram:ShipToTradeParty', () => {
        x.leaf('ram:Name', d.partyName);
        if (d.address) postalAddress(x, d.address);
      });
    if (d?.date) x.el('ram:ActualDeliverySupplyChainEvent', () => date102(x, 'ram:OccurrenceDateTime', d.date));
  });
}

function settlement(x: XmlWriter, m: EinvoiceModel): void {
  const t = m.totals;
  const c = m.currency;
  const directDebit = m.paymentMeans.find((p) => p.directDebit)?.directDebit;
  // CII has one BT-83 for the whole document: the first payment means' remittance text.
  const remittance = m.paymentMeans.find((p) => p.remittanceInfo)?.remittanceInfo;
  const hasAllowances = m.allowanceCharges.some((ac) => !ac.charge);
  const hasCharges = m.allowanceCharges.some((ac) => ac.charge);
  x.el('ram:ApplicableHeaderTradeSettlement', () => {
    x.leaf('ram:CreditorReferenceID', directDebit?.creditorId);
    x.leaf('ram:PaymentReference', remittance);
    x.leaf('ram:TaxCurrencyCode', m.taxCurrency);
    x.leaf('ram:InvoiceCurrencyCode', c);
    for (const p of m.paymentMeans) paymentMeans(x, p);
    for (const v of m.vatBreakdown) vatBreakdown(x, v, c);
    if (m.period) {
      const { start, end } = m.period;
      x.el('ram:BillingSpecifiedPeriod', () => {
        date102(x, 'ram:StartDateTime', start);
        date102(x, 'ram:EndDateTime', end);
      });
    }
    for (const ac of m.allowanceCharges) allowanceCharge(x, ac, c);
    x.el('ram:SpecifiedTradePaymentTerms', () => {
      x.leaf('ram:Description', m.paymentTerms);
      date102(x, 'ram:DueDateDateTime', m.dueDate);
      x.leaf('ram:DirectDebitMandateID', directDebit?.mandateReference);
    });
    x.el('ram:SpecifiedTradeSettlementHeaderMonetarySummation', () => {
      money(x, 'ram:LineTotalAmount', t.lineNet, c);
      if (hasCharges) money(x, 'ram:ChargeTotalAmount', t.charges, c);
      if (hasAllowances) money(x, 'ram:AllowanceTotalAmount', t.allowances, c);
      money(x, 'ram:TaxBasisTotalAmount', t.taxExclusive, c);
      x.leaf('ram:TaxTotalAmount', formatMinor(t.tax, c), { currencyID: c });
      if (m.taxCurrency !== undefined && t.taxInAccountingCurrency !== undefined)
        x.leaf('ram:TaxTotalAmount', formatMinor(t.taxInAccountingCurrency, m.taxCurrency), {
          currencyID: m.taxCurrency,
        });
      if (t.rounding !== 0) money(x, 'ram:RoundingAmount', t.rounding, c);
      money(x, 'ram:GrandTotalAmount', t.taxInclusive, c);
      if (t.prepaid !== 0) money(x, 'ram:TotalPrepaidAmount', t.prepaid, c);
      money(x, 'ram:DuePayableAmount', t.payable, c);
    });
    for (const p of m.precedingInvoices)
      x.el('ram:InvoiceReferencedDocument', () => {
        x.leaf('ram:IssuerAssignedID', p.number);
        date102(x, 'ram:FormattedIssueDateTime', p.issueDate, 'qdt');
      });
  });
}

/** The CII document for `format` ('xrechnung-cii' or 'factur-x'), as UTF-8 bytes. */
export function writeCii(m: EinvoiceModel, format: CiiFormat): Buffer {
  const spec = FORMATS[format];
  const namespaces = {
    'xmlns:rsm': CII_NS.rsm,
    'xmlns:qdt': CII_NS.qdt,
    'xmlns:ram': CII_NS.ram,
    'xmlns:udt': CII_NS.udt,
  };
  return XmlWriter.document('rsm:CrossIndustryInvoice', namespaces, (x) => {
    x.el('rsm:ExchangedDocumentContext', () => {
      if (spec.businessProcess)
        x.el('ram:BusinessProcessSpecifiedDocumentContextParameter', () => x.leaf('ram:ID', spec.businessProcess));
      x.el('ram:GuidelineSpecifiedDocumentContextParameter', () => x.leaf('ram:ID', spec.specificationId));
    });
    x.el('rsm:ExchangedDocument', () => {
      x.leaf('ram:ID', m.number);
      x.leaf('ram:TypeCode', m.typeCode);
      date102(x, 'ram:IssueDateTime', m.issueDate);
      for (const n of m.notes) x.el('ram:IncludedNote', () => x.leaf('ram:Content', n));
    });
    x.el('rsm:SupplyChainTradeTransaction', () => {
      for (const l of m.lines) line(x, l, m.currency);
      agreement(x, m);
      delivery(x, m);
      settlement(x, m);
    });
  });
}
