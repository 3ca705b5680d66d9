import { z } from 'zod';
import { documentSchema, DOCUMENT_KINDS } from '../invoices/document.schemas.ts';

export const codeRequestInput = z.strictObject({
  orgId: z.uuid(),
  email: z.email().max(254).transform((e) => e.trim().toLowerCase()),
});

export const codeVerifyInput = z.strictObject({
  challengeId: z.uuid(),
  code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code'),
});

export const tokenInput = z.strictObject({ token: z.string().min(20).max(100) });

export const portalSessionSchema = z.object({
  csrfToken: z.string(),
  organization: z.string(),
  client: z.string(),
  contact: z.object({ id: z.string(), name: z.string(), email: z.string().nullable() }),
  /** After a portal link: the document it was sent for. */
  documentId: z.string().nullable(),
  documentKind: z.enum(DOCUMENT_KINDS).nullable(),
});
export type PortalSession = z.infer<typeof portalSessionSchema>;

export const portalDocumentSchema = documentSchema
  .pick({
    id: true,
    kind: true,
    status: true,
    number: true,
    currency: true,
    issueDate: true,
    dueDate: true,
    overdue: true,
    lines: true,
    discount: true,
    taxes: true,
    subtotal: true,
    discountTotal: true,
    taxTotal: true,
    total: true,
    amountPaid: true,
    amountCredited: true,
    amountDue: true,
    notes: true,
    terms: true,
    relatedDocumentId: true,
    issuedAt: true,
  })
  .extend({ fingerprint: z.string().describe('first 80 bits of the PDF SHA-256, as printed in notices') });
export type PortalDocument = z.infer<typeof portalDocumentSchema>;

export const portalDocumentSummarySchema = portalDocumentSchema.pick({
  id: true,
  kind: true,
  status: true,
  number: true,
  currency: true,
  issueDate: true,
  dueDate: true,
  overdue: true,
  total: true,
  amountDue: true,
});
export type PortalDocumentSummary = z.infer<typeof portalDocumentSummarySchema>;

export const portalListQuery = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS).default('invoice'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type PortalListQuery = z.infer<typeof portalListQuery>;

export const portalPaymentSchema = z.object({
  id: z.string(),
  invoiceId: z.string(),
  invoiceNumber: z.string().nullable(),
  kind: z.enum(['payment', 'refund']),
  amount: z.number(),
  currency: z.string(),
  method: z.string(),
  receivedOn: z.string(),
});
export type PortalPayment = z.infer<typeof portalPaymentSchema>;
