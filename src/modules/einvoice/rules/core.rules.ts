// EN 16931-1 core rules on the document, the parties, the lines, allowances/charges and payment
// means (BR-01..BR-65, BR-CL-*, BR-CO-09/19/26). Rule ids and meanings are those of the CEN/TC 434
// validation artefacts 1.3.16; VAT and totals are in vat.rules.ts.
import { isCurrency, currencyExponent } from '../../../shared/money/money.ts';
import { isDecimal } from '../einvoice.amounts.ts';
import {
  ALLOWANCE_REASON_CODES,
  CHARGE_REASON_CODES,
  COUNTRY_CODES,
  EAS_CODES,
  ICD_CODES,
  UNIT_CODES,
  VAT_ID_PREFIXES,
} from '../einvoice.codelists.ts';
import type { EinvoiceModel, LineAllowanceCharge, PostalAddress, SchemedId } from '../einvoice.model.ts';
import { PAYMENT_MEANS_CODES, VAT_CATEGORIES } from '../einvoice.model.ts';
import { type Findings, isIsoDate, present } from './findings.ts';

function country(f: Findings, a: PostalAddress | undefined, path: string, missingRule: string, what: string): void {
  if (!a || !present(a.country)) f.add(missingRule, `${path}.country`, `${what} country is required`);
  else if (!COUNTRY_CODES.has(a.country))
    f.add('BR-CL-14', `${path}.country`, `${what} country must be an ISO 3166-1 alpha-2 code, got "${a.country}"`);
}

function schemed(
  f: Findings,
  id: SchemedId | undefined,
  path: string,
  list: ReadonlySet<string>,
  listRule: string,
  missingRule?: string,
): void {
  if (!id) return;
  if (!present(id.id)) f.add(missingRule ?? listRule, path, 'identifier is empty');
  if (id.scheme === undefined || id.scheme === '') {
    if (missingRule) f.add(missingRule, `${path}.scheme`, 'the identifier needs its scheme');
  } else if (!list.has(id.scheme)) {
    f.add(listRule, `${path}.scheme`, `unknown identifier scheme "${id.scheme}"`);
  }
}

function vatIdPrefix(f: Findings, vatId: string | undefined, path: string, whose: string): void {
  if (present(vatId) && !VAT_ID_PREFIXES.has(vatId.slice(0, 2))) {
    f.add('BR-CO-09', path, `${whose} VAT id must start with its country prefix (e.g. DE, FR, EL), got "${vatId}"`);
  }
}

function date(
  f: Findings,
  value: string | undefined,
  path: string,
  rule: string,
  what: string,
  required = false,
): void {
  if (value === undefined) {
    if (required) f.add(rule, path, `${what} is required`);
  } else if (!isIsoDate(value)) {
    f.add(rule, path, `${what} must be a calendar date YYYY-MM-DD, got "${value}"`);
  }
}

