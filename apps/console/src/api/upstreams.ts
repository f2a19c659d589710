import type { Page } from '@switchboard/core/contracts/common';
import type { ConnectionTest } from '@switchboard/core/contracts/connection-test';
import type {
  Upstream,
  UpstreamCatalogDto,
  UpstreamCreate,
  UpstreamStatusDto,
  UpstreamUpdate,
} from '@switchboard/core/contracts/upstreams';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { useDeleteMutation } from './mutations.ts';

export interface UpstreamListParams {
  limit?: number;
  cursor?: string;
  /** Searched on the server: part of the name or description. */
  q?: string;
}

export type { ConnectionTest } from '@switchboard/core/contracts/connection-test';

const path = (id: string) => `/upstreams/${encodeURIComponent(id)}`;

/** The stored catalog, or null when the upstream has never been listed (not an error). */
/** null when not listed yet (the gateway answers 204: a normal state, not an error). */
async function fetchCatalog(id: string, signal: AbortSignal): Promise<UpstreamCatalogDto | null> {
  return (await apiRequest<UpstreamCatalogDto | undefined>(`${path(id)}/catalog`, { signal })) ?? null;
}

export const upstreamQueries = {
  all: () => ['upstreams'] as const,
  lists: () => [...upstreamQueries.all(), 'list'] as const,
  list: (params: UpstreamListParams = {}) =>
    queryOptions({
      queryKey: [...upstreamQueries.lists(), params] as const,
      queryFn: ({ signal }) => apiRequest<Page<Upstream>>('/upstreams', { query: { ...params }, signal }),
      refetchInterval: 10_000,
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...upstreamQueries.all(), 'detail', id] as const,
      queryFn: ({ signal }) => apiRequest<Upstream>(path(id), { signal }),
      refetchInterval: 5_000,
    }),
  catalog: (id: string) =>
    queryOptions({
      queryKey: [...upstreamQueries.all(), 'catalog', id] as const,
      queryFn: ({ signal }) => fetchCatalog(id, signal),
    }),
};

function useInvalidateUpstreams() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: upstreamQueries.all() });
}

export function useCreateUpstream() {
  const invalidate = useInvalidateUpstreams();
  return useMutation({
    mutationFn: (input: UpstreamCreate) => apiRequest<Upstream>('/upstreams', { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateUpstream(id: string) {
  const invalidate = useInvalidateUpstreams();
  return useMutation({
    mutationFn: (patch: UpstreamUpdate) => apiRequest<Upstream>(path(id), { method: 'PATCH', body: patch }),
    onSuccess: invalidate,
  });
}

export const useDeleteUpstream = () => useDeleteMutation((id: string) => apiRequest<void>(path(id), { method: 'DELETE' }), upstreamQueries.all());

export function useTestUpstream() {
  return useMutation({
    mutationFn: (input: UpstreamCreate) => apiRequest<ConnectionTest>('/upstreams/test', { method: 'POST', body: input }),
  });
}

/** Connects if needed and lists the upstream again. */
export function useRefreshUpstream() {
  const invalidate = useInvalidateUpstreams();
  return useMutation({
    mutationFn: (id: string) => apiRequest<UpstreamCatalogDto>(`${path(id)}/refresh`, { method: 'POST' }),
    onSettled: invalidate,
  });
}

export function useRestartUpstream() {
  const invalidate = useInvalidateUpstreams();
  return useMutation({
    mutationFn: (id: string) => apiRequest<UpstreamStatusDto>(`${path(id)}/restart`, { method: 'POST' }),
    onSettled: invalidate,
  });
}
