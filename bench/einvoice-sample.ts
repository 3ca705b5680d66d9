/**
 * Benchmarks only: the e-invoice work issuing adds for a client who takes Factur-X, through the
 * issuing path's own functions (documents/document-einvoice.ts, as document-lifecycle.service.ts
 * calls them): the issued document and its frozen snapshot as an EinvoiceSource, the pre-issue
 * check (`checkedEinvoice`: map to EN 16931, run the rules) and the CII XML under the drawn number
 * (`einvoiceXmlOf`).
 */
import { checkedEinvoice, einvoiceXmlOf } from '../src/modules/documents/document-einvoice.ts';
import type { DocumentBody, DocumentDto } from '../src/modules/documents/document.schemas.ts';

/** The Factur-X XML (UTF-8 bytes) of an issued invoice; throws if the checks find an issue. */
export function facturxXmlOf(doc: DocumentDto, snapshot: NonNullable<DocumentBody['snapshot']>): Buffer {
  const number = doc.number!;
  const { model, issues } = checkedEinvoice(
    {
      kind: doc.kind === 'credit_note' ? 'credit_note' : 'invoice',
      number,
      issueDate: doc.issueDate!,
      dueDate: doc.dueDate,
      currency: doc.currency,
      exchangeRate: doc.exchangeRate,
      body: { lines: doc.lines, discount: doc.discount, notes: doc.notes, terms: doc.terms },
      snapshot,
      orgCurrency: doc.currency,
    },
    'factur-x',
  );
  if (model === null || issues.length > 0)
    throw new Error(`bench: the sample is not a complete Factur-X invoice: ${issues.map((i) => i.ruleId).join(', ')}`);
  return einvoiceXmlOf(model, number, 'factur-x');
}
