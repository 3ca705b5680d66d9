import { z } from 'zod';
import { documentSchema, DOCUMENT_KINDS } from '../documents/document.schemas.ts';

export const codeRequestInput = z.strictObject({
  orgId: z.uuid(),
  email: z
    .email()
    .max(254)
    .transform((e) => e.trim().toLowerCase()),
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
  /** The client's language (BCP 47, "de-DE"): the portal speaks it, like the client's documents and emails. */
  language: z.string(),
  /** After a portal link: the document it was sent for. */
  documentId: z.string().nullable(),
  documentKind: z.enum(DOCUMENT_KINDS).nullable(),
  /** 'mfa': the emailed code or link was right, but the contact's second factor is still due. */
  level: z.enum(['full', 'mfa']),
  /** The second factors the contact can finish signing in with (when level is 'mfa'). */
  secondFactors: z.object({ totp: z.boolean(), passkey: z.boolean() }),
});
export type PortalSession = z.infer<typeof portalSessionSchema>;

export const portalPasskeySchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  backedUp: z.boolean(),
  deviceType: z.string(),
});
export type PortalPasskey = z.infer<typeof portalPasskeySchema>;

export const portalFactorsSchema = z.object({ totp: z.boolean(), passkeys: z.array(portalPasskeySchema) });
export type PortalFactors = z.infer<typeof portalFactorsSchema>;

/** A sign-in step that may rotate the session: the new CSRF token goes with the new cookie. */
export const portalRotatedSchema = z.object({ csrfToken: z.string() });

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
  .extend({
    fingerprint: z
      .string()
      .describe('the fingerprint printed on the PDF and in the delivery emails (verification module)'),
  });
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
  hasReceipt: z.boolean().describe('a signed PDF receipt is available at /api/v1/portal/payments/:id/receipt'),
});
export type PortalPayment = z.infer<typeof portalPaymentSchema>;
