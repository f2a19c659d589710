import type { ApiToken, ApiTokenCreated, McpKeyCreate } from '@switchboard/core/contracts/api-tokens';
import type { Page } from '@switchboard/core/contracts/common';
import type { MyServers } from '@switchboard/core/contracts/my-servers';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { useInvalidatingMutation } from './mutations.ts';

/** The signed-in person's own area (`/api/v1/me`): open to every person, admin or not. */
export const meQueries = {
  all: () => ['me'] as const,
  servers: () =>
    queryOptions({
      queryKey: [...meQueries.all(), 'servers'] as const,
      queryFn: ({ signal }) => apiRequest<MyServers>('/me/servers', { signal }),
    }),
  keys: () =>
    queryOptions({
      queryKey: [...meQueries.all(), 'keys'] as const,
      queryFn: ({ signal }) => apiRequest<Page<ApiToken>>('/me/keys', { query: { limit: 200 }, signal }),
    }),
};

/** The response carries the key's value: the only time it is ever shown. */
export const useMintKey = () =>
  useInvalidatingMutation((input: McpKeyCreate) => apiRequest<ApiTokenCreated>('/me/keys', { method: 'POST', body: input }), [meQueries.keys().queryKey]);

export const useRevokeKey = () =>
  useInvalidatingMutation((id: string) => apiRequest<ApiToken>(`/me/keys/${encodeURIComponent(id)}`, { method: 'DELETE' }), [meQueries.keys().queryKey]);
