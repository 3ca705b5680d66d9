import { z } from 'zod';
import { lineText, multilineText } from '../../platform/http/text-guard.ts';
import { currencyCode } from '../orgs/org.schemas.ts';

// Item texts become invoice lines and tax rate names print next to them: printed text (text-guard.ts).
export const taxRateInput = z.strictObject({
  name: lineText(100, { printed: true }).min(1),
  rateBp: z.number().int().min(0).max(100_000).describe('basis points: 2000 = 20 %'),
  inclusive: z.boolean().default(false).describe('prices with this rate include the tax'),
});
export const taxRatePatch = z.strictObject({ name: lineText(100, { printed: true }).min(1).optional(), archived: z.boolean().optional() });
export const taxRateSchema = z.object({ id: z.string(), name: z.string(), rateBp: z.number(), inclusive: z.boolean(), archived: z.boolean(), createdAt: z.string() });
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
  includeArchived: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
