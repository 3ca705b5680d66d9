import { z } from 'zod';
import { lineText, multilineText } from '../../platform/http/text-guard.ts';
import { currencyCode } from '../orgs/org.schemas.ts';
import { vatCategory, vatexCode } from '../einvoice/einvoice.schemas.ts';
import { STANDARD_EXEMPTIONS } from '../einvoice/einvoice.totals.ts';

// Item texts become invoice lines and tax rate names print next to them: printed text (text-guard.ts).
// The VAT category (issue #12) defaults to what a rate meant before: S above 0 %, Z at 0 %. An
// exemption (E) must say why (BR-E-10): "Kleinunternehmer gemäß § 19 UStG" is E with that reason.
// AE, K, G and O get their standard legal wording when none is given (STANDARD_EXEMPTIONS).
const ZERO_RATE_CATEGORIES = new Set(['Z', 'E', 'AE', 'K', 'G', 'O']);
export const taxRateInput = z
  .strictObject({
    name: lineText(100, { printed: true }).min(1),
    rateBp: z.number().int().min(0).max(100_000).describe('basis points: 2000 = 20 %'),
    inclusive: z.boolean().default(false).describe('prices with this rate include the tax'),
    category: vatCategory.optional().describe('UNCL5305 VAT category; default S (rate > 0) or Z (0 %)'),
    exemptionReason: lineText(300, { printed: true })
      .min(1)
      .nullable()
      .default(null)
      .describe('BT-120: why no VAT is charged (prints on the document)'),
    exemptionCode: vatexCode.nullable().default(null).describe('BT-121: VATEX code, e.g. VATEX-EU-AE'),
  })
  .transform((r) => ({ ...r, category: r.category ?? (r.rateBp > 0 ? 'S' : 'Z') }))
  .superRefine((r, ctx) => {
    if (ZERO_RATE_CATEGORIES.has(r.category) && r.rateBp !== 0)
      ctx.addIssue({ code: 'custom', path: ['rateBp'], message: `category ${r.category} is charged at 0 %` });
    if (r.category === 'S' && r.rateBp === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['category'],
        message: 'a 0 % rate is Z (zero rated), E (exempt) or another zero category, not S',
      });
    const exempt = r.category !== 'S' && r.category !== 'Z' && r.category !== 'L' && r.category !== 'M';
    if (exempt && !r.exemptionReason && !r.exemptionCode && !STANDARD_EXEMPTIONS[r.category])
      ctx.addIssue({
        code: 'custom',
        path: ['exemptionReason'],
        message: `category ${r.category} needs an exemption reason (e.g. "Kleinunternehmer gemäß § 19 UStG")`,
      });
    if (!exempt && (r.exemptionReason || r.exemptionCode))
      ctx.addIssue({
        code: 'custom',
        path: ['exemptionReason'],
        message: `category ${r.category} has no exemption reason`,
      });
  });
export const taxRatePatch = z.strictObject({
  name: lineText(100, { printed: true }).min(1).optional(),
  archived: z.boolean().optional(),
});
export const taxRateSchema = z.object({
  id: z.string(),
  name: z.string(),
  rateBp: z.number(),
  inclusive: z.boolean(),
  category: vatCategory,
  exemptionReason: z.string().nullable(),
  exemptionCode: z.string().nullable(),
  archived: z.boolean(),
  createdAt: z.string(),
});
export type TaxRate = z.infer<typeof taxRateSchema>;

export const itemInput = z.strictObject({
  name: lineText(200, { printed: true }).min(1),
  description: multilineText(2000, { printed: true }).default(''),
  unit: lineText(20, { printed: true }).default(''),
  unitPrice: z.number().int().min(0).max(1e13).describe('minor units of currency'),
  currency: currencyCode,
  taxRateId: z.uuid().nullable().default(null),
});
export const itemPatch = z.strictObject({
  name: lineText(200, { printed: true }).min(1).optional(),
  description: multilineText(2000, { printed: true }).optional(),
  unit: lineText(20, { printed: true }).optional(),
  unitPrice: z.number().int().min(0).max(1e13).optional(),
  currency: currencyCode.optional(),
  taxRateId: z.uuid().nullable().optional(),
  archived: z.boolean().optional(),
});
export const itemSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  unit: z.string(),
  unitPrice: z.number(),
  currency: z.string(),
  taxRateId: z.string().nullable(),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Item = z.infer<typeof itemSchema>;
export const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  includeArchived: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
