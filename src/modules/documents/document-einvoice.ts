// An issued document (or a draft, for the pre-issue check) as the einvoice module's plain input
// shape. Everything comes from the frozen snapshot and the stored lines, never from the current
// org or client, so the same issued document always yields the same XML bytes (issue #12 item 2).
import { unprocessable, type AppError } from '../../platform/errors.ts';
import type { EinvoiceFormat } from '../einvoice/einvoice.formats.ts';
import { generateEinvoiceUtf8 } from '../einvoice/einvoice.generate.ts';
import type { EinvoiceModel } from '../einvoice/einvoice.model.ts';
import {
  EinvoiceMappingError,
  renumber,
  toEinvoice,
  type SealbillDocument,
  type SealbillLine,
  type SealbillParty,
} from '../einvoice/einvoice.mapping.ts';
import { checkEinvoice } from '../einvoice/einvoice.rules.ts';
import type { DocumentBody, PartySnapshot, StoredLine } from './document.schemas.ts';
import { lineCategory } from './line-category.ts';

/** Empty text is "unknown" for the e-invoice (an empty element is an error, PEPPOL-EN16931-R008). */
const text = (v: string | null | undefined): string | undefined => (v && v.trim() !== '' ? v : undefined);

function line(l: StoredLine): SealbillLine {
  return {
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    discount: l.discount,
    taxRateBp: l.taxRateBp,
    taxInclusive: l.taxInclusive,
    description: l.description,
    unit: l.unit,
    itemId: l.itemId,
    tax: {
      category: lineCategory(l),
      exemptionReason: text(l.taxExemptionReason),
      exemptionCode: text(l.taxExemptionCode),
    },
  };
}

function party(p: PartySnapshot): SealbillParty {
  const contact =
    text(p.contactName) || text(p.contactPhone) || text(p.contactEmail)
      ? { name: text(p.contactName), phone: text(p.contactPhone), email: text(p.contactEmail) }
      : undefined;
  const legal = text(p.legalRegistrationId);
  const address = text(p.electronicAddress);
  return {
    name: p.name,
    addressLines: p.addressLines.filter((a) => a.trim() !== ''),
    city: text(p.city),
    postalCode: text(p.postalCode),
    country: p.country ?? '',
    vatId: text(p.vatId),
    taxRegistration: text(p.taxRegistration),
    legalRegistration: legal ? { id: legal, scheme: text(p.legalRegistrationScheme) } : undefined,
    electronicAddress: address ? { id: address, scheme: text(p.electronicAddressScheme) } : undefined,
    contact,
  };
}

export interface EinvoiceSource {
  kind: 'invoice' | 'credit_note';
  /** The issued number (a placeholder for a draft's check). */
  number: string;
  issueDate: string;
  dueDate: string | null;
  currency: string;
  exchangeRate: string;
  body: Pick<DocumentBody, 'lines' | 'discount' | 'notes' | 'terms'>;
  snapshot: NonNullable<DocumentBody['snapshot']>;
  /** The org's currency, for documents issued before the snapshot froze it. */
  orgCurrency: string;
}

/** The einvoice module's input for a document; pass it to `toEinvoice`. */
export function toSealbillDocument(src: EinvoiceSource): SealbillDocument {
  const s = src.snapshot;
  const e = s.einvoice;
  const f = e?.fields;
  const orgCurrency = e?.orgCurrency ?? src.orgCurrency;
  const payee = s.payout ?? e?.payee ?? null;
  const period =
    f?.periodStart || f?.periodEnd ? { start: f.periodStart ?? undefined, end: f.periodEnd ?? undefined } : undefined;
  return {
    kind: src.kind,
    number: src.number,
    issueDate: src.issueDate,
    dueDate: src.dueDate,
    currency: src.currency,
    accounting: orgCurrency !== src.currency ? { currency: orgCurrency, exchangeRate: src.exchangeRate } : undefined,
    lines: src.body.lines.map(line),
    discount: src.body.discount,
    notes: src.body.notes,
    terms: src.body.terms,
    org: party(s.org),
    client: party(s.client),
    payout: payee
      ? { accountHolder: payee.accountHolder, iban: payee.iban, bic: payee.bic, accountNumber: payee.accountNumber }
      : null,
    einvoice: {
      buyerReference: text(f?.buyerReference),
      purchaseOrderReference: text(f?.purchaseOrderReference),
      contractReference: text(f?.contractReference),
      supplyDate: text(f?.supplyDate),
      period,
      paymentMeans: f?.paymentMeans ? { code: f.paymentMeans } : undefined,
      precedingInvoice: e?.precedingInvoice
        ? { number: e.precedingInvoice.number, issueDate: e.precedingInvoice.issueDate ?? undefined }
        : undefined,
    },
    defaultTexts: e?.texts
      ? { exemptionReasons: e.texts.exemptionReasons, paymentTerms: e.texts.paymentTerms ?? undefined }
      : undefined,
  };
}

export interface EinvoiceCheckIssue {
  ruleId: string;
  message: string;
  field: string;
}

/** The pre-issue check: every rule the document breaks for `format` (a mapping refusal is one issue). */
export function einvoiceIssues(src: EinvoiceSource, format: EinvoiceFormat): EinvoiceCheckIssue[] {
  return checkedEinvoice(src, format).issues;
}

/**
 * The pre-issue check with the model it checked (null when the mapping refused the document), so
 * that issuing can write the XML from it (`einvoiceXmlOf`) instead of mapping the document again.
 */
export function checkedEinvoice(
  src: EinvoiceSource,
  format: EinvoiceFormat,
): { model: EinvoiceModel | null; issues: EinvoiceCheckIssue[] } {
  let model;
  try {
    model = toEinvoice(toSealbillDocument(src));
  } catch (err) {
    if (err instanceof EinvoiceMappingError)
      return { model: null, issues: [{ ruleId: err.ruleId, message: err.message, field: err.field }] };
    throw err;
  }
  return { model, issues: checkEinvoice(model, format) };
}

/**
 * The XML (UTF-8 bytes) of a checked model under the number issuing drew: the same bytes as `einvoiceXml` of
 * the document with that number (einvoice.mapping.ts renumber, tested in einvoice.renumber.test.ts).
 */
export function einvoiceXmlOf(model: EinvoiceModel, number: string, format: EinvoiceFormat): Buffer {
  return generateEinvoiceUtf8(renumber(model, number), format);
}

/** The 422 an issue (or a download) answers when the document breaks the format's rules. */
export function einvoiceRefusal(format: EinvoiceFormat, issues: EinvoiceCheckIssue[], what: string): AppError {
  return unprocessable(
    `${what} is not a valid ${format} e-invoice: fix the fields listed (${issues.map((i) => i.ruleId).join(', ')})`,
    issues.map((i) => ({ path: i.field, message: `${i.ruleId}: ${i.message}` })),
  );
}

/** The XML (UTF-8 bytes) of a document in a format; refuses (422) what the format's rules refuse. Byte-stable. */
export function einvoiceXml(src: EinvoiceSource, format: EinvoiceFormat): Buffer {
  let model;
  try {
    model = toEinvoice(toSealbillDocument(src));
  } catch (err) {
    if (err instanceof EinvoiceMappingError)
      throw einvoiceRefusal(format, [{ ruleId: err.ruleId, message: err.message, field: err.field }], 'This document');
    throw err;
  }
  return generateEinvoiceUtf8(model, format);
}