function document(m: EinvoiceModel, f: Findings): void {
  if (!present(m.number)) f.add('BR-02', 'number', 'the document number is required');
  date(f, m.issueDate, 'issueDate', 'BR-03', 'the issue date', true);
  if (m.typeCode !== '380' && m.typeCode !== '381')
    f.add('BR-04', 'typeCode', 'the document type must be 380 (invoice) or 381 (credit note)');
  if (!present(m.currency)) f.add('BR-05', 'currency', 'the currency is required');
  else if (!isCurrency(m.currency)) f.add('BR-CL-04', 'currency', `"${m.currency}" is not an ISO 4217 currency`);
  else if (currencyExponent(m.currency) > 2) {
    f.add(
      'SB-CUR-01',
      'currency',
      `${m.currency} amounts have ${currencyExponent(m.currency)} decimals; EN 16931 allows at most 2 (BR-DEC)`,
    );
  }
  if (m.taxCurrency !== undefined) {
    if (!isCurrency(m.taxCurrency)) f.add('BR-CL-05', 'taxCurrency', `"${m.taxCurrency}" is not an ISO 4217 currency`);
    if (m.totals.taxInAccountingCurrency === undefined)
      f.add('BR-53', 'totals', 'a VAT accounting currency needs the VAT total in that currency (BT-111)');
  }
  date(f, m.dueDate, 'dueDate', 'BR-03', 'the due date');
  date(f, m.delivery?.date, 'delivery.date', 'BR-03', 'the supply date');
  if (m.period) {
    date(f, m.period.start, 'period.start', 'BR-29', 'the period start');
    date(f, m.period.end, 'period.end', 'BR-29', 'the period end');
    if (m.period.start === undefined && m.period.end === undefined)
      f.add('BR-CO-19', 'period', 'an invoicing period needs a start or an end date');
    if (isIsoDate(m.period.start) && isIsoDate(m.period.end) && m.period.end < m.period.start) {
      f.add('BR-29', 'period.end', 'the period must not end before it starts');
    }
  }
  m.precedingInvoices.forEach((p, i) => {
    if (!present(p.number))
      f.add('BR-55', `precedingInvoices[${i}].number`, 'the preceding invoice reference needs the invoice number');
    date(f, p.issueDate, `precedingInvoices[${i}].issueDate`, 'BR-03', 'the preceding invoice date');
  });
  if (m.delivery?.address) country(f, m.delivery.address, 'delivery.address', 'BR-57', 'the deliver-to');
}

function parties(m: EinvoiceModel, f: Findings): void {
  const s = m.seller;
  const b = m.buyer;
  if (!present(s.name)) f.add('BR-06', 'seller.name', 'the seller name is required');
  if (!present(b.name)) f.add('BR-07', 'buyer.name', 'the buyer name is required');
  country(f, s.address, 'seller.address', 'BR-09', 'the seller');
  country(f, b.address, 'buyer.address', 'BR-11', 'the buyer');
  schemed(f, s.electronicAddress, 'seller.electronicAddress', EAS_CODES, 'BR-CL-25', 'BR-62');
  schemed(f, b.electronicAddress, 'buyer.electronicAddress', EAS_CODES, 'BR-CL-25', 'BR-63');
  schemed(f, s.legalRegistration, 'seller.legalRegistration', ICD_CODES, 'BR-CL-11');
  schemed(f, b.legalRegistration, 'buyer.legalRegistration', ICD_CODES, 'BR-CL-11');
  schemed(f, s.identifier, 'seller.identifier', ICD_CODES, 'BR-CL-10');
  vatIdPrefix(f, s.vatId, 'seller.vatId', 'the seller');
  vatIdPrefix(f, b.vatId, 'buyer.vatId', 'the buyer');
  if (!present(s.identifier?.id) && !present(s.legalRegistration?.id) && !present(s.vatId)) {
    f.add('BR-CO-26', 'seller.vatId', 'the seller needs a VAT id, a legal registration id or a seller identifier');
  }
}

function allowanceCharge(f: Findings, ac: LineAllowanceCharge, path: string, line: boolean): void {
  const [amountRule, reasonRule] = ac.charge
    ? line
      ? ['BR-43', 'BR-44']
      : ['BR-36', 'BR-38']
    : line
      ? ['BR-41', 'BR-42']
      : ['BR-31', 'BR-33'];
  if (!Number.isSafeInteger(ac.amount))
    f.add(amountRule as string, `${path}.amount`, 'the allowance/charge amount is required');
  if (!present(ac.reason) && !present(ac.reasonCode))
    f.add(reasonRule as string, `${path}.reason`, 'an allowance or charge needs a reason text or code');
  const codes = ac.charge ? CHARGE_REASON_CODES : ALLOWANCE_REASON_CODES;
  if (present(ac.reasonCode) && !codes.has(ac.reasonCode))
    f.add(ac.charge ? 'BR-CL-20' : 'BR-CL-19', `${path}.reasonCode`, `unknown reason code "${ac.reasonCode}"`);
}

