// The wire contract of the CSV import (issue #13 item 6): one body for the check and the import.
import { z } from 'zod';
import { IMPORT_KINDS, IMPORT_PRESETS } from './import.fields.ts';

export const importMapping = z.union([
  z.strictObject({ preset: z.enum(IMPORT_PRESETS) }),
  z.strictObject({
    columns: z
      .record(z.string().max(40), z.string().max(200))
      .describe('field → the CSV header it is read from ("" leaves a field out)'),
  }),
]);

const importOptions = z.strictObject({
  createMissingClients: z
    .boolean()
    .default(false)
    .describe('invoices: create a client (name and email) when none matches by email or name'),
  decimalComma: z
    .boolean()
    .optional()
    .describe('amounts are written 1.234,50; default: true for ;-separated files, false otherwise'),
});

export const importInput = z.strictObject({
  // The file's text; its size and row count are limited by the parser (import.csv.ts), with its messages.
  csv: z.string(),
  mapping: importMapping,
  options: importOptions.default({ createMissingClients: false }),
});
export type ImportInput = z.infer<typeof importInput>;

export const importConfirmInput = importInput.extend({
  confirm: z.literal(true).describe('the import writes only when confirmed (the check is POST …/preview)'),
});

const rowError = z.object({
  line: z.number().int().describe('line in the file (the header is line 1)'),
  field: z.string().nullable(),
  column: z.string().nullable().describe('the CSV header the field was read from'),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof rowError>;

export const importReport = z.object({
  kind: z.enum(IMPORT_KINDS),
  delimiter: z.string(),
  headers: z.array(z.string()),
  mapping: z.record(z.string(), z.string().nullable()).describe('field → header used'),
  rows: z.number().int().describe('data rows in the file'),
  acceptedRows: z.number().int(),
  refused: z.array(rowError).describe('every problem of every refused row'),
  records: z
    .array(z.object({ lines: z.array(z.number().int()), record: z.record(z.string(), z.unknown()) }))
    .describe('what would be (or was) written, normalised, one per client, item or invoice'),
  numbering: z
    .object({
      kind: z.literal('invoice'),
      period: z.string(),
      nextValue: z.number().int(),
      suggestedNextValue: z.number().int(),
      nextNumber: z.string(),
    })
    .nullable()
    .describe(
      'imported numbers reach into the series Sealbill continues: move it forward (PUT /api/v1/numbering/invoice/next) to suggestedNextValue',
    ),
  written: z.number().int().describe('records written (0 for a check)'),
});
export type ImportReport = z.infer<typeof importReport>;
