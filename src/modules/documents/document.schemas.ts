import { z } from 'zod';
import { lineText, multilineText } from '../../platform/http/text-guard.ts';
import type { DocumentKind } from './documents.tables.ts';
import { isoDate } from '../../platform/http/schemas.ts';
import { currencyCode, payoutDetailsSchema } from '../orgs/org.schemas.ts';
import { EINVOICE_PREFERENCES, paymentMeansCode, vatCategory } from '../einvoice/einvoice.schemas.ts';

export const DOCUMENT_KINDS = ['invoice', 'quote', 'credit_note'] as const satisfies readonly DocumentKind[];
export type { DocumentKind };

export const INVOICE_STATUSES = ['draft', 'issued', 'sent', 'partially_paid', 'paid', 'void'] as const;
export const QUOTE_STATUSES = ['draft', 'issued', 'sent', 'accepted', 'declined', 'converted'] as const;
export const CREDIT_NOTE_STATUSES = ['draft', 'issued', 'sent'] as const;
export const ALL_STATUSES = [...new Set([...INVOICE_STATUSES, ...QUOTE_STATUSES, ...CREDIT_NOTE_STATUSES])] as const;

export const quantityString = z
  .string()
  .regex(/^-?\d{1,9}(\.\d{1,6})?$/, 'must be a decimal number with up to 6 decimals, e.g. "1.5"')
  .refine((q) => !/^-?0+(\.0+)?$/.test(q), 'must not be zero');

export const discountSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('percent'),
    basisPoints: z.number().int().min(0).max(10_000).describe('1000 = 10 %'),
  }),
  z.strictObject({ type: z.literal('amount'), amount: z.number().int().min(0).max(1e13).describe('minor units') }),
]);

export const exchangeRateString = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,10})?$/, 'must be a positive decimal such as "1.0842"')
  .refine((r) => !/^0+(\.0+)?$/.test(r), 'must be positive');

export const lineInput = z.strictObject({
  itemId: z.uuid().nullable().default(null),
  description: multilineText(2000, { printed: true }).min(1),
  quantity: quantityString,
  unit: lineText(20, { printed: true }).default(''),
  unitPrice: z.number().int().min(-1e13).max(1e13).describe('minor units of the document currency'),
  discount: discountSchema.nullable().default(null),
  taxRateId: z.uuid().nullable().default(null),
});
export type LineInputRaw = z.input<typeof lineInput>;

// What an e-invoice states about the document beyond its lines (issue #12): BT-72 supply date or
// BT-73/74 invoicing period, BT-10 buyer reference (default: the client's), BT-13 purchase order,
// BT-12 contract, BT-81 payment means (default: 58 SEPA with an IBAN, 30 with an account number).
// The payment terms text (BT-20) is `terms`. They print on the PDF too (EU VAT invoice).
const ref = (max: number) => lineText(max, { printed: true }).min(1).nullable().default(null);
export const documentEinvoiceInput = {
  supplyDate: isoDate.nullable().default(null).describe('BT-72: when the goods or services were supplied'),
  periodStart: isoDate.nullable().default(null).describe('BT-73: start of the invoicing period'),
  periodEnd: isoDate.nullable().default(null).describe('BT-74: end of the invoicing period'),
  buyerReference: ref(100).describe('BT-10 (default: the client’s buyer reference, e.g. the Leitweg-ID)'),
  purchaseOrderReference: ref(100).describe('BT-13'),
  contractReference: ref(100).describe('BT-12'),
  paymentMeans: paymentMeansCode.nullable().default(null),
};
export const DOCUMENT_EINVOICE_KEYS = Object.keys(documentEinvoiceInput) as Array<keyof typeof documentEinvoiceInput>;
/** As stored in the body and returned (null everywhere for documents from before issue #12). */
export const documentEinvoiceSchema = z.object({
  supplyDate: z.string().nullable().default(null),
  periodStart: z.string().nullable().default(null),
  periodEnd: z.string().nullable().default(null),
  buyerReference: z.string().nullable().default(null),
  purchaseOrderReference: z.string().nullable().default(null),
  contractReference: z.string().nullable().default(null),
  paymentMeans: paymentMeansCode.nullable().default(null),
});
export type DocumentEinvoice = z.infer<typeof documentEinvoiceSchema>;
export const NO_DOCUMENT_EINVOICE: DocumentEinvoice = documentEinvoiceSchema.parse({});

export const draftInput = z.strictObject({
  clientId: z.uuid(),
  currency: currencyCode.optional(),
  exchangeRate: exchangeRateString
    .optional()
    .describe(
      'units of the org currency per 1 unit of the document currency; left out: the rate table’s latest rate on or before the issue date (Settings → Exchange rates), taken again at issue',
    ),
  issueDate: isoDate.nullable().optional(),
  dueDate: isoDate.nullable().optional(),
  lines: z.array(lineInput).min(1).max(500),
  discount: discountSchema.nullable().default(null),
  // Notes, terms and line texts print on the signed document: no payment instructions (text-guard.ts).
  notes: multilineText(4000, { printed: true }).nullable().default(null),
  terms: multilineText(4000, { printed: true }).nullable().default(null),
  relatedDocumentId: z.uuid().nullable().default(null).describe('credit notes: the invoice they credit'),
  ...documentEinvoiceInput,
});
export type DraftInput = z.input<typeof draftInput>;

