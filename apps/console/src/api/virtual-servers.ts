import type { Page } from '@switchboard/core/contracts/common';
import type { VirtualServer, VirtualServerCreate, VirtualServerUpdate } from '@switchboard/core/contracts/virtual-servers';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { useDeleteMutation, useInvalidatingMutation } from './mutations.ts';

export interface VirtualServerListParams {
  limit?: number;
  cursor?: string;
  /** Searched on the server: part of the name or description. */
  q?: string;
}

const path = (id: string) => `/virtual-servers/${encodeURIComponent(id)}`;

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
      queryFn: ({ signal }) => apiRequest<VirtualServer>(path(id), { signal }),
    }),
};

export const useCreateVirtualServer = () =>
  useInvalidatingMutation(
    (input: VirtualServerCreate) => apiRequest<VirtualServer>('/virtual-servers', { method: 'POST', body: input }),
    [virtualServerQueries.all()],
  );

export const useUpdateVirtualServer = (id: string) =>
  useInvalidatingMutation(
    (patch: VirtualServerUpdate) => apiRequest<VirtualServer>(path(id), { method: 'PATCH', body: patch }),
    [virtualServerQueries.all()],
  );

export const useDeleteVirtualServer = () =>
  useDeleteMutation((id: string) => apiRequest<void>(path(id), { method: 'DELETE' }), virtualServerQueries.all());
