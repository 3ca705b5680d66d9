// Input rules for the e-invoice data other modules store (issue #12 item 1): one place, so the org
// profile, the client, the tax rate and the document validate a country, a scheme or a code the
// same way, against the code lists the pre-issue checks use.
import { z } from 'zod';
import { lineText } from '../../platform/http/text-guard.ts';
import { COUNTRY_CODES, EAS_CODES, ICD_CODES, VATEX_CODES } from './einvoice.codelists.ts';
import { EINVOICE_FORMATS } from './einvoice.formats.ts';
import { PAYMENT_MEANS_CODES, VAT_CATEGORIES } from './einvoice.model.ts';

/** ISO 3166-1 alpha-2, checked against the list EN 16931 accepts (not only the shape). */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE')
  .refine((c) => COUNTRY_CODES.has(c), 'is not an ISO 3166-1 alpha-2 country code');

/** The client's preferred e-invoice format; `none` issues the signed PDF only. */
export const EINVOICE_PREFERENCES = ['none', ...EINVOICE_FORMATS] as const;
export type EinvoicePreference = (typeof EINVOICE_PREFERENCES)[number];
export const einvoicePreference = z.enum(EINVOICE_PREFERENCES);

export const vatCategory = z
  .enum(VAT_CATEGORIES)
  .describe(
    'UNCL5305: S standard, Z zero, E exempt, AE reverse charge, K intra-community supply, G export, O outside scope, L Canary Islands, M Ceuta/Melilla',
  );
export const paymentMeansCode = z
  .enum(PAYMENT_MEANS_CODES)
  .describe('UNCL4461: 58 SEPA credit transfer, 30 credit transfer, 48/54 card, 59 direct debit');

/** Printed single-line text (text-guard.ts): these ids print on the PDF. */
const printed = (max: number) => lineText(max, { printed: true });

/** An electronic address scheme (EAS, BT-34-1/BT-49-1): EM email, 0088 GLN, 0204 Leitweg-ID, 9930 DE VAT… */
export const easScheme = z.string().refine((s) => EAS_CODES.has(s), 'is not an EAS code (e.g. EM, 0088, 0204, 9930)');
/** An ISO 6523 ICD scheme for a legal registration id (BT-30-1). */
export const icdScheme = z.string().refine((s) => ICD_CODES.has(s), 'is not an ISO 6523 ICD code (e.g. 0002, 0088)');
export const vatexCode = z
  .string()
  .transform((s) => s.toUpperCase())
  .refine((s) => VATEX_CODES.has(s), 'is not a VATEX code (e.g. VATEX-EU-AE, VATEX-EU-IC)');

/** A VAT identifier: two-letter prefix and 2–12 characters (the shape EN 16931 states, BT-31/48). */
export const vatId = printed(20)
  .transform((s) => s.replace(/[\s.-]+/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}[A-Z0-9+*]{2,13}$/, 'must be a VAT id with its country prefix, e.g. DE123456789'));

export const nullable = <T extends z.ZodType>(t: T) => t.nullable().default(null);

/** The org profile's e-invoice fields (the seller, BG-4/BG-6). */
export const orgEinvoiceFields = {
  city: nullable(printed(100)),
  postalCode: nullable(printed(20)),
  vatId: nullable(vatId),
  taxRegistration: nullable(printed(40)).describe('BT-32, e.g. the German Steuernummer'),
  legalRegistrationId: nullable(printed(60)).describe('BT-30, e.g. the commercial register number'),
  legalRegistrationScheme: nullable(icdScheme),
  electronicAddress: nullable(printed(120)).describe(
    'BT-34, where the buyer’s system answers: an email (scheme EM) or a Peppol participant id',
  ),
  electronicAddressScheme: nullable(easScheme),
  contactName: nullable(printed(100)),
  contactPhone: nullable(printed(40)),
  contactEmail: nullable(z.email().max(254)),
};

/** The client's e-invoice fields (the buyer, BG-7). */
export const clientEinvoiceFields = {
  city: nullable(printed(100)),
  postalCode: nullable(printed(20)),
  vatId: nullable(vatId),
  legalRegistrationId: nullable(printed(60)),
  electronicAddress: nullable(printed(120)).describe('BT-49, e.g. the Leitweg-ID with scheme 0204'),
  electronicAddressScheme: nullable(easScheme),
  buyerReference: nullable(printed(100)).describe(
    'BT-10 default for this client (German public bodies: the Leitweg-ID)',
  ),
};

/** The stored form of the same fields: read without input rules, null when written before #12. */
export const storedNullable = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, z.string().nullable().default(null)])) as Record<
    K,
    z.ZodDefault<z.ZodNullable<z.ZodString>>
  >;
