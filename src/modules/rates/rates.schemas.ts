import { z } from 'zod';
import { pageQuery } from '../../platform/http/pagination.ts';
import { isoDate } from '../../platform/http/schemas.ts';
import { currencyCode } from '../orgs/org.schemas.ts';
import { RATE_PATTERN } from './rate-decimal.ts';

export const rateSource = z.enum(['manual', 'ecb', 'provider']);

/** Same shape as a document's exchangeRate: the rate table's figures go into documents unchanged. */
export const rateString = z
  .string()
  .regex(RATE_PATTERN, 'must be a positive decimal such as "0.9240" (at most 10 decimals)')
  .refine((r) => /[1-9]/.test(r), 'must be positive');

export const rateInput = z.strictObject({
  currency: currencyCode.describe('the other currency: the rate is in the organization’s currency per 1 unit of it'),
  date: isoDate,
  rate: rateString.describe('units of the organization’s currency per 1 unit of `currency`'),
});
export type RateInput = z.infer<typeof rateInput>;

export const ratePatch = z.strictObject({ date: isoDate.optional(), rate: rateString.optional() });

export const rateSchema = z.object({
  id: z.string(),
  baseCurrency: z.string().describe('the organization’s currency'),
  currency: z.string(),
  date: z.string(),
  rate: z.string().describe('units of baseCurrency per 1 unit of currency'),
  source: rateSource,
  quoted: z.string().nullable().describe('the figure as its source published it, e.g. "1 EUR = 1.0823 USD"'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Rate = z.infer<typeof rateSchema>;

export const rateListQuery = z.strictObject({
  currency: currencyCode.optional(),
  source: rateSource.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  ...pageQuery,
});
export type RateListQuery = z.infer<typeof rateListQuery>;

export const effectiveQuery = z.strictObject({
  currency: currencyCode,
  date: isoDate.optional().describe('default: today in the organization’s time zone'),
});

/** What a document dated `date` in `currency` would take when no rate is typed. */
export const effectiveRateSchema = z.object({
  baseCurrency: z.string(),
  currency: z.string(),
  date: z.string(),
  rate: z
    .object({ id: z.string(), rate: z.string(), date: z.string(), source: rateSource })
    .nullable()
    .describe('null: no rate on or before the date (a document then needs a typed rate)'),
});
export type EffectiveRate = z.infer<typeof effectiveRateSchema>;

export const importResultSchema = z.object({
  format: z.enum(['csv', 'xml']),
  days: z.number().describe('days in the file'),
  from: z.string(),
  to: z.string(),
  rates: z.number().describe('rates in the file (new, replacing the same day’s ECB rate, or already there)'),
  changed: z.number().describe('rates added or corrected: 0 when the same file was imported before'),
  currencies: z.array(z.string()),
  skippedCurrencies: z
    .array(z.string())
    .describe('currencies whose rate to the organization’s currency needs more than 10 decimals or 9 digits'),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** POST /exchange-rates/fetch: what the provider's file brought, as an import's result. */
export const fetchResultSchema = importResultSchema.extend({
  provider: z.enum(['ecb']),
});
export type FetchResult = z.infer<typeof fetchResultSchema>;

export const providerInfoSchema = z.object({
  provider: z
    .enum(['ecb'])
    .nullable()
    .describe('the exchange-rate provider this server fetches from (SEALBILL_RATES_PROVIDER), or null'),
});
