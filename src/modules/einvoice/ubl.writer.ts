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
import { el, serialize, type XmlElement } from './xml.ts';

type UblFormat = Extract<EinvoiceFormat, 'xrechnung-ubl' | 'peppol-bis'>;

function line(l: InvoiceLine, currency: string, creditNote: boolean): XmlElement {
  return el(
    creditNote ? 'cac:CreditNoteLine' : 'cac:InvoiceLine',
    el('cbc:ID', l.id),
    el('cbc:Note', l.note),
    el(creditNote ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', { unitCode: l.unitCode }, l.quantity),
    amount('cbc:LineExtensionAmount', l.netAmount, currency),
    ...l.allowanceCharges.map((ac) => allowanceCharge(ac, currency)),
    el(
      'cac:Item',
      el('cbc:Description', l.itemDescription),
      el('cbc:Name', l.itemName),
      l.sellerItemId ? el('cac:SellersItemIdentification', el('cbc:ID', l.sellerItemId)) : null,
      taxCategory('cac:ClassifiedTaxCategory', l.vatCategory, l.vatRateBp),
    ),
    el(
      'cac:Price',
      // BT-146 is written as the model states it: a price is not an amount and may carry more decimals.
      el('cbc:PriceAmount', { currencyID: currency }, l.netPrice),
      l.baseQuantity === undefined ? null : el('cbc:BaseQuantity', { unitCode: l.unitCode }, l.baseQuantity),
    ),
  );
}

function taxTotals(m: EinvoiceModel): XmlElement[] {
  const main = el(
    'cac:TaxTotal',
    amount('cbc:TaxAmount', m.totals.tax, m.currency),
    ...m.vatBreakdown.map((v) =>
      el(
        'cac:TaxSubtotal',
        amount('cbc:TaxableAmount', v.taxable, m.currency),
        amount('cbc:TaxAmount', v.tax, m.currency),
        taxCategory('cac:TaxCategory', v.category, v.rateBp, { reason: v.exemptionReason, code: v.exemptionCode }),
      ),
    ),
  );
  // BT-111: a second TaxTotal with the total alone, in the VAT accounting currency (BR-53).
  const accounting =
    m.taxCurrency !== undefined && m.totals.taxInAccountingCurrency !== undefined
      ? el('cac:TaxTotal', amount('cbc:TaxAmount', m.totals.taxInAccountingCurrency, m.taxCurrency))
      : null;
  return accounting ? [main, accounting] : [main];
}

function monetaryTotal(m: EinvoiceModel): XmlElement {
  const t = m.totals;
  const c = m.currency;
  const hasAllowances = m.allowanceCharges.some((ac) => !ac.charge);
  const hasCharges = m.allowanceCharges.some((ac) => ac.charge);
  return el(
    'cac:LegalMonetaryTotal',
    amount('cbc:LineExtensionAmount', t.lineNet, c),
    amount('cbc:TaxExclusiveAmount', t.taxExclusive, c),
    amount('cbc:TaxInclusiveAmount', t.taxInclusive, c),
    hasAllowances ? amount('cbc:AllowanceTotalAmount', t.allowances, c) : null,
    hasCharges ? amount('cbc:ChargeTotalAmount', t.charges, c) : null,
    t.prepaid !== 0 ? amount('cbc:PrepaidAmount', t.prepaid, c) : null,
    t.rounding !== 0 ? amount('cbc:PayableRoundingAmount', t.rounding, c) : null,
    amount('cbc:PayableAmount', t.payable, c),
  );
}

function delivery(m: EinvoiceModel): XmlElement | null {
  const d = m.delivery;
  if (!d) return null;
  return el(
    'cac:Delivery',
    el('cbc:ActualDeliveryDate', d.date),
    d.address ? el('cac:DeliveryLocation', address('cac:Address', d.address)) : null,
    d.partyName ? el('cac:DeliveryParty', el('cac:PartyName', el('cbc:Name', d.partyName))) : null,
  );
}

/** The UBL 2.1 document for `format` ('xrechnung-ubl' or 'peppol-bis'). */
export function writeUbl(m: EinvoiceModel, format: UblFormat): string {
  const spec = FORMATS[format];
  const creditNote = m.typeCode === '381';
  const root = creditNote ? 'CreditNote' : 'Invoice';
  const creditorId = m.paymentMeans.find((p) => p.directDebit)?.directDebit?.creditorId;
  const doc = el(
    root,
    {
      xmlns: `urn:oasis:names:specification:ubl:schema:xsd:${root}-2`,
      'xmlns:cac': UBL_NS.cac,
      'xmlns:cbc': UBL_NS.cbc,
    },
    el('cbc:CustomizationID', spec.specificationId),
    el('cbc:ProfileID', spec.businessProcess),
    el('cbc:ID', m.number),
    el('cbc:IssueDate', m.issueDate),
    creditNote ? null : el('cbc:DueDate', m.dueDate),
    el(creditNote ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode', m.typeCode),
    ...m.notes.map((n) => el('cbc:Note', n)),
    el('cbc:DocumentCurrencyCode', m.currency),
    el('cbc:TaxCurrencyCode', m.taxCurrency),
    el('cbc:BuyerReference', m.buyerReference),
    m.period ? el('cac:InvoicePeriod', el('cbc:StartDate', m.period.start), el('cbc:EndDate', m.period.end)) : null,
    m.purchaseOrderReference ? el('cac:OrderReference', el('cbc:ID', m.purchaseOrderReference)) : null,
    ...m.precedingInvoices.map((p) =>
      el(
        'cac:BillingReference',
        el('cac:InvoiceDocumentReference', el('cbc:ID', p.number), el('cbc:IssueDate', p.issueDate)),
      ),
    ),
    m.contractReference ? el('cac:ContractDocumentReference', el('cbc:ID', m.contractReference)) : null,
    sellerParty(m.seller, creditorId),
    buyerParty(m.buyer),
    delivery(m),
    // A credit note states BT-9 on its payment means (UBL 2.1 CreditNote has no cbc:DueDate).
    ...m.paymentMeans.map((p, i) => paymentMeans(p, creditNote && i === 0 ? m.dueDate : undefined)),
    m.paymentTerms ? el('cac:PaymentTerms', el('cbc:Note', m.paymentTerms)) : null,
    ...m.allowanceCharges.map((ac) => allowanceCharge(ac, m.currency)),
    ...taxTotals(m),
    monetaryTotal(m),
    ...m.lines.map((l) => line(l, m.currency, creditNote)),
  );
  return serialize(doc);
}
