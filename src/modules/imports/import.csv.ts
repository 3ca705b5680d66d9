// Reading an uploaded CSV file (issue #13 item 6), with csv-parse doing the quoting rules of
// RFC 4180. Spreadsheets differ in what they write: Excel in German or French locales separates
// with ';' (the decimal comma takes ','), LibreOffice and Invoice Ninja with ','; Excel's
// "CSV UTF-8" starts with a byte-order mark. The delimiter is taken from the header line (the
// character among , ; and tab that occurs most often outside quotes); the mark is dropped.
// The limits keep one request's work bounded: an import is checked as a whole, in one transaction.
import { parse } from 'csv-parse/sync';
import { AppError } from '../../platform/errors.ts';

/** Characters of CSV text accepted in one import (about 2 MB of typical UTF-8). */
export const MAX_CSV_CHARS = 2_000_000;
/** Data rows accepted in one import (header excluded). */
export const MAX_CSV_ROWS = 5_000;
const MAX_COLUMNS = 200;

export type CsvDelimiter = ',' | ';' | '\t';

export interface ParsedCsv {
  delimiter: CsvDelimiter;
  headers: string[];
  /** Each data row by header (trimmed), with its line number in the file (the header is line 1). */
  rows: Array<{ line: number; values: Record<string, string> }>;
}

const refuse = (message: string): AppError =>
  new AppError('validation_failed', message, { fieldErrors: [{ path: '/body/csv', message }] });

/** The delimiter of the header line: the most frequent of , ; and tab outside double quotes (',' on a tie). */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  const best = (Object.keys(counts) as CsvDelimiter[]).reduce((a, b) => (counts[b] > counts[a] ? b : a), ',');
  return best;
}

export function parseCsv(input: string): ParsedCsv {
  if (input.length > MAX_CSV_CHARS)
    throw new AppError(
      'payload_too_large',
      `The file is larger than ${MAX_CSV_CHARS} characters: split it into several imports`,
    );
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  if (text.trim() === '') throw refuse('The file is empty');
  const delimiter = detectDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      to_line: MAX_CSV_ROWS + 2, // one past the limit, to tell "too many" from "exactly the limit"
      max_record_size: 64 * 1024,
    }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw refuse(`The file is not valid CSV${line ? ` (near line ${line})` : ''}: ${(err as Error).message}`);
  }
  const [header, ...data] = records;
  if (!header || header.every((h) => h === '')) throw refuse('The file has no header line');
  if (header.length > MAX_COLUMNS) throw refuse(`The file has more than ${MAX_COLUMNS} columns`);
  if (data.length > MAX_CSV_ROWS)
    throw refuse(`The file has more than ${MAX_CSV_ROWS} rows: split it into several imports`);
  const headers = header.map((h, i) => h || `Column ${i + 1}`);
  const seen = new Set<string>();
  for (const h of headers) {
    if (seen.has(h.toLowerCase())) throw refuse(`The header "${h}" appears twice`);
    seen.add(h.toLowerCase());
  }
  return {
    delimiter,
    headers,
    rows: data
      .filter((r) => r.some((v) => v !== ''))
      .map((r, i) => ({
        line: i + 2,
        values: Object.fromEntries(headers.map((h, j) => [h, r[j] ?? ''])),
      })),
  };
}
