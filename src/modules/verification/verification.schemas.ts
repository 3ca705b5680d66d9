import { z } from 'zod';
import { EINVOICE_FIELDS } from './einvoice-compare.ts';

export const verifyDetailsInput = z
  .strictObject({
    /** The issuing organization (from the verification page link); or give the fingerprint printed on the document. */
    orgId: z.string().trim().max(64).optional(),
    fingerprint: z.string().trim().max(40).optional(),
    number: z.string().trim().min(1).max(64),
    /** The total as printed, e.g. "1480.95" or "1.480,95". */
    amount: z
      .string()
      .trim()
      .min(1)
      .max(32)
      .regex(/^[0-9.,\s'’]+$/, 'must be an amount such as 1480.95'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
    /** The IBAN (or account number) printed on the document. */
    iban: z.string().trim().min(4).max(64),
  })
  .refine((v) => Boolean(v.orgId || v.fingerprint), { message: 'give orgId or fingerprint', path: ['orgId'] });
export type VerifyDetailsInput = z.infer<typeof verifyDetailsInput>;

export const verificationResult = z.object({
  authentic: z.boolean(),
  reason: z.enum(['verified', 'no_match', 'altered', 'bank_details_differ', 'signature_invalid', 'einvoice_differs']),
  /** true: the exact bytes we issued; false: derived from one of our documents and changed; null: no file was checked. */
  unaltered: z.boolean().nullable(),
  document: z
    .object({
      /** 'reminder': a payment reminder's document (its charges), numbered in its own series. */
      kind: z.enum(['invoice', 'quote', 'credit_note', 'reminder']),
      number: z.string(),
      issueDate: z.string(),
      dueDate: z.string().nullable(),
      currency: z.string(),
      total: z.number().int(),
      issuerName: z.string(),
      fingerprint: z.string(),
      signedAt: z.string(),
      timestampedAt: z.string().nullable(),
    })
    .nullable(),
  status: z.object({ voided: z.boolean(), credited: z.boolean() }).nullable(),
  bankDetails: z
    .object({
      /** Are the bank details on the document the organization's payout details today? */
      onDocumentAreCurrent: z.boolean().nullable(),
      /** Do the bank details you entered match the document? (details check only) */
      providedMatchDocument: z.boolean().nullable(),
      /** Are the bank details you entered the organization's payout details today? (details check only) */
      providedAreCurrent: z.boolean().nullable(),
    })
    .nullable(),
  /**
   * The e-invoice XML checked (embedded in the uploaded PDF, or the uploaded XML file) against the
   * signed fields; absent when there was none (answers without it keep their earlier shape).
   */
  einvoice: z
    .object({
      syntax: z.enum(['cii', 'ubl']),
      source: z.enum(['embedded', 'file']),
      /** Byte for byte the XML signed at issue; null when the signature covers no XML (issued before e-invoicing, or without one). */
      exact: z.boolean().nullable(),
      /** The XML states the signed fields as signed (number, dates, parties, totals, VAT breakdown, payee account). */
      agreesWithSignature: z.boolean(),
      /** The signed fields the XML states differently ('attachments': the PDF carries more than one e-invoice). */
      differences: z.array(z.enum(EINVOICE_FIELDS)),
    })
    .optional(),
  /** The signed canonical JSON and its Ed25519 signature, for offline verification with the published key. */
  signature: z
    .object({
      algorithm: z.literal('Ed25519'),
      keyId: z.string(),
      orgId: z.string(),
      payload: z.string(),
      value: z.string(),
      keysUrl: z.string(),
    })
    .nullable(),
});
export type VerificationResult = z.infer<typeof verificationResult>;

export const publishedKeysSchema = z.object({
  keys: z.array(
    z.object({
      orgId: z.string(),
      keyId: z.string(),
      algorithm: z.enum(['Ed25519', 'X.509']),
      publicKey: z.string().nullable(),
      certificateSha256: z.string().nullable(),
      certificatePem: z.string().nullable(),
      status: z.enum(['active', 'retired']),
      createdAt: z.string(),
    }),
  ),
});
