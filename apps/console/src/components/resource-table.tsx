import type { Page } from '@switchboard/core/contracts/common';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { type Column, DataTable } from './data-table.tsx';
import { PageState } from './page-state.tsx';

interface ResourceTableProps<T extends { id: string }> {
  query: UseQueryResult<Page<T>>;
  /** What the list is of, plural, for messages ("upstreams"). */
  noun: string;
  empty: ReactNode;
  columns: Array<Column<T>>;
}

/** One page of a listed resource as a table, with its loading, error and empty states. */
export function ResourceTable<T extends { id: string }>({ query, noun, empty, columns }: ResourceTableProps<T>) {
  return (
    <PageState query={query} noun={noun} empty={empty}>
      {(items) => <DataTable columns={columns} rows={items} rowKey={(row) => row.id} />}
    </PageState>
  );
}
