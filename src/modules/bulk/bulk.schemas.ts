// The wire contract of bulk actions (issue #13, item 5): shared by the routes, OpenAPI and tests.
import { z } from 'zod';
import { DOCUMENT_KINDS, documentListQuery } from '../documents/document.schemas.ts';
import { EINVOICE_FORMATS } from '../einvoice/einvoice.formats.ts';

/** The most documents one bulk action takes (a request beyond it is refused with 400, not cut short). */
export const MAX_BULK_SELECTION = 10_000;

export const BULK_ACTIONS = ['issue', 'send', 'mark_sent', 'download', 'export_csv'] as const;
export const DOWNLOAD_FORMATS = ['pdf', ...EINVOICE_FORMATS] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

/** The document list's filter, without its paging (a bulk action takes every match, in the list's order). */
export const bulkFilter = documentListQuery.omit({ limit: true, cursor: true });
export type BulkFilter = z.infer<typeof bulkFilter>;

export const bulkActionInput = z
  .strictObject({
    kind: z.enum(DOCUMENT_KINDS),
    action: z.enum(BULK_ACTIONS),
    ids: z
      .array(z.uuid())
      .min(1)
      .max(MAX_BULK_SELECTION, `at most ${MAX_BULK_SELECTION} documents per bulk action`)
      .optional()
      .describe('the selected documents; or `filter`'),
    filter: bulkFilter.optional().describe('every document the list shows for this filter (at most 10,000)'),
    format: z.enum(DOWNLOAD_FORMATS).optional().describe("download: 'pdf' (default) or an e-invoice format"),
  })
  .refine((v) => (v.ids === undefined) !== (v.filter === undefined), {
    message: 'give either ids or filter',
    path: ['ids'],
  })
  .refine((v) => v.format === undefined || v.action === 'download', {
    message: 'only a download takes a format',
    path: ['format'],
  })
  .refine((v) => v.kind !== 'quote' || v.action !== 'download' || (v.format ?? 'pdf') === 'pdf', {
    message: 'quotes have no e-invoice',
    path: ['format'],
  });
export type BulkActionInput = z.infer<typeof bulkActionInput>;

export const bulkJobSchema = z.object({
  id: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  action: z.enum(BULK_ACTIONS),
  format: z.enum(DOWNLOAD_FORMATS).nullable(),
  status: z.enum(['running', 'finished']),
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  failures: z
    .array(
      z.object({
        documentId: z.string(),
        number: z.string().nullable(),
        code: z.string(),
        message: z.string(),
      }),
    )
    .describe('the first 200 documents the action failed for, in selection order'),
  file: z
    .object({ filename: z.string(), contentType: z.string() })
    .nullable()
    .describe('download and export_csv: the result, once finished (GET …/file)'),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type BulkJob = z.infer<typeof bulkJobSchema>;
