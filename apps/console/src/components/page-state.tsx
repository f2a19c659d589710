import type { Page } from '@switchboard/core/contracts/common';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

interface PageStateProps<T> {
  query: UseQueryResult<Page<T>>;
  /** What the list is of, plural, for messages ("upstreams"). */
  noun: string;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}

/** Loading, error and empty states of one page of a list; `children` renders the rows. */
export function PageState<T>({ query, noun, empty, children }: PageStateProps<T>) {
  if (query.isPending) {
    return (
      <div className="state" role="status">
        <span className="spinner" aria-hidden="true" />
        Loading {noun}…
      </div>
    );
  }
  if (query.isError) {
    const { error } = query;
    return (
      <div className="state error" role="alert">
        <div>
          <strong>Could not load {noun}.</strong> {error.message}
          {error instanceof ApiError && <code className="error-code">{error.code}</code>}
        </div>
        <button type="button" className="button small" onClick={() => query.refetch()} disabled={query.isFetching}>
          {query.isFetching ? 'Retrying…' : 'Retry'}
        </button>
      </div>
    );
  }
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