/** Issuing: an invoice without payout details must be confirmed (it is signed and frozen without them). */
export const issueInput = z
  .strictObject({
    confirmWithoutPayoutDetails: z
      .boolean()
      .default(false)
      .describe('issue an invoice although no payout bank details are set (409 otherwise)'),
  })
  .nullish(); // the body is optional: no body at all means no confirmation

// Zod 4 applies an inner default even under .optional(): a patch must leave out what it does not
// name, so the defaults are removed (otherwise PATCH { buyerReference } would reset notes & co.).
const patchShape = Object.fromEntries(
  Object.entries(draftInput.shape).map(([k, v]) => [k, (v instanceof z.ZodDefault ? v.unwrap() : v).optional()]),
) as {
  [K in keyof typeof draftInput.shape]: z.ZodOptional<
    (typeof draftInput.shape)[K] extends z.ZodDefault<infer T> ? T : (typeof draftInput.shape)[K]
  >;
};
export const draftPatch = z.strictObject({
  ...patchShape,
  exchangeRate: exchangeRateString
    .nullable()
    .optional()
    .describe('a typed rate; null: back to the rate table’s rate for the issue date'),
});
export type DraftPatch = z.infer<typeof draftPatch>;

/** A line as stored (tax details frozen from the rate when the draft was saved). */
export const storedLine = z.object({
  itemId: z.string().nullable(),
  description: z.string(),
  quantity: z.string(),
  unit: z.string(),
  unitPrice: z.number(),
  discount: discountSchema.nullable(),
  taxRateId: z.string().nullable(),
  taxName: z.string(),
  taxRateBp: z.number(),
  taxInclusive: z.boolean(),
  // Frozen from the rate like its percentage (issue #12); absent on lines saved before: S or Z.
  taxCategory: vatCategory.optional(),
  taxExemptionReason: z.string().nullable().optional(),
  taxExemptionCode: z.string().nullable().optional(),
});
export type StoredLine = z.infer<typeof storedLine>;

const optionalText = z.string().nullable().optional();
export const partySnapshot = z.object({
  name: z.string(),
  addressLines: z.array(z.string()),
  country: z.string().nullable(),
  taxId: z.string().nullable(),
  email: z.string().nullable(),
  // E-invoice party data (issue #12), frozen at issue; absent on snapshots from before.
  city: optionalText,
  postalCode: optionalText,
  vatId: optionalText,
  taxRegistration: optionalText,
  legalRegistrationId: optionalText,
  legalRegistrationScheme: optionalText,
  electronicAddress: optionalText,
  electronicAddressScheme: optionalText,
  contactName: optionalText,
  contactPhone: optionalText,
  contactEmail: optionalText,
});
export type PartySnapshot = z.infer<typeof partySnapshot>;

export const payoutSnapshot = payoutDetailsSchema.nullable();

/** What the e-invoice needs besides the parties, frozen at issue so an old document's XML never changes. */
export const einvoiceSnapshot = z.object({
  /** The org's currency at issue (BT-6 when the document is in another currency). */
  orgCurrency: z.string(),
  /** The client's preferred format at issue. */
  format: z.enum(EINVOICE_PREFERENCES),
  /** The document's e-invoice fields with the client's default buyer reference applied. */
  fields: documentEinvoiceSchema,
  /**
   * Credit notes: the org's payout account at issue. The PDF of a credit note prints no bank
   * details, but XRechnung requires payment instructions on every document (BR-DE-1).
   */
  payee: payoutSnapshot.optional(),
  /** Credit notes: the invoice they correct (BT-25/26). */
  precedingInvoice: z.object({ number: z.string(), issueDate: z.string().nullable() }).nullable(),
  /**
   * The free texts Sealbill writes when the user gave none, in the document's language, frozen so
   * a later catalogue edit never changes an issued document's XML (issue #15 item 4): BT-120 per
   * VAT category of the lines, BT-20 from the due date. Absent before: the English defaults.
   */
  texts: z
    .object({
      exemptionReasons: z.partialRecord(vatCategory, z.string()),
      paymentTerms: z.string().nullable(),
    })
    .optional(),
});
export type EinvoiceSnapshot = z.infer<typeof einvoiceSnapshot>;

