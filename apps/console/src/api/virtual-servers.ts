import type { Page } from '@switchboard/core/contracts/common';
import type { VirtualServer } from '@switchboard/core/contracts/virtual-servers';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';

export interface VirtualServerListParams {
  limit?: number;
  cursor?: string;
}

export const virtualServerQueries = {
  all: () => ['virtual-servers'] as const,
  lists: () => [...virtualServerQueries.all(), 'list'] as const,
  list: (params: VirtualServerListParams = {}) =>
    queryOptions({
      queryKey: [...virtualServerQueries.lists(), params] as const,
      queryFn: ({ signal }) => apiRequest<Page<VirtualServer>>('/virtual-servers', { query: { ...params }, signal }),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...virtualServerQueries.all(), 'detail', id] as const,
      queryFn: ({ signal }) => apiRequest<VirtualServer>(`/virtual-servers/${encodeURIComponent(id)}`, { signal }),
    }),
};
