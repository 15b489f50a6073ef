import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import './DataTable.css';

export interface Column<T> {
  /** The heading. A text heading also names the cell on phones, in a `card-table` (`data-label`). */
  label: ComponentChildren;
  /** The heading's and the cells' class: `col-num` puts numbers on the right. */
  class?: string;
  cell: (row: T) => ComponentChildren;
  /** The cells head their rows (`<th scope="row">`). */
  rowHeader?: boolean;
}

interface Props<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string | number;
  /** More classes beside `ca-table`; `card-table` shows each row as a card on phones. */
  class?: string;
  /** Read by screen readers only: what the table lists. */
  caption?: ComponentChildren;
  /** A click anywhere on a row (but on its own links and buttons) opens this address. */
  rowHref?: (row: T) => string;
}

/** A list as a table, described by its columns: the heading and how to show each row's cell. */
export function DataTable<T>({ columns, rows, rowKey, class: extra, caption, rowHref }: Props<T>) {
  const { route } = useLocation();
  return (
    <table class={extra ? `ca-table ${extra}` : 'ca-table'}>
      {caption && <caption class="screen-reader-text">{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} scope="col" class={c.class}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr
            key={rowKey(row, i)}
            class={rowHref && 'is-clickable'}
            onClick={rowHref && ((e) => !(e.target as Element).closest('a, button') && route(rowHref(row)))}
          >
            {columns.map((c, j) =>
              c.rowHeader ? (
                <th key={j} scope="row" class={c.class}>
                  {c.cell(row)}
                </th>
              ) : (
                <td key={j} class={c.class} data-label={typeof c.label === 'string' ? c.label : undefined}>
                  {c.cell(row)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
