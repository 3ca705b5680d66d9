/** The view a caller hands to renderDocumentPdf: every string already localized and formatted. */
export type PaperSize = 'A4' | 'LETTER';
export interface PdfParty {
  name: string;
  addressLines: string[];
  taxId?: string | null;
  /** Labeled identifiers ("VAT ID: DE123456789"), printed after the address. */
  ids?: Array<{ label: string; value: string }>;
  email?: string | null;
}
/** Amounts are pre-formatted (localized) by the caller. */
export interface PdfLine {
  description: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  discount: string | null;
  taxLabel: string;
  amount: string;
}
export type PdfLabelKey =
  | 'billTo'
  | 'from'
  | 'issueDate'
  | 'dueDate'
  | 'description'
  | 'quantity'
  | 'unitPrice'
  | 'tax'
  | 'amount'
  | 'notes'
  | 'terms'
  | 'payment'
  | 'verify'
  | 'page';
/**
 * Optional extra labels (not required by callers; English fallbacks are used
 * when absent).
 */
export type PdfOptionalLabelKey =
  | 'draft'
  | 'relatedTo'
  | 'taxable'
  | 'fingerprint'
  | 'unchangedSince'
  | 'category'
  | 'rate'
  | 'taxableAmount'
  | 'vatNotes';
export interface PdfDocumentView {
  kind: 'invoice' | 'quote' | 'credit_note';
  /** e.g. "Invoice", "Quote", "Credit note" (localized by caller) */
  title: string;
  /** null for drafts → "DRAFT" watermark/label */
  number: string | null;
  issueDate: string | null;
  dueDate: string | null;
  /** credit note: the invoice it credits */
  relatedNumber?: string | null;
  paper: PaperSize;
  org: PdfParty;
  client: PdfParty;
  lines: PdfLine[];
  /** With `category` set (EU VAT invoice), the table has the columns category, rate, taxable amount, tax. */
  taxes: Array<{ label: string; taxable: string; tax: string; category?: string }>;
  /** More header facts under the dates: supply date or period, buyer reference, order number… */
  meta?: Array<{ label: string; value: string }>;
  /** The legal wording for reverse charge, intra-community supply, export, exemptions. */
  vatNotes?: string[];
  totals: Array<{ label: string; value: string; strong?: boolean }>;
  notes?: string | null;
  terms?: string | null;
  payment?: { lines: Array<{ label: string; value: string }> } | null;
  verification?: { url: string; fingerprint: string; unchangedSince?: string | null } | null;
  labels: Record<PdfLabelKey, string> & Partial<Record<PdfOptionalLabelKey, string>>;
  /** The organization's logo (PNG or JPEG bytes, checked at upload), drawn at the top of the first page. */
  logo?: Buffer | null;
}
