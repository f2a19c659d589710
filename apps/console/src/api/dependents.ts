import type { Dependents } from '@switchboard/core/contracts/dependents';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';

export type DependentKind = 'upstream' | 'virtualServer' | 'user';

const bases: Record<DependentKind, string> = { upstream: 'upstreams', virtualServer: 'virtual-servers', user: 'users' };

/** What deleting an object would break; always fetched fresh when a confirmation opens. */
export const dependentsQueries = {
  all: () => ['dependents'] as const,
  of: (kind: DependentKind, id: string) =>
    queryOptions({
      queryKey: [...dependentsQueries.all(), kind, id] as const,
      queryFn: ({ signal }) => apiRequest<Dependents>(`/${bases[kind]}/${encodeURIComponent(id)}/dependents`, { signal }),
      staleTime: 0,
    }),
};
