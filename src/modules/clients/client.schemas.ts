import { z } from 'zod';
import { lineText, multilineText } from '../../platform/http/text-guard.ts';
import { currencyCode, localeTag } from '../orgs/org.schemas.ts';
import {
  clientEinvoiceFields,
  countryCode,
  einvoicePreference,
  EINVOICE_PREFERENCES,
  storedNullable,
} from '../einvoice/einvoice.schemas.ts';

/** 'plain': an ordinary email with the PDF attached, for clients who expect one (the secure modes stay recommended). */
export const DELIVERY_MODES = ['notice-only', 'portal-link', 'openpgp', 'smime', 'sealed-link', 'plain'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

// The client's name, address and tax id print on documents as the recipient party: printed
// single-line text. Notes stay internal (multi-line, not printed). See text-guard.ts.
const printedLine = (max: number) => lineText(max, { printed: true });
const email = z
  .email('must be an email address')
  .max(254)
  .transform((e) => e.toLowerCase());

export const contactInput = z.strictObject({
  name: lineText(200).min(1),
  email: email.nullable().default(null),
  phone: lineText(40).nullable().default(null),
  isPrimary: z.boolean().default(false),
});

type ClientEinvoiceKey = keyof typeof clientEinvoiceFields;
export const CLIENT_EINVOICE_KEYS = Object.keys(clientEinvoiceFields) as ClientEinvoiceKey[];

export const clientInput = z.strictObject({
  name: printedLine(200).min(1),
  email: email.nullable().default(null),
  addressLines: z.array(printedLine(200)).max(6).default([]),
  country: countryCode.nullable().default(null),
  taxId: printedLine(40).nullable().default(null),
  notes: multilineText(4000).nullable().default(null),
  ...clientEinvoiceFields,
  currency: currencyCode.optional(),
  language: localeTag.optional(),
  deliveryMode: z.enum(DELIVERY_MODES).default('portal-link'),
  einvoiceFormat: einvoicePreference
    .default('none')
    .describe('the e-invoice issued for this client; issuing checks the document against it'),
  contacts: z.array(contactInput).max(20).default([]),
});
export type ClientInput = z.input<typeof clientInput>;

export const clientPatch = z.strictObject({
  name: printedLine(200).min(1).optional(),
  email: email.nullable().optional(),
  addressLines: z.array(printedLine(200)).max(6).optional(),
  country: countryCode.nullable().optional(),
  taxId: printedLine(40).nullable().optional(),
  notes: multilineText(4000).nullable().optional(),
  ...(Object.fromEntries(Object.entries(clientEinvoiceFields).map(([k, v]) => [k, v.unwrap().optional()])) as {
    [K in ClientEinvoiceKey]: z.ZodOptional<ReturnType<(typeof clientEinvoiceFields)[K]['unwrap']>>;
  }),
  currency: currencyCode.optional(),
  language: localeTag.optional(),
  deliveryMode: z.enum(DELIVERY_MODES).optional(),
  einvoiceFormat: einvoicePreference.optional(),
});
export type ClientPatch = z.infer<typeof clientPatch>;

/** The encrypted part of a client row: read together, so sealed together. */
export const clientPii = z.object({
  name: z.string(),
  email: z.string().nullable(),
  addressLines: z.array(z.string()),
  country: z.string().nullable(),
  taxId: z.string().nullable(),
  notes: z.string().nullable(),
  ...storedNullable(CLIENT_EINVOICE_KEYS),
});
export type ClientPii = z.infer<typeof clientPii>;

export const contactPii = z.object({ name: z.string(), email: z.string().nullable(), phone: z.string().nullable() });

export const contactSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  isPrimary: z.boolean(),
});
export type Contact = z.infer<typeof contactSchema>;

export const clientSchema = clientPii.extend({
  id: z.string(),
  currency: z.string(),
  language: z.string(),
  deliveryMode: z.enum(DELIVERY_MODES),
  einvoiceFormat: z.enum(EINVOICE_PREFERENCES),
  archived: z.boolean(),
  contacts: z.array(contactSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Set on create/update when an email domain looks like a domain the organization already knows (possible impersonation). */
  warnings: z
    .array(
      z.object({
        code: z.literal('lookalike_domain'),
        domain: z.string(),
        resembles: z.string(),
        reason: z.enum(['confusable', 'edit_distance']),
        distance: z.number().int(),
      }),
    )
    .optional(),
});
export type Client = z.infer<typeof clientSchema>;

export const clientSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  currency: z.string(),
  archived: z.boolean(),
  createdAt: z.string(),
});
export type ClientSummary = z.infer<typeof clientSummarySchema>;

export const clientListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  email: z.string().max(254).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  includeArchived: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  sort: z
    .enum(['-created', 'created'])
    .default('-created')
    .describe('newest or oldest first (names are encrypted: no sort by name, docs/DECISIONS.md D16)'),
});
export type ClientListQuery = z.infer<typeof clientListQuery>;
