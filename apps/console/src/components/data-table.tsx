import type { Key, ReactNode } from 'react';

/** One column: its header (omit for a row-actions column) and how a row fills its cell. */
export interface Column<T> {
  /** Visible header; without one the header reads "Actions" to screen readers only. */
  header?: string;
  cell: (row: T) => ReactNode;
  /** Classes of the body cell, e.g. "small" or "right nowrap". */
  className?: string;
}

interface DataTableProps<T> {
  columns: Array<Column<T>>;
  rows: readonly T[];
  rowKey: (row: T) => Key;
  /** Classes of the table; "table" unless told, e.g. "table compact". */
  className?: string;
  rowClassName?: (row: T) => string | undefined;
}

/**
 * A table of rows with one header row; each column says how to render its cell. On a
 * narrow screen the table scrolls inside its box, never the page.
 */
export function DataTable<T>({ columns, rows, rowKey, className = 'table', rowClassName }: DataTableProps<T>) {
  return (
    // Focusable: when it scrolls sideways (a phone), keyboard users must be able to scroll it.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <div className="table-scroll" tabIndex={0}>
    <table className={className}>
      <thead>
        <tr>
          {columns.map((column, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed for a table's life
            <th key={index} scope="col">
              {column.header ?? <span className="sr-only">Actions</span>}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} className={rowClassName?.(row)}>
            {columns.map((column, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed for a table's life
              <td key={index} className={column.className}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}
