// THE table from model paths (what the rules check) to Sealbill's own field names (what the user
// fixes in the staff app, the API or the CLI). A rule names the model path; the pre-issue result
// names the Sealbill field. Indexes survive: `lines[2].vatCategory` → `lines[2].taxRate`.
//
// org.*      the organization profile (seller)      client.*   the client (buyer)
// invoice.*  the document being issued              payout.*   the org's payout details
// taxRates[<category>].*  the tax rate carrying that VAT category

const FIELDS: Readonly<Record<string, string>> = {
  number: 'invoice.number',
  issueDate: 'invoice.issueDate',
  typeCode: 'invoice.kind',
  currency: 'invoice.currency',
  taxCurrency: 'org.defaultCurrency',
  dueDate: 'invoice.dueDate',
  buyerReference: 'invoice.buyerReference',
  contractReference: 'invoice.contractReference',
  purchaseOrderReference: 'invoice.purchaseOrderReference',
  paymentTerms: 'invoice.terms',
  'notes[]': 'invoice.notes',
  'precedingInvoices[]': 'invoice.relatedDocumentId',
  'precedingInvoices[].number': 'invoice.relatedDocumentId',
  'precedingInvoices[].issueDate': 'invoice.relatedDocumentId',
  delivery: 'invoice.supplyDate',
  'delivery.date': 'invoice.supplyDate',
  'delivery.partyName': 'invoice.deliveryAddress',
  'delivery.address': 'invoice.deliveryAddress',
  'delivery.address.city': 'invoice.deliveryAddress.city',
  'delivery.address.postalCode': 'invoice.deliveryAddress.postalCode',
  'delivery.address.country': 'invoice.deliveryAddress.country',
  period: 'invoice.period',
  'period.start': 'invoice.period.start',
  'period.end': 'invoice.period.end',

  'seller.name': 'org.name',
  'seller.tradingName': 'org.tradingName',
  'seller.identifier': 'client.supplierNumber',
  'seller.legalRegistration': 'org.legalRegistrationId',
  'seller.legalRegistration.scheme': 'org.legalRegistrationScheme',
  'seller.vatId': 'org.vatId',
  'seller.taxRegistrationId': 'org.taxRegistration',
  'seller.legalInfo': 'org.legalInfo',
  'seller.electronicAddress': 'org.electronicAddress',
  'seller.electronicAddress.scheme': 'org.electronicAddressScheme',
  'seller.address': 'org.addressLines',
  'seller.address.city': 'org.city',
  'seller.address.postalCode': 'org.postalCode',
  'seller.address.country': 'org.country',
  'seller.contact': 'org.contactName',
  'seller.contact.name': 'org.contactName',
  'seller.contact.phone': 'org.contactPhone',
  'seller.contact.email': 'org.contactEmail',

  'buyer.name': 'client.name',
  'buyer.legalRegistration': 'client.legalRegistrationId',
  'buyer.legalRegistration.scheme': 'client.legalRegistrationScheme',
  'buyer.vatId': 'client.vatId',
  'buyer.electronicAddress': 'client.electronicAddress',
  'buyer.electronicAddress.scheme': 'client.electronicAddressScheme',
  'buyer.address': 'client.addressLines',
  'buyer.address.city': 'client.city',
  'buyer.address.postalCode': 'client.postalCode',
  'buyer.address.country': 'client.country',

  paymentMeans: 'invoice.paymentMeans',
  'paymentMeans[]': 'invoice.paymentMeans',
  'paymentMeans[].code': 'invoice.paymentMeans',
  'paymentMeans[].account': 'payout.iban',
  'paymentMeans[].account.id': 'payout.iban',
  'paymentMeans[].account.bic': 'payout.bic',
  'paymentMeans[].card': 'invoice.paymentMeans.card',
  'paymentMeans[].card.pan': 'invoice.paymentMeans.card.lastDigits',
  'paymentMeans[].directDebit': 'invoice.paymentMeans.directDebit',
  'paymentMeans[].directDebit.mandateReference': 'invoice.paymentMeans.directDebit.mandateReference',
  'paymentMeans[].directDebit.creditorId': 'org.sepaCreditorId',
  'paymentMeans[].directDebit.debitedAccount': 'client.iban',

  'allowanceCharges[]': 'invoice.discount',
  'allowanceCharges[].amount': 'invoice.discount',
  'allowanceCharges[].vatCategory': 'invoice.discount',
  'allowanceCharges[].reason': 'invoice.discount',

  lines: 'invoice.lines',
  'lines[]': 'lines[]',
  'lines[].id': 'lines[]',
  'lines[].quantity': 'lines[].quantity',
  'lines[].unitCode': 'lines[].unit',
  'lines[].netAmount': 'lines[].amount',
  'lines[].netPrice': 'lines[].unitPrice',
  'lines[].baseQuantity': 'lines[].quantity',
  'lines[].itemName': 'lines[].description',
  'lines[].vatCategory': 'lines[].taxRate',
  'lines[].vatRateBp': 'lines[].taxRate',
  'lines[].allowanceCharges[]': 'lines[].discount',

  vatBreakdown: 'invoice.lines',
  'vatBreakdown[]': 'invoice.totals',
  totals: 'invoice.totals',
};

/** The Sealbill field for a model path (falls back to the nearest mapped parent, then the path). */
export function sealbillField(path: string, category?: string): string {
  if (category && /^vatBreakdown\[\d+\]\.exemption/.test(path)) return `taxRates[${category}].exemptionReason`;
  const indexes = [...path.matchAll(/\[(\d+)\]/g)].map((m) => m[1]);
  let key = path.replace(/\[\d+\]/g, '[]');
  for (;;) {
    const field = FIELDS[key];
    if (field !== undefined) {
      let i = 0;
      return field.replace(/\[\]/g, () => `[${indexes[i++] ?? ''}]`);
    }
    const cut = Math.max(key.lastIndexOf('.'), key.endsWith('[]') ? key.length - 2 : -1);
    if (cut <= 0) return path;
    key = key.slice(0, cut);
  }
}
