import { z } from 'zod';
import { lineText } from '../../platform/http/text-guard.ts';
import { isCurrency } from '../../shared/money/money.ts';
import { validatePattern } from '../../shared/money/numbering.ts';
import { countryCode, orgEinvoiceFields, storedNullable } from '../einvoice/einvoice.schemas.ts';

export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
  .refine(isCurrency, 'is not an active ISO 4217 currency');

export const localeTag = z
  .string()
  .min(2)
  .max(35)
  .refine((l) => {
    try {
      return Intl.getCanonicalLocales(l).length === 1;
    } catch {
      return false;
    }
  }, 'must be a BCP 47 locale such as en-GB');

export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Berlin');

const pattern = z.string().superRefine((p, ctx) => {
  const problem = validatePattern(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const numberingSchema = z.strictObject({ invoice: pattern, quote: pattern, credit_note: pattern });
export type Numbering = z.infer<typeof numberingSchema>;
export const DEFAULT_NUMBERING: Numbering = {
  invoice: 'INV-{YYYY}-{SEQ:5}',
  quote: 'QUO-{YYYY}-{SEQ:5}',
  credit_note: 'CN-{YYYY}-{SEQ:5}',
};

// The profile prints on documents (and the email is the Reply-To of client mail): single-line
// printed text, no payment details (text-guard.ts); changing what prints needs step-up (org.service.ts).
const line = (max: number) => lineText(max, { printed: true });
export const orgProfileSchema = z.strictObject({
  addressLines: z.array(line(200)).max(6).default([]),
  country: countryCode.nullable().default(null),
  taxIds: z
    .array(z.strictObject({ type: line(20).min(1), value: line(40).min(1) }))
    .max(5)
    .default([]),
  email: z.email().max(254).nullable().default(null),
  phone: line(40).nullable().default(null),
  website: line(200).nullable().default(null),
  // The seller of an e-invoice (issue #12): every field optional here; the pre-issue check says
  // which ones the client's format needs.
  ...orgEinvoiceFields,
});
export type OrgProfile = z.infer<typeof orgProfileSchema>;

const ORG_EINVOICE_KEYS = Object.keys(orgEinvoiceFields) as Array<keyof typeof orgEinvoiceFields>;
/** A profile with nothing set. */
export const EMPTY_ORG_PROFILE: OrgProfile = orgProfileSchema.parse({});

/**
 * The profile as stored and returned: read without the input rules, so a profile saved before a
 * rule existed still reads (and can be corrected) instead of failing every request.
 */
export const storedOrgProfileSchema = z.object({
  addressLines: z.array(z.string()).default([]),
  country: z.string().nullable().default(null),
  taxIds: z.array(z.object({ type: z.string(), value: z.string() })).default([]),
  email: z.string().nullable().default(null),
  phone: z.string().nullable().default(null),
  website: z.string().nullable().default(null),
  ...storedNullable(ORG_EINVOICE_KEYS),
});

/** ISO 13616 IBAN check (mod 97). */
export function isValidIban(raw: string): boolean {
  const iban = raw.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' ? (ch.charCodeAt(0) - 55).toString() : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

/** Payout details as stored and returned (the input schema below normalizes with transforms, which cannot serialize). */
export const payoutDetailsSchema = z.object({
  accountHolder: z.string(),
  bankName: z.string().nullable(),
  iban: z.string().nullable(),
  bic: z.string().nullable(),
  accountNumber: z.string().nullable(),
  routingNumber: z.string().nullable(),
});

export const payoutSchema = z
  .strictObject({
    accountHolder: lineText(140).min(1),
    bankName: lineText(140).nullable().default(null),
    iban: z
      .string()
      .transform((s) => s.replace(/\s+/g, '').toUpperCase())
      .refine(isValidIban, 'is not a valid IBAN (checksum failed)')
      .nullable()
      .default(null),
    bic: z
      .string()
      .transform((s) => s.replace(/\s+/g, '').toUpperCase())
      .refine((s) => /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(s), 'is not a valid BIC')
      .nullable()
      .default(null),
    accountNumber: z
      .string()
      .regex(/^[0-9]{4,17}$/, 'must be 4–17 digits')
      .nullable()
      .default(null),
    routingNumber: z
      .string()
      .regex(/^[0-9]{9}$/, 'must be 9 digits (ABA)')
      .nullable()
      .default(null),
  })
  .refine((p) => p.iban !== null || (p.accountNumber !== null && p.routingNumber !== null), {
    message: 'give an IBAN, or an account number with a routing number',
    path: ['iban'],
  });
export type Payout = z.infer<typeof payoutSchema>;

/** What the org row says about its logo (the image is a stored file). */
export const storedLogoSchema = z.object({
  fileId: z.string(),
  sha256: z.string(),
  contentType: z.enum(['image/png', 'image/jpeg']),
  width: z.number().int(),
  height: z.number().int(),
  size: z.number().int(),
  updatedAt: z.string(),
});
export type StoredLogo = z.infer<typeof storedLogoSchema>;
/** The logo as the API shows it: its facts, never the stored file's id. */
export const orgLogoSchema = storedLogoSchema.omit({ fileId: true });
export type OrgLogo = z.infer<typeof orgLogoSchema>;

export const orgSchema = z.object({
  id: z.string(),
  name: z.string(),
  defaultCurrency: z.string(),
  locale: z.string(),
  timeZone: z.string(),
  paymentTermsDays: z.number().int(),
  numbering: numberingSchema,
  profile: storedOrgProfileSchema,
  payoutConfigured: z.boolean(),
  payoutUpdatedAt: z.string().nullable(),
  /** The logo printed on documents and shown on the portal and pay page; null: none. */
  logo: orgLogoSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Org = z.infer<typeof orgSchema>;

/** Prints on every document and is the display name of every client mail: one line, no payment details. */
export const orgNameSchema = lineText(200, { printed: true }).min(1);

export const createOrgInput = z.strictObject({
  name: orgNameSchema,
  defaultCurrency: currencyCode.default('EUR'),
  locale: localeTag.default('en-GB'),
  timeZone: timeZone.default('UTC'),
  paymentTermsDays: z.number().int().min(0).max(365).default(30),
  profile: orgProfileSchema.default(EMPTY_ORG_PROFILE),
});
export type CreateOrgInput = z.input<typeof createOrgInput>;

export const updateOrgInput = z.strictObject({
  name: orgNameSchema.optional(),
  defaultCurrency: currencyCode.optional(),
  locale: localeTag.optional(),
  timeZone: timeZone.optional(),
  paymentTermsDays: z.number().int().min(0).max(365).optional(),
  numbering: numberingSchema.optional(),
  profile: orgProfileSchema.optional(),
});
export type UpdateOrgInput = z.infer<typeof updateOrgInput>;
