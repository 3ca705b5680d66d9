// The one table of the list screens: a scrollable, labelled region (TableWrap) around a table
// whose columns are declared once, so headers, numeric alignment and row keys are not copied
// screen by screen.
import type { ReactNode } from 'react';
import { num } from '../lib/format.ts';
import { t } from '../lib/i18n.ts';
import { TableWrap } from './TableWrap.tsx';

export interface Column<T> {
  /** Column heading; a string, or markup such as a visually hidden "Actions". */
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Right-aligned numbers (amounts, rates). */
  numeric?: boolean;
  /** Class of the column's cells (e.g. "actions" for a row's buttons). */
  className?: string;
}

export function DataTable<T>({
  label,
  caption,
  showCaption = false,
  columns,
  rows,
  rowKey,
}: {
  /** Accessible name of the scroll region. */
  label: string;
  /** A caption naming the table; visually hidden (screen readers only) unless `showCaption`. */
  caption?: string;
  showCaption?: boolean;
  /** `false` leaves a column out (e.g. one that only applies to invoices). */
  columns: (Column<T> | false)[];
  rows: readonly T[];
  rowKey: (row: T) => string;
}) {
  const shown = columns.filter((c): c is Column<T> => c !== false);
  return (
    <TableWrap label={label}>
      <table>
        {caption ? <caption className={showCaption ? undefined : 'visually-hidden'}>{caption}</caption> : null}
        <thead>
          <tr>
            {shown.map((c, i) => (
              <th key={i} scope="col" className={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {shown.map((c, i) => (
                <td key={i} className={c.numeric ? 'num' : c.className}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** The visually hidden heading of an actions column. */
export function ActionsHeader({ children = 'Actions' }: { children?: ReactNode }) {
  return <span className="visually-hidden">{children}</span>;
}

/**
 * How many rows a list's filter matches, as the server counted it: exactly up to its cap (10,000),
 * "More than 10,000" above, so the count costs the same at any size of the organization.
 */
export function ListCount({ count, capped }: { count: number | null | undefined; capped: boolean | undefined }) {
  if (count === null || count === undefined) return null;
  return (
    <p className="muted list-count">
      {capped ? t('documents.countCapped', { n: num(count) }) : t('documents.count', { n: num(count) })}
    </p>
  );
}
