// Keyset pagination: the cursor carries the last row's sort value and id, so pages stay stable
// while rows are inserted and no OFFSET scan is needed. Cursors are opaque to clients.
import { z } from 'zod';
import { AppError } from '../errors.ts';

export interface Cursor {
  v: string | number | null;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

const cursorShape = z.object({ v: z.union([z.string(), z.number(), z.null()]), id: z.string().max(64) });

export function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  try {
    return cursorShape.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('validation_failed', 'Invalid cursor', { fieldErrors: [{ path: '/query/cursor', message: 'is not a cursor returned by this API' }] });
  }
}

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
};

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export function pageResult<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
