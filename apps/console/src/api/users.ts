import type { Page } from '@switchboard/core/contracts/common';
import type { User, UserCreate, UserUpdate } from '@switchboard/core/contracts/identity';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { useDeleteMutation, useInvalidatingMutation } from './mutations.ts';

export interface UserListParams {
  q?: string;
  cursor?: string;
  limit?: number;
}

const path = (id: string) => `/users/${encodeURIComponent(id)}`;

export const userQueries = {
  all: () => ['users'] as const,
  /** One page; `q` searches email and name on the server. */
  list: (params: UserListParams = {}) =>
    queryOptions({
      queryKey: [...userQueries.all(), 'list', params] as const,
      queryFn: ({ signal }) => apiRequest<Page<User>>('/users', { query: { limit: 50, ...params }, signal }),
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...userQueries.all(), 'detail', id] as const,
      queryFn: ({ signal }) => apiRequest<User>(path(id), { signal }),
    }),
};

export const useCreateUser = () =>
  useInvalidatingMutation((input: UserCreate) => apiRequest<User>('/users', { method: 'POST', body: input }), [userQueries.all()]);

export const useUpdateUser = () =>
  useInvalidatingMutation(
    ({ id, patch }: { id: string; patch: UserUpdate }) => apiRequest<User>(path(id), { method: 'PATCH', body: patch }),
    [userQueries.all()],
  );

export const useDeleteUser = () =>
  useDeleteMutation((id: string) => apiRequest<void>(path(id), { method: 'DELETE' }), userQueries.all());
