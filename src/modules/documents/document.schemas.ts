import { z } from 'zod';
import { lineText, multilineText } from '../../platform/http/text-guard.ts';
import type { DocumentKind } from './documents.tables.ts';
import { isoDate } from '../../platform/http/schemas.ts';
import { currencyCode, payoutDetailsSchema } from '../orgs/org.schemas.ts';

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
  z.strictObject({ type: z.literal('percent'), basisPoints: z.number().int().min(0).max(10_000).describe('1000 = 10 %') }),
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

export const draftInput = z.strictObject({
  clientId: z.uuid(),
  currency: currencyCode.optional(),
  exchangeRate: exchangeRateString.optional().describe('units of the org currency per 1 unit of the document currency'),
  issueDate: isoDate.nullable().optional(),
  dueDate: isoDate.nullable().optional(),
  lines: z.array(lineInput).min(1).max(500),
  discount: discountSchema.nullable().default(null),
  // Notes, terms and line texts print on the signed document: no payment instructions (text-guard.ts).
  notes: multilineText(4000, { printed: true }).nullable().default(null),
  terms: multilineText(4000, { printed: true }).nullable().default(null),
  relatedDocumentId: z.uuid().nullable().default(null).describe('credit notes: the invoice they credit'),
});
export type DraftInput = z.input<typeof draftInput>;

/** Issuing: an invoice without payout details must be confirmed (it is signed and frozen without them). */
export const issueInput = z
  .strictObject({
    confirmWithoutPayoutDetails: z.boolean().default(false).describe('issue an invoice although no payout bank details are set (409 otherwise)'),
  })
  .nullish(); // the body is optional: no body at all means no confirmation

export const draftPatch = draftInput.partial().strict();
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
});
export type StoredLine = z.infer<typeof storedLine>;

export const partySnapshot = z.object({
  name: z.string(),
  addressLines: z.array(z.string()),
  country: z.string().nullable(),
  taxId: z.string().nullable(),
  email: z.string().nullable(),
});
export const payoutSnapshot = payoutDetailsSchema.nullable();

/** The encrypted body of a document. At issue the parties are frozen into `snapshot`. */
export const documentBody = z.object({
  lines: z.array(storedLine),
  discount: discountSchema.nullable(),
  notes: z.string().nullable(),
  terms: z.string().nullable(),
  snapshot: z
    .object({ org: partySnapshot, client: partySnapshot, payout: payoutSnapshot, payoutUnchangedSince: z.string().nullable(), locale: z.string() })
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
  hasPdf: z.boolean(),
  payoutPrinted: z.boolean().describe('whether the issued document carries payout bank details (frozen at issue)'),
  issuedAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  voidedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
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
});
export type DocumentSummary = z.infer<typeof documentSummarySchema>;

export const SORTS = ['created', '-created', 'issue_date', '-issue_date', 'due_date', '-due_date', 'total', '-total', 'number', '-number'] as const;
export const documentListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  status: z.enum([...ALL_STATUSES, 'overdue', 'open']).optional(),
  clientId: z.uuid().optional(),
  from: isoDate.optional().describe('issue date on or after'),
  to: isoDate.optional().describe('issue date on or before'),
  number: z.string().max(60).optional(),
  sort: z.enum(SORTS).default('-created'),
});
export type DocumentListQuery = z.infer<typeof documentListQuery>;
