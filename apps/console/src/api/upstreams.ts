import type { Page } from '@switchboard/core/contracts/common';
import type { Upstream } from '@switchboard/core/contracts/upstreams';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';

export interface UpstreamListParams {
  limit?: number;
  cursor?: string;
}

export const upstreamQueries = {
  all: () => ['upstreams'] as const,
  lists: () => [...upstreamQueries.all(), 'list'] as const,
  list: (params: UpstreamListParams = {}) =>
    queryOptions({
      queryKey: [...upstreamQueries.lists(), params] as const,
      queryFn: ({ signal }) => apiRequest<Page<Upstream>>('/upstreams', { query: { ...params }, signal }),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...upstreamQueries.all(), 'detail', id] as const,
      queryFn: ({ signal }) => apiRequest<Upstream>(`/upstreams/${encodeURIComponent(id)}`, { signal }),
    }),
};
