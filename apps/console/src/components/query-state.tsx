import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';

interface QueryStateProps<T> {
  query: UseQueryResult<T>;
  /** What is loading, for messages ("the catalog"). */
  noun: string;
  children: (data: T) => ReactNode;
}

export function Loading({ noun }: { noun: string }) {
  return (
    <div className="state" role="status">
      <span className="spinner" aria-hidden="true" />
      Loading {noun}…
    </div>
  );
}

export function LoadError({ noun, error, retry, retrying }: { noun: string; error: Error; retry?: () => void; retrying?: boolean }) {
  return (
    <div className="state error" role="alert">
      <div>
        <strong>Could not load {noun}.</strong> {error.message}
        {error instanceof ApiError && <code className="error-code">{error.code}</code>}
      </div>
      {retry && (
        <button type="button" className="button small" onClick={retry} disabled={retrying}>
          {retrying ? 'Retrying…' : 'Retry'}
        </button>
      )}
    </div>
  );
}

/** Loading and error states of any one query; `children` renders its data. */
export function QueryState<T>({ query, noun, children }: QueryStateProps<T>) {
  if (query.isPending) return <Loading noun={noun} />;
  if (query.isError) return <LoadError noun={noun} error={query.error} retry={() => query.refetch()} retrying={query.isFetching} />;
  return <>{children(query.data)}</>;
}

/** A failed mutation, shown inline under the form or button that caused it. */
export function MutationError({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert">
      {error.message}
      {error instanceof ApiError && <code className="error-code">{error.code}</code>}
    </p>
  );
}
