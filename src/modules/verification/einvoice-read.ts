// Reading an e-invoice someone uploads for verification: the XML files embedded in a PDF
// (Factur-X / ZUGFeRD), and what an EN 16931 XML (UN/CEFACT CII or UBL 2.1 Invoice/CreditNote)
// states about the fields Sealbill signs. Input is hostile: the XML parser (saxes, non-validating)
// never loads external entities or a DTD (a DOCTYPE is refused outright), sizes, depth and element
// counts are bounded, and a compressed attachment is inflated with an output cap (no zip bomb).
import { inflateSync } from 'node:zlib';
import { SaxesParser } from 'saxes';

/** A CII invoice is ~10–50 KB; 2 MiB leaves room for hundreds of lines. */
export const MAX_XML_BYTES = 2 * 1024 * 1024;
const MAX_ELEMENTS = 100_000;
const MAX_DEPTH = 64;
const MAX_ATTACHMENTS = 16;

export class XmlRefused extends Error {}

interface Element {
  ns: string;
  name: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

/** Parses `xml` into a small element tree (namespace-aware, local names), or throws XmlRefused. */
export function parseXml(xml: Buffer): Element {
  if (xml.length > MAX_XML_BYTES) throw new XmlRefused(`larger than ${MAX_XML_BYTES} bytes`);
  const parser = new SaxesParser({ xmlns: true, position: false });
  const stack: Element[] = [];
  let root: Element | null = null;
  let count = 0;
  let refused: string | null = null;
  const refuse = (why: string) => {
    refused ??= why;
  };
  parser.on('error', (err) => refuse(err.message));
  parser.on('doctype', () => refuse('a DOCTYPE is not accepted (no DTDs, no entities)'));
  parser.on('opentag', (tag) => {
    if (refused) return;
    if (++count > MAX_ELEMENTS || stack.length >= MAX_DEPTH) return refuse('too many or too deeply nested elements');
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) attrs[a.local] = a.value;
    const el: Element = { ns: tag.uri, name: tag.local, attrs, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else if (root === null) root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    if (!refused && stack.length > 0) stack[stack.length - 1]!.text += t;
  });
  parser.on('cdata', (t) => {
    if (!refused && stack.length > 0) stack[stack.length - 1]!.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(xml.toString('utf8')).close();
  } catch (err) {
    refuse((err as Error).message);
  }
  if (refused) throw new XmlRefused(refused);
  if (root === null) throw new XmlRefused('no root element');
  return root;
}

/**
 * The embedded files of a PDF: every stream whose dictionary says /Type /EmbeddedFile, decoded
 * (no filter or /FlateDecode). Streams are never inside object streams, so a scan of the file finds
 * them whichever writer saved it; an incremental update that adds a second file is found too.
 * Returns the decoded bytes and how many attachments could not be decoded.
 */
export function embeddedFiles(pdf: Buffer): { files: Buffer[]; unreadable: number } {
  const text = pdf.toString('latin1');
  const files: Buffer[] = [];
  let unreadable = 0;
  const re = /\/Type\s*\/EmbeddedFile(?![A-Za-z0-9])/g;
  for (let m = re.exec(text); m !== null && files.length + unreadable < MAX_ATTACHMENTS; m = re.exec(text)) {
    const objAt = text.lastIndexOf('obj', m.index);
    const streamAt = text.indexOf('stream', m.index);
    if (objAt < 0 || streamAt < 0) continue;
    const dict = text.slice(objAt, streamAt);
    if (dict.includes('endobj') || dict.includes('endstream')) continue; // not a stream's dictionary
    let start = streamAt + 'stream'.length;
    if (text[start] === '\r') start++;
    if (text[start] === '\n') start++;
    const direct = /\/Length\s+(\d+)(?!\d)(?!\s+\d+\s+R)/.exec(dict);
    let end = direct ? start + Number(direct[1]) : text.indexOf('endstream', start);
    // Without a direct /Length: the data ends before the one end-of-line marker preceding 'endstream'.
    if (!direct && text[end - 1] === '\n') end--;
    if (!direct && text[end - 1] === '\r') end--;
    if (end < start || end > pdf.length) {
      unreadable++;
      continue;
    }
    const raw = pdf.subarray(start, end);
    const filter = /\/Filter\s*(\[\s*)?\/([A-Za-z0-9]+)\s*(\])?/.exec(dict);
    try {
      if (!filter) files.push(Buffer.from(raw));
      else if (
        filter[2] === 'FlateDecode' &&
        !/\/Filter\s*\[\s*\/\w+\s+\//.test(dict) &&
        !dict.includes('/DecodeParms')
      ) {
        files.push(inflateSync(raw, { maxOutputLength: MAX_XML_BYTES }));
      } else unreadable++;
    } catch {
      unreadable++; // corrupt, or inflates past the cap
    }
  }
  return { files, unreadable };
}

/** What an e-invoice states about the fields Sealbill signs (amounts as decimal text). */
export interface StatedInvoice {
  syntax: 'cii' | 'ubl';
  /** BT-24, the specification identifier (which CIUS / format the XML claims). */
  specification: string | null;
  kind: 'invoice' | 'credit_note' | null;
  number: string | null;
  issueDate: string | null;
  dueDate: string | null;
  currency: string | null;
  seller: StatedParty;
  buyer: StatedParty;
  taxTotal: string | null;
  total: string | null;
  /** BG-23: one entry per VAT category and rate. */
  taxes: Array<{ rate: string; taxable: string; tax: string }>;
  /** BT-84 of every credit-transfer payment means (normalised). */
  payeeAccounts: string[];
  /** Everything else in the XML that reads as text (notes, references), for finding a verification link. */
  freeText: string[];
}
export interface StatedParty {
  name: string | null;
  country: string | null;
  /** VAT id, tax registration, legal registration ids (as written). */
  ids: string[];
}

const CII_NS = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100';
const UBL_INVOICE_NS = 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2';
const UBL_CREDIT_NOTE_NS = 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2';

const kids = (el: Element | undefined, name: string): Element[] => el?.children.filter((c) => c.name === name) ?? [];
/** The first element along a path of local names. */
function at(el: Element | undefined, ...path: string[]): Element | undefined {
  let cur = el;
  for (const p of path) cur = kids(cur, p)[0];
  return cur;
}
/** Every element along a path (all matches at every step). */
function all(el: Element | undefined, ...path: string[]): Element[] {
  let cur: Element[] = el ? [el] : [];
  for (const p of path) cur = cur.flatMap((c) => kids(c, p));
  return cur;
}
const txt = (el: Element | undefined): string | null => {
  const t = el?.text.trim();
  return t ? t : null;
};
/** CII date format 102 (YYYYMMDD) → YYYY-MM-DD. */
const ciiDate = (el: Element | undefined): string | null => {
  const t = txt(at(el, 'DateTimeString'));
  return t && /^\d{8}$/.test(t) ? `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}` : t;
};
const kindOf = (code: string | null): StatedInvoice['kind'] => {
  if (code === null) return null;
  if (['381', '261', '262', '296', '308', '396', '420', '458', '532'].includes(code)) return 'credit_note';
  return 'invoice';
};
const account = (s: string): string => s.replace(/[\s-]+/g, '').toUpperCase();
function texts(el: Element, out: string[] = []): string[] {
  const t = el.text.trim();
  if (t) out.push(t);
  for (const c of el.children) texts(c, out);
  return out;
}

function readCii(root: Element): StatedInvoice {
  const doc = at(root, 'ExchangedDocument');
  const tx = at(root, 'SupplyChainTradeTransaction');
  const agreement = at(tx, 'ApplicableHeaderTradeAgreement');
  const settlement = at(tx, 'ApplicableHeaderTradeSettlement');
  const currency = txt(at(settlement, 'InvoiceCurrencyCode'));
  const sums = at(settlement, 'SpecifiedTradeSettlementHeaderMonetarySummation');
  const party = (p: Element | undefined): StatedParty => ({
    name: txt(at(p, 'Name')),
    country: txt(at(p, 'PostalTradeAddress', 'CountryID')),
    ids: [...all(p, 'SpecifiedTaxRegistration', 'ID'), ...all(p, 'SpecifiedLegalOrganization', 'ID'), ...all(p, 'ID')]
      .map(txt)
      .filter((v): v is string => v !== null),
  });
  const taxTotals = kids(sums, 'TaxTotalAmount');
  return {
    syntax: 'cii',
    specification: txt(at(root, 'ExchangedDocumentContext', 'GuidelineSpecifiedDocumentContextParameter', 'ID')),
    kind: kindOf(txt(at(doc, 'TypeCode'))),
    number: txt(at(doc, 'ID')),
    issueDate: ciiDate(at(doc, 'IssueDateTime')),
    dueDate: ciiDate(at(settlement, 'SpecifiedTradePaymentTerms', 'DueDateDateTime')),
    currency,
    seller: party(at(agreement, 'SellerTradeParty')),
    buyer: party(at(agreement, 'BuyerTradeParty')),
    taxTotal: txt(
      taxTotals.find((t) => t.attrs.currencyID === currency) ?? (taxTotals.length === 1 ? taxTotals[0] : undefined),
    ),
    total: txt(at(sums, 'GrandTotalAmount')),
    taxes: kids(settlement, 'ApplicableTradeTax').map((t) => ({
      rate: txt(at(t, 'RateApplicablePercent')) ?? '0',
      taxable: txt(at(t, 'BasisAmount')) ?? '',
      tax: txt(at(t, 'CalculatedAmount')) ?? '',
    })),
    payeeAccounts: all(settlement, 'SpecifiedTradeSettlementPaymentMeans', 'PayeePartyCreditorFinancialAccount')
      .flatMap((a) => [txt(at(a, 'IBANID')), txt(at(a, 'ProprietaryID'))])
      .filter((v): v is string => v !== null)
      .map(account),
    freeText: texts(root),
  };
}

function readUbl(root: Element, creditNote: boolean): StatedInvoice {
  const currency = txt(at(root, 'DocumentCurrencyCode'));
  const party = (p: Element | undefined): StatedParty => ({
    name: txt(at(p, 'PartyLegalEntity', 'RegistrationName')) ?? txt(at(p, 'PartyName', 'Name')),
    country: txt(at(p, 'PostalAddress', 'Country', 'IdentificationCode')),
    ids: [
      ...all(p, 'PartyTaxScheme', 'CompanyID'),
      ...all(p, 'PartyLegalEntity', 'CompanyID'),
      ...all(p, 'PartyIdentification', 'ID'),
    ]
      .map(txt)
      .filter((v): v is string => v !== null),
  });
  const taxTotals = kids(root, 'TaxTotal');
  const inCurrency = taxTotals.find((t) => at(t, 'TaxAmount')?.attrs.currencyID === currency) ?? taxTotals[0];
  const means = kids(root, 'PaymentMeans');
  return {
    syntax: 'ubl',
    specification: txt(at(root, 'CustomizationID')),
    kind: kindOf(txt(at(root, creditNote ? 'CreditNoteTypeCode' : 'InvoiceTypeCode'))),
    number: txt(at(root, 'ID')),
    issueDate: txt(at(root, 'IssueDate')),
    dueDate: txt(at(root, 'DueDate')) ?? txt(means.map((m) => at(m, 'PaymentDueDate')).find(Boolean)),
    currency,
    seller: party(at(root, 'AccountingSupplierParty', 'Party')),
    buyer: party(at(root, 'AccountingCustomerParty', 'Party')),
    taxTotal: txt(at(inCurrency, 'TaxAmount')),
    total: txt(at(root, 'LegalMonetaryTotal', 'TaxInclusiveAmount')),
    taxes: kids(
      taxTotals.find((t) => kids(t, 'TaxSubtotal').length > 0),
      'TaxSubtotal',
    ).map((s) => ({
      rate: txt(at(s, 'TaxCategory', 'Percent')) ?? '0',
      taxable: txt(at(s, 'TaxableAmount')) ?? '',
      tax: txt(at(s, 'TaxAmount')) ?? '',
    })),
    payeeAccounts: means
      .map((m) => txt(at(m, 'PayeeFinancialAccount', 'ID')))
      .filter((v): v is string => v !== null)
      .map(account),
    freeText: texts(root),
  };
}

/** What an EN 16931 XML states; null when it is well-formed XML but not a CII or UBL invoice. */
export function readEinvoice(xml: Buffer): StatedInvoice | null {
  const root = parseXml(xml);
  if (root.ns === CII_NS && root.name === 'CrossIndustryInvoice') return readCii(root);
  if (root.ns === UBL_INVOICE_NS && root.name === 'Invoice') return readUbl(root, false);
  if (root.ns === UBL_CREDIT_NOTE_NS && root.name === 'CreditNote') return readUbl(root, true);
  return null;
}
