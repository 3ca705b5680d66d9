// Rules of the CIUS on top of EN 16931: XRechnung 3.0 (BR-DE-*, KoSIT), the Peppol BIS Billing
// 3.0 rules KoSIT merges into XRechnung (PEPPOL-EN16931-R0xx, docs: ../shared/einvoice README),
// Peppol's own document rules and its German national rules (DE-R-0nn mirror BR-DE-n). The
// Peppol rule files are not available offline, so those are implemented from the published
// rule texts; the national rules of other Peppol countries (NL, NO, SE, DK, IT…) are not checked.
import { isDecimal, lineNetAmount, parseDecimal, percentOf, slackMinor } from '../einvoice.amounts.ts';
import type { EinvoiceFormat } from '../einvoice.formats.ts';
import type { EinvoiceModel, LineAllowanceCharge } from '../einvoice.model.ts';
import { isValidIban } from '../iban.ts';
import { type Findings, isValidGln, present } from './findings.ts';

const XR_SKONTO = /^#(SKONTO)#TAGE=([0-9]+#PROZENT=[0-9]+\.[0-9]{2})(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$/;
const GERMAN_RULE_CATEGORIES = new Set(['S', 'Z', 'E', 'AE', 'K', 'G', 'L', 'M']);

/** BR-DE-n for XRechnung, DE-R-0nn for Peppol documents of a German seller. */
function germanRules(m: EinvoiceModel, f: Findings, id: (n: string) => string): void {
  const s = m.seller;
  const c = s.contact;
  if (m.paymentMeans.length === 0)
    f.add(id('1'), 'paymentMeans', 'XRechnung needs payment instructions (payment means)');
  if (!c) f.add(id('2'), 'seller.contact', 'XRechnung needs a seller contact (name, phone, email)');
  if (!present(s.address.city)) f.add(id('3'), 'seller.address.city', 'XRechnung needs the seller city');
  if (!present(s.address.postalCode))
    f.add(id('4'), 'seller.address.postalCode', 'XRechnung needs the seller post code');
  if (c && !present(c.name)) f.add(id('5'), 'seller.contact.name', 'XRechnung needs the seller contact name');
  if (c && !present(c.phone)) f.add(id('6'), 'seller.contact.phone', 'XRechnung needs the seller contact phone number');
  if (c && !present(c.email)) f.add(id('7'), 'seller.contact.email', 'XRechnung needs the seller contact email');
  if (!present(m.buyer.address.city)) f.add(id('8'), 'buyer.address.city', 'XRechnung needs the buyer city');
  if (!present(m.buyer.address.postalCode))
    f.add(id('9'), 'buyer.address.postalCode', 'XRechnung needs the buyer post code');
  const d = m.delivery?.address;
  if (d && !present(d.city)) f.add(id('10'), 'delivery.address.city', 'XRechnung needs the deliver-to city');
  if (d && !present(d.postalCode))
    f.add(id('11'), 'delivery.address.postalCode', 'XRechnung needs the deliver-to post code');
  if (!present(m.buyerReference))
    f.add(id('15'), 'buyerReference', 'XRechnung needs the buyer reference (the Leitweg-ID for public buyers)');
  const categories = [...m.lines.map((l) => l.vatCategory), ...m.allowanceCharges.map((a) => a.vatCategory)];
  if (categories.some((cat) => GERMAN_RULE_CATEGORIES.has(cat)) && !present(s.vatId) && !present(s.taxRegistrationId)) {
    f.add(id('16'), 'seller.vatId', 'XRechnung needs the seller VAT id or tax number (Steuernummer)');
  }
  if (present(m.paymentTerms)) {
    const hashLines = m.paymentTerms.split(/\r?\n/).filter((l) => l.trim().startsWith('#'));
    const tail = m.paymentTerms.split(/#.+#/).at(-1) ?? '';
    if (
      hashLines.length > 0 &&
      (!hashLines.every((l) => XR_SKONTO.test(l.trim().replace(/\s+/g, ' '))) || !/^\s*\n/.test(tail))
    ) {
      f.add(
        id('18'),
        'paymentTerms',
        'lines starting with # in the payment terms must follow the XRechnung Skonto syntax (#SKONTO#TAGE=n#PROZENT=n.nn#) and end with a line break',
      );
    }
  }
  m.paymentMeans.forEach((p, i) => {
    const path = `paymentMeans[${i}]`;
    if (p.code === '58' && p.account && !isValidIban(p.account.id))
      f.add(id('19'), `${path}.account.id`, 'SEPA credit transfer needs a valid IBAN');
    if (p.code === '59' && p.directDebit && !isValidIban(p.directDebit.debitedAccount))
      f.add(id('20'), `${path}.directDebit.debitedAccount`, 'the debited account must be a valid IBAN');
    const transfer = p.code === '30' || p.code === '58';
    const card = p.code === '48' || p.code === '54';
    if (transfer && !p.account) f.add(id('23-a'), `${path}.account`, 'a credit transfer needs the payee account');
    if (transfer && (p.card || p.directDebit))
      f.add(id('23-b'), path, 'a credit transfer must not carry card or direct debit details');
    if (card && !p.card) f.add(id('24-a'), `${path}.card`, 'a card payment needs the card details (last digits)');
    if (card && (p.account || p.directDebit))
      f.add(id('24-b'), path, 'a card payment must not carry account or direct debit details');
    if (p.code === '59' && !p.directDebit)
      f.add(id('25-a'), `${path}.directDebit`, 'a direct debit needs the mandate, creditor id and debited account');
    if (p.code === '59' && (p.account || p.card))
      f.add(id('25-b'), path, 'a direct debit must not carry payee account or card details');
    if (p.directDebit && !present(p.directDebit.creditorId))
      f.add(id('30'), `${path}.directDebit.creditorId`, 'a direct debit needs the SEPA creditor id');
    if (p.directDebit && !present(p.directDebit.debitedAccount))
      f.add(id('31'), `${path}.directDebit.debitedAccount`, 'a direct debit needs the debited account');
  });
}

function percentage(f: Findings, ac: LineAllowanceCharge, path: string, slack: number): void {
  if (ac.percentBp !== undefined && ac.base === undefined)
    f.add('PEPPOL-EN16931-R041', `${path}.base`, 'an allowance/charge percentage needs its base amount');
  if (ac.base !== undefined && ac.percentBp === undefined)
    f.add('PEPPOL-EN16931-R042', `${path}.percentBp`, 'an allowance/charge base amount needs its percentage');
  if (
    ac.percentBp !== undefined &&
    ac.base !== undefined &&
    Math.abs(ac.amount - percentOf(ac.base, ac.percentBp)) > slack
  ) {
    f.add('PEPPOL-EN16931-R040', `${path}.amount`, 'the allowance/charge amount must equal base × percentage');
  }
}

/** PEPPOL-EN16931 rules that KoSIT merges into XRechnung and that Peppol BIS applies itself. */
function mergedPeppolRules(m: EinvoiceModel, f: Findings): void {
  const slack = slackMinor(m.currency);
  if (m.taxCurrency !== undefined && m.taxCurrency === m.currency)
    f.add('PEPPOL-EN16931-R005', 'taxCurrency', 'the VAT accounting currency must differ from the invoice currency');
  if (!m.buyer.electronicAddress)
    f.add('PEPPOL-EN16931-R010', 'buyer.electronicAddress', 'the buyer electronic address is required');
  if (!m.seller.electronicAddress)
    f.add('PEPPOL-EN16931-R020', 'seller.electronicAddress', 'the seller electronic address is required');
  m.allowanceCharges.forEach((ac, i) => percentage(f, ac, `allowanceCharges[${i}]`, slack));
  m.lines.forEach((l, i) => {
    l.allowanceCharges.forEach((ac, j) => percentage(f, ac, `lines[${i}].allowanceCharges[${j}]`, slack));
    if (l.baseQuantity !== undefined && (!isDecimal(l.baseQuantity) || parseDecimal(l.baseQuantity).units <= 0n)) {
      f.add('PEPPOL-EN16931-R121', `lines[${i}].baseQuantity`, 'the price base quantity must be positive');
    }
    try {
      if (Math.abs(l.netAmount - lineNetAmount(l, m.currency)) > slack) {
        f.add(
          'PEPPOL-EN16931-R120',
          `lines[${i}].netAmount`,
          'the line net amount must equal quantity × price − allowances + charges',
        );
      }
    } catch {
      /* malformed decimals are reported by BR-22/BR-26 */
    }
  });
  const debit = m.paymentMeans.find((p) => p.code === '59');
  if (debit && !present(debit.directDebit?.mandateReference)) {
    f.add(
      'PEPPOL-EN16931-R061',
      'paymentMeans[0].directDebit.mandateReference',
      'a direct debit needs the mandate reference',
    );
  }
  const t = m.totals;
  if (t.taxInAccountingCurrency !== undefined && Math.sign(t.taxInAccountingCurrency) !== Math.sign(t.tax)) {
    f.add(
      'PEPPOL-EN16931-R055',
      'totals',
      'the VAT total in the accounting currency must have the same sign as the VAT total',
    );
  }
}

function peppolOnlyRules(m: EinvoiceModel, f: Findings): void {
  if (!present(m.buyerReference) && !present(m.purchaseOrderReference)) {
    f.add('PEPPOL-EN16931-R003', 'buyerReference', 'Peppol needs a buyer reference or a purchase order reference');
  }
  const germanPair = m.seller.address.country === 'DE' && m.buyer.address.country === 'DE';
  if (m.notes.length > 1 && !germanPair) f.add('PEPPOL-EN16931-R002', 'notes[1]', 'Peppol allows one document note');
  for (const [who, address] of [
    ['seller', m.seller.electronicAddress],
    ['buyer', m.buyer.electronicAddress],
  ] as const) {
    // Peppol's EAS list has no EM: an email address cannot be looked up on the network.
    if (address?.scheme === 'EM')
      f.add(
        'PEPPOL-EN16931-CL008',
        `${who}.electronicAddress.scheme`,
        'a Peppol electronic address cannot be an email (EM); use a Peppol participant id such as 0088 GLN or 9930 VAT',
      );
    if (address?.scheme === '0088' && !isValidGln(address.id))
      f.add('PEPPOL-COMMON-R040', `${who}.electronicAddress`, 'a GLN needs 13 digits with a valid check digit');
  }
}

export function ciusRules(m: EinvoiceModel, format: EinvoiceFormat, f: Findings): void {
  if (format === 'xrechnung-ubl' || format === 'xrechnung-cii') {
    germanRules(m, f, (n) => `BR-DE-${n}`);
    mergedPeppolRules(m, f);
    if (format === 'xrechnung-cii' && !m.delivery?.date && !m.delivery?.address && !present(m.delivery?.partyName)) {
      f.add(
        'PEPPOL-EN16931-R008',
        'delivery.date',
        'XRechnung CII needs the supply date (or a delivery address): an empty delivery block is refused',
      );
    }
  } else if (format === 'peppol-bis') {
    mergedPeppolRules(m, f);
    peppolOnlyRules(m, f);
    if (m.seller.address.country === 'DE')
      germanRules(m, f, (n) => `DE-R-${n.replace(/^\d+/, (d) => d.padStart(3, '0'))}`);
  }
}