function lines(m: EinvoiceModel, f: Findings): void {
  if (m.lines.length === 0) f.add('BR-16', 'lines', 'a document needs at least one line');
  m.lines.forEach((l, i) => {
    const p = `lines[${i}]`;
    if (!present(l.id)) f.add('BR-21', `${p}.id`, 'each line needs an identifier');
    if (!isDecimal(l.quantity)) f.add('BR-22', `${p}.quantity`, 'each line needs a decimal quantity');
    if (!present(l.unitCode)) f.add('BR-23', `${p}.unitCode`, 'each line needs a unit of measure');
    else if (!UNIT_CODES.has(l.unitCode))
      f.add('BR-CL-23', `${p}.unitCode`, `"${l.unitCode}" is not a UN/ECE Recommendation 20 unit code`);
    if (!Number.isSafeInteger(l.netAmount)) f.add('BR-24', `${p}.netAmount`, 'each line needs a net amount');
    if (!present(l.itemName)) f.add('BR-25', `${p}.itemName`, 'each line needs an item name');
    if (!isDecimal(l.netPrice)) f.add('BR-26', `${p}.netPrice`, 'each line needs a decimal net price');
    else if (l.netPrice.startsWith('-'))
      f.add('BR-27', `${p}.netPrice`, 'the item net price must not be negative (use a negative quantity)');
    if (!(VAT_CATEGORIES as readonly string[]).includes(l.vatCategory))
      f.add('BR-CO-04', `${p}.vatCategory`, 'each line needs a VAT category');
    l.allowanceCharges.forEach((ac, j) => allowanceCharge(f, ac, `${p}.allowanceCharges[${j}]`, true));
  });
  m.allowanceCharges.forEach((ac, j) => {
    const p = `allowanceCharges[${j}]`;
    allowanceCharge(f, ac, p, false);
    if (!(VAT_CATEGORIES as readonly string[]).includes(ac.vatCategory)) {
      f.add(
        ac.charge ? 'BR-37' : 'BR-32',
        `${p}.vatCategory`,
        'a document-level allowance or charge needs a VAT category',
      );
    }
  });
}

function paymentMeans(m: EinvoiceModel, f: Findings): void {
  m.paymentMeans.forEach((p, i) => {
    const path = `paymentMeans[${i}]`;
    if (!(PAYMENT_MEANS_CODES as readonly string[]).includes(p.code))
      f.add('BR-49', `${path}.code`, 'each payment means needs a UNCL4461 code');
    if ((p.code === '30' || p.code === '58') && !present(p.account?.id)) {
      f.add('BR-61', `${path}.account.id`, 'a credit transfer needs the payee account (IBAN)');
    }
    if (p.account && !present(p.account.id))
      f.add('BR-50', `${path}.account.id`, 'the payment account identifier is required');
    // BR-51 asks for the last 4 to 6 digits; more would put a card number on an invoice (PCI DSS).
    if (p.card && !/^\d{4,6}$/.test(p.card.pan))
      f.add('BR-51', `${path}.card.pan`, 'state only the last 4 to 6 digits of the card number');
  });
}

// XML 1.0 cannot carry C0 controls other than TAB/LF/CR, lone surrogates, U+FFFE/FFFF.
const NOT_XML = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

// The common case in one cheaper test (no `u` flag): BMP text without controls or surrogates.
const PLAIN = /^[\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD]*$/;

// Walks the whole model; the path of a value is only spelled out when it breaks the rule.
function text(value: unknown, path: Array<string | number>, f: Findings): void {
  if (typeof value === 'string') {
    if (!PLAIN.test(value) && NOT_XML.test(value))
      f.add('SB-TEXT-01', spell(path), 'contains a control character an XML document cannot carry');
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      text(value[i], path, f);
      path.pop();
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const k in value) {
      path.push(k);
      text((value as Record<string, unknown>)[k], path, f);
      path.pop();
    }
  }
}

/** ['lines', 0, 'name'] → 'lines[0].name' */
function spell(path: Array<string | number>): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out === '' ? p : `${out}.${p}`), '');
}

export function coreRules(m: EinvoiceModel, f: Findings): void {
  document(m, f);
  parties(m, f);
  lines(m, f);
  paymentMeans(m, f);
  text(m, [], f);
}
