// The list screens' keyset paging (documents, payments): the first page through the query cache
// (keyed by the filter the URL holds), then "Load more" with the server's opaque cursor, appended
// below. A new filter starts again from the first page.
import { useEffect, useState } from 'react';
import type { QueryKey } from '@tanstack/react-query';
import { useApiQuery } from './query.ts';

/** The page sizes a list offers (the server's `limit`: 1 to 200). */
export const PAGE_SIZES = [25, 50, 100, 200];

/** `limit` from the URL when it is one of PAGE_SIZES, else the default 50. */
export function pageSizeFrom(q: URLSearchParams): number {
  const limit = Number(q.get('limit'));
  return PAGE_SIZES.includes(limit) ? limit : 50;
}

interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
}

export function useKeysetList<T, P extends KeysetPage<T>>(
  queryKey: QueryKey,
  load: (cursor: string | undefined, signal?: AbortSignal) => Promise<P>,
) {
  const list = useApiQuery(queryKey, (signal) => load(undefined, signal));
  const [extra, setExtra] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  useEffect(() => {
    setExtra([]);
    setCursor(list.data?.nextCursor ?? null);
  }, [list.data]);

  async function more() {
    if (!cursor) return;
    const page = await load(cursor);
    setExtra((e) => [...e, ...page.items]);
    setCursor(page.nextCursor);
  }

  return { list, rows: [...(list.data?.items ?? []), ...extra], cursor, more };
}
