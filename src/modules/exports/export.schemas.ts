// The organization data export: what an owner takes away when they leave (or keeps as their own
// record). The schema is the list of fields allowed out: the export is parsed with it before it
// is serialized, so nothing a module adds to its DTOs later leaks into exports unnoticed.
import { z } from 'zod';
import { clientSchema } from '../clients/client.schemas.ts';
import { documentExportSchema, payoutSnapshot } from '../documents/document.schemas.ts';
import { itemSchema, taxRateSchema } from '../catalog/catalog.schemas.ts';
import { orgSchema } from '../orgs/org.schemas.ts';
import { paymentSchema } from '../payments/payment.schemas.ts';
import { scheduleSchema } from '../recurring/recurring.service.ts';

export const EXPORT_FORMATS = ['json', 'invoices-csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportRequest = z.strictObject({
  format: z
    .enum(EXPORT_FORMATS)
    .default('json')
    .describe('json: everything of the organization; invoices-csv: one row per invoice, for spreadsheets'),
});

export const EXPORT_VERSION = 1;

export const orgExportSchema = z.object({
  format: z.literal('sealbill-export'),
  version: z.literal(EXPORT_VERSION),
  exportedAt: z.string(),
  organization: orgSchema.extend({
    /** Only when the exporting member may read payout details (payout:read); otherwise omitted. */
    payout: payoutSnapshot.optional(),
  }),
  clients: z.array(clientSchema),
  taxRates: z.array(taxRateSchema),
  items: z.array(itemSchema),
  /** Invoices, quotes and credit notes (see `kind`), drafts included. */
  documents: z.array(documentExportSchema),
  payments: z.array(paymentSchema),
  recurringSchedules: z.array(scheduleSchema),
});
export type OrgExport = z.infer<typeof orgExportSchema>;

/** A finished export: the bytes and how to offer them as a download. */
export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
  counts: Record<string, number>;
}
