import type { Page } from '@switchboard/core/contracts/common';
import type { Role, RoleCreate, RoleUpdate } from '@switchboard/core/contracts/identity';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { useInvalidatingMutation } from './mutations.ts';
import { userQueries } from './users.ts';

const path = (id: string) => `/roles/${encodeURIComponent(id)}`;

export const roleQueries = {
  all: () => ['roles'] as const,
  /** A page of roles; `q` searches name and description on the server. */
  list: (params: { q?: string; cursor?: string; limit?: number } = {}) =>
    queryOptions({
      queryKey: [...roleQueries.all(), 'list', params] as const,
      queryFn: ({ signal }) => apiRequest<Page<Role>>('/roles', { query: { limit: 200, ...params }, signal }),
    }),
};

export const useCreateRole = () =>
  useInvalidatingMutation((input: RoleCreate) => apiRequest<Role>('/roles', { method: 'POST', body: input }), [roleQueries.all()]);

export const useUpdateRole = () =>
  useInvalidatingMutation(
    ({ id, patch }: { id: string; patch: RoleUpdate }) => apiRequest<Role>(path(id), { method: 'PATCH', body: patch }),
    [roleQueries.all()],
  );

/** Deleting a role also changes users' role lists. */
export const useDeleteRole = () =>
  useInvalidatingMutation((id: string) => apiRequest<void>(path(id), { method: 'DELETE' }), [roleQueries.all(), userQueries.all()]);
