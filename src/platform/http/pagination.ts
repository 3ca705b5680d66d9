// Keyset pagination: the cursor carries the last row's sort value and id, so pages stay stable
// while rows are inserted and no OFFSET scan is needed. Cursors are opaque to clients.
import { z } from 'zod';
import { AppError } from '../errors.ts';

export interface Cursor {
  /** The last row's sort value; a pair for a sort by amount within currency ([currency, amount]). */
  v: string | number | [string, number] | null;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/**
 * What a list's cursor value must be, given the column the list is sorted by. The decoded value
 * is compared with that column in SQL, so anything else is refused before the query: on
 * PostgreSQL a string, a fraction or a number past the bigint range compared with a bigint column
 * failed in the database (500).
 */
export type CursorValue = 'none' | 'id' | 'integer' | 'date' | 'text' | 'currency_integer';

const id = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const integer = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const VALUE: Record<CursorValue, z.ZodType<Cursor['v']>> = {
  none: z.null(),
  id,
  // Amounts are integer minor units held as JS-safe integers (see platform/db/kysely.ts).
  integer,
  // Dates are ISO calendar dates; '' stands for an empty (NULL) date in the keyset comparison.
  date: z.union([z.literal(''), z.iso.date()]),
  text: z.string().max(200),
  // Amounts of different currencies do not compare: a sort by amount orders within each currency.
  currency_integer: z.tuple([z.string().regex(/^[A-Z]{3}$/), integer]),
};

export function decodeCursor(raw: string | undefined, value: CursorValue = 'none'): Cursor | null {
  if (!raw) return null;
  const refused = () =>
    new AppError('validation_failed', 'Invalid cursor', {
      fieldErrors: [{ path: '/query/cursor', message: 'is not a cursor returned by this API for this sort' }],
    });
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  const r = z.strictObject({ v: VALUE[value], id }).safeParse(json);
  if (!r.success) throw refused();
  return r.data;
}

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Lists count their matches up to this many; above, they answer `count: 10000, countCapped: true` ("10,000+"). */
export const COUNT_CAP = 10_000;

/** A page that also says how many rows match (first page only; counted up to COUNT_CAP). */
export const countedPageOf = <T extends z.ZodType>(item: T) =>
  pageOf(item).extend({
    count: z
      .number()
      .int()
      .nullable()
      .describe(
        `rows matching the filter, counted up to ${COUNT_CAP} (first page only; null on next pages and for a search by a word thousands of rows share)`,
      ),
    countCapped: z.boolean().describe(`true when more than ${COUNT_CAP} rows match (count is then ${COUNT_CAP})`),
  });

export function pageResult<T>(
  rows: T[],
  limit: number,
  cursorOf: (row: T) => Cursor,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