/** The encrypted body of a document. At issue the parties are frozen into `snapshot`. */
export const documentBody = z.object({
  lines: z.array(storedLine),
  discount: discountSchema.nullable(),
  notes: z.string().nullable(),
  terms: z.string().nullable(),
  einvoice: documentEinvoiceSchema.optional(),
  snapshot: z
    .object({
      org: partySnapshot,
      client: partySnapshot,
      payout: payoutSnapshot,
      payoutUnchangedSince: z.string().nullable(),
      locale: z.string(),
      /**
       * The catalogue language the document is written in ("de"), from the client's language at
       * issue (issue #15 item 4); absent on documents issued before, which are English.
       */
      language: z.string().optional(),
      /** The locale its dates and numbers are written in ("de-AT"); absent before: `locale`. */
      formatLocale: z.string().optional(),
      einvoice: einvoiceSnapshot.optional(),
      /**
       * The organization's logo printed on the document (issue #13 item 7), by the SHA-256 of its
       * file; absent: none was set. The issued PDF is stored, so a later logo change changes nothing.
       */
      logo: z.object({ sha256: z.string() }).optional(),
    })
    .nullable(),
});
export type DocumentBody = z.infer<typeof documentBody>;

const lineOut = storedLine.extend({ amount: z.number(), lineDiscount: z.number() });
export const documentSchema = z.object({
  id: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  status: z.enum(ALL_STATUSES),
  number: z.string().nullable(),
  clientId: z.string(),
  clientName: z.string(),
  currency: z.string(),
  exchangeRate: z.string(),
  exchangeRateSource: z
    .enum(['manual', 'ecb', 'provider'])
    .nullable()
    .describe(
      'where a rate not typed for this document came from (the rate table); null: typed, or the org’s currency',
    ),
  exchangeRateDate: z.string().nullable().describe('the date of that rate-table rate'),
  issueDate: z.string().nullable(),
  dueDate: z.string().nullable(),
  overdue: z.boolean(),
  lines: z.array(lineOut),
  discount: discountSchema.nullable(),
  taxes: z.array(z.object({ rateBp: z.number(), inclusive: z.boolean(), taxable: z.number(), tax: z.number() })),
  subtotal: z.number(),
  discountTotal: z.number(),
  taxTotal: z.number(),
  total: z.number(),
  amountPaid: z.number(),
  amountCredited: z.number(),
  amountDue: z.number(),
  notes: z.string().nullable(),
  terms: z.string().nullable(),
  relatedDocumentId: z.string().nullable(),
  recurringScheduleId: z.string().nullable(),
  einvoice: documentEinvoiceSchema,
  hasPdf: z.boolean(),
  payoutPrinted: z.boolean().describe('whether the issued document carries payout bank details (frozen at issue)'),
  issuedAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  voidedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  importedAt: z
    .string()
    .nullable()
    .describe(
      'set when the document was imported from another program (issue #13 item 6): it keeps its original number and was not signed by Sealbill',
    ),
});
export type DocumentDto = z.infer<typeof documentSchema>;

/** A document in the data export: the DTO plus, once issued, the parties as frozen on it. */
export const documentExportSchema = documentSchema.extend({ snapshot: documentBody.shape.snapshot });
export type DocumentExport = z.infer<typeof documentExportSchema>;

export const documentSummarySchema = documentSchema.pick({
  id: true,
  kind: true,
  status: true,
  number: true,
  clientId: true,
  clientName: true,
  currency: true,
  issueDate: true,
  dueDate: true,
  overdue: true,
  total: true,
  amountPaid: true,
  amountCredited: true,
  amountDue: true,
  createdAt: true,
  importedAt: true,
});
export type DocumentSummary = z.infer<typeof documentSummarySchema>;

export const SORTS = [
  'created',
  '-created',
  'issue_date',
  '-issue_date',
  'due_date',
  '-due_date',
  'total',
  '-total',
  'number',
  '-number',
  'outstanding',
  '-outstanding',
  'status',
  '-status',
  'client',
  '-client',
] as const;
export const documentListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  status: z.enum([...ALL_STATUSES, 'overdue', 'open']).optional(),
  clientId: z.uuid().optional(),
  from: isoDate.optional().describe('issue date on or after'),
  to: isoDate.optional().describe('issue date on or before'),
  number: z.string().max(60).optional(),
  q: z
    .string()
    .max(200)
    .optional()
    .describe(
      'search: every word must match the number (any case, partial), client name, line or note text (words or their beginnings), or an amount such as 1234.56',
    ),
  currency: currencyCode.optional(),
  minTotal: z.coerce.number().int().min(0).max(1e13).optional().describe('total at least (minor units)'),
  maxTotal: z.coerce.number().int().min(0).max(1e13).optional().describe('total at most (minor units)'),
  sort: z
    .enum(SORTS)
    .default('-created')
    .describe(
      'client: grouped by client, clients in the order they were added (names are encrypted: docs/DECISIONS.md D16)',
    ),
});
export type DocumentListQuery = z.infer<typeof documentListQuery>;

/** The next number of each kind if issued today (GET /api/v1/numbering). */
export const numberingPreviewSchema = z.object({
  kind: z.enum(DOCUMENT_KINDS),
  pattern: z.string(),
  period: z.string().describe("the counter's period: YYYY, YYYY-MM, or '' for one counter for ever"),
  nextValue: z.number().int(),
  nextNumber: z.string(),
});
export const nextNumberInput = z.strictObject({
  nextValue: z
    .number()
    .int()
    .min(1)
    .max(999_999_999_999)
    .describe('the counter value of the next document issued in the current period; only forward'),
});
