// UBL 2.1 Invoice / CreditNote for XRechnung 3.0 and Peppol BIS Billing 3.0. Pure: model in,
// UTF-8 text out, the same bytes for the same model (element order fixed by the UBL schema,
// attribute order fixed here, no timestamps, no generated ids).
import { FORMATS, type EinvoiceFormat } from './einvoice.formats.ts';
import type { EinvoiceModel, InvoiceLine } from './einvoice.model.ts';
import {
  UBL_NS,
  address,
  allowanceCharge,
  amount,
  buyerParty,
  paymentMeans,
  sellerParty,
  taxCategory,
} from './ubl.parties.ts';
import { XmlWriter } from './xml.ts';

type UblFormat = Extract<EinvoiceFormat, 'xrechnung-ubl' | 'peppol-bis'>;

function line(x: XmlWriter, l: InvoiceLine, currency: string, creditNote: boolean): void {
  x.el(creditNote ? 'cac:CreditNoteLine' : 'cac:InvoiceLine', () => {
    x.leaf('cbc:ID', l.id);
    x.leaf('cbc:Note', l.note);
    x.leaf(creditNote ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', l.quantity, { unitCode: l.unitCode });
    amount(x, 'cbc:LineExtensionAmount', l.netAmount, currency);
    for (const ac of l.allowanceCharges) allowanceCharge(x, ac, currency);
    x.el('cac:Item', () => {
      x.leaf('cbc:Description', l.itemDescription);
      x.leaf('cbc:Name', l.itemName);
      x.el('cac:SellersItemIdentification', () => x.leaf('cbc:ID', l.sellerItemId));
      taxCategory(x, 'cac:ClassifiedTaxCategory', l.vatCategory, l.vatRateBp);
    });
    x.el('cac:Price', () => {
      // BT-146 is written as the model states it: a price is not an amount and may carry more decimals.
      x.leaf('cbc:PriceAmount', l.netPrice, { currencyID: currency });
      if (l.baseQuantity !== undefined) x.leaf('cbc:BaseQuantity', l.baseQuantity, { unitCode: l.unitCode });
    });
  });
}

function taxTotals(x: XmlWriter, m: EinvoiceModel): void {
  x.el('cac:TaxTotal', () => {
    amount(x, 'cbc:TaxAmount', m.totals.tax, m.currency);
    for (const v of m.vatBreakdown)
      x.el('cac:TaxSubtotal', () => {
        amount(x, 'cbc:TaxableAmount', v.taxable, m.currency);
        amount(x, 'cbc:TaxAmount', v.tax, m.currency);
        taxCategory(x, 'cac:TaxCategory', v.category, v.rateBp, { reason: v.exemptionReason, code: v.exemptionCode });
      });
  });
  // BT-111: a second TaxTotal with the total alone, in the VAT accounting currency (BR-53).
  const { taxCurrency } = m;
  const { taxInAccountingCurrency } = m.totals;
  if (taxCurrency !== undefined && taxInAccountingCurrency !== undefined)
    x.el('cac:TaxTotal', () => amount(x, 'cbc:TaxAmount', taxInAccountingCurrency, taxCurrency));
}

function monetaryTotal(x: XmlWriter, m: EinvoiceModel): void {
  const t = m.totals;
  const c = m.currency;
  const hasAllowances = m.allowanceCharges.some((ac) => !ac.charge);
  const hasCharges = m.allowanceCharges.some((ac) => ac.charge);
  x.el('cac:LegalMonetaryTotal', () => {
    amount(x, 'cbc:LineExtensionAmount', t.lineNet, c);
    amount(x, 'cbc:TaxExclusiveAmount', t.taxExclusive, c);
    amount(x, 'cbc:TaxInclusiveAmount', t.taxInclusive, c);
    if (hasAllowances) amount(x, 'cbc:AllowanceTotalAmount', t.allowances, c);
    if (hasCharges) amount(x, 'cbc:ChargeTotalAmount', t.charges, c);
    if (t.prepaid !== 0) amount(x, 'cbc:PrepaidAmount', t.prepaid, c);
    if (t.rounding !== 0) amount(x, 'cbc:PayableRoundingAmount', t.rounding, c);
    amount(x, 'cbc:PayableAmount', t.payable, c);
  });
}

function delivery(x: XmlWriter, m: EinvoiceModel): void {
  const d = m.delivery;
  if (!d) return;
  x.el('cac:Delivery', () => {
    x.leaf('cbc:ActualDeliveryDate', d.date);
    if (d.address) x.el('cac:DeliveryLocation', () => address(x, 'cac:Address', d.address!));
    x.el('cac:DeliveryParty', () => x.el('cac:PartyName', () => x.leaf('cbc:Name', d.partyName)));
  });
}

/** The UBL 2.1 document for `format` ('xrechnung-ubl' or 'peppol-bis'), as UTF-8 bytes. */
export function writeUbl(m: EinvoiceModel, format: UblFormat): Buffer {
  const spec = FORMATS[format];
  const creditNote = m.typeCode === '381';
  const root = creditNote ? 'CreditNote' : 'Invoice';
  const creditorId = m.paymentMeans.find((p) => p.directDebit)?.directDebit?.creditorId;
  const namespaces = {
    xmlns: `urn:oasis:names:specification:ubl:schema:xsd:${root}-2`,
    'xmlns:cac': UBL_NS.cac,
    'xmlns:cbc': UBL_NS.cbc,
  };
  return XmlWriter.document(root, namespaces, (x) => {
    x.leaf('cbc:CustomizationID', spec.specificationId);
    x.leaf('cbc:ProfileID', spec.businessProcess);
    x.leaf('cbc:ID', m.number);
    x.leaf('cbc:IssueDate', m.issueDate);
    if (!creditNote) x.leaf('cbc:DueDate', m.dueDate);
    x.leaf(creditNote ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode', m.typeCode);
    for (const n of m.notes) x.leaf('cbc:Note', n);
    x.leaf('cbc:DocumentCurrencyCode', m.currency);
    x.leaf('cbc:TaxCurrencyCode', m.taxCurrency);
    x.leaf('cbc:BuyerReference', m.buyerReference);
    if (m.period) {
      const { start, end } = m.period;
      x.el('cac:InvoicePeriod', () => {
        x.leaf('cbc:StartDate', start);
        x.leaf('cbc:EndDate', end);
      });
    }
    x.el('cac:OrderReference', () => x.leaf('cbc:ID', m.purchaseOrderReference));
    for (const p of m.precedingInvoices)
      x.el('cac:BillingReference', () =>
        x.el('cac:InvoiceDocumentReference', () => {
          x.leaf('cbc:ID', p.number);
          x.leaf('cbc:IssueDate', p.issueDate);
        }),
      );
    x.el('cac:ContractDocumentReference', () => x.leaf('cbc:ID', m.contractReference));
    sellerParty(x, m.seller, creditorId);
    buyerParty(x, m.buyer);
    delivery(x, m);
    // A credit note states BT-9 on its payment means (UBL 2.1 CreditNote has no cbc:DueDate).
    m.paymentMeans.forEach((p, i) => paymentMeans(x, p, creditNote && i === 0 ? m.dueDate : undefined));
    x.el('cac:PaymentTerms', () => x.leaf('cbc:Note', m.paymentTerms));
    for (const ac of m.allowanceCharges) allowanceCharge(x, ac, m.currency);
    taxTotals(x, m);
    monetaryTotal(x, m);
    for (const l of m.lines) line(x, l, m.currency, creditNote);
  });
}
