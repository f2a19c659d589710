import type { Page } from '@switchboard/core/contracts/common';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { LoadError, Loading } from './query-state.tsx';

interface PageStateProps<T> {
  query: UseQueryResult<Page<T>>;
  /** What the list is of, plural, for messages ("upstreams"). */
  noun: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}

/** Loading, error and empty states of one page of a list; `children` renders the rows. */
export function PageState<T>({ query, noun, empty, children }: PageStateProps<T>) {
  if (query.isPending) return <Loading noun={noun} />;
  if (query.isError) return <LoadError noun={noun} error={query.error} retry={() => query.refetch()} retrying={query.isFetching} />;
  const { items, nextCursor } = query.data;
  if (items.length === 0) return <div className="state empty">{empty}</div>;
  return (
    <>
      {children(items)}
      {nextCursor && (
        <p className="footnote">
          Showing the first {items.length} {noun}.
        </p>
      )}
    </>
  );
}
