import type { ApiToken, ApiTokenCreate, ApiTokenCreated, McpKeyCreate } from '@switchboard/core/contracts/api-tokens';
import type { Page } from '@switchboard/core/contracts/common';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { useInvalidatingMutation } from './mutations.ts';

export const apiTokenQueries = {
  all: () => ['api-tokens'] as const,
  list: () =>
    queryOptions({
      queryKey: [...apiTokenQueries.all(), 'list'] as const,
      queryFn: ({ signal }) => apiRequest<Page<ApiToken>>('/api-tokens', { query: { limit: 200 }, signal }),
    }),
  /** One person's MCP keys (an administrator's view). */
  ofUser: (userId: string) =>
    queryOptions({
      queryKey: [...apiTokenQueries.all(), 'user', userId] as const,
      queryFn: ({ signal }) => apiRequest<Page<ApiToken>>(`/users/${encodeURIComponent(userId)}/mcp-keys`, { query: { limit: 200 }, signal }),
    }),
};

/** An MCP key acting as this person (a CI bot, a service account); its value is shown once. */
export const useMintUserKey = (userId: string) =>
  useInvalidatingMutation(
    (input: McpKeyCreate) => apiRequest<ApiTokenCreated>(`/users/${encodeURIComponent(userId)}/mcp-keys`, { method: 'POST', body: input }),
    [apiTokenQueries.all()],
  );

/** The response carries the token value: the only time it is ever shown. */
export const useCreateApiToken = () =>
  useInvalidatingMutation(
    (input: ApiTokenCreate) => apiRequest<ApiTokenCreated>('/api-tokens', { method: 'POST', body: input }),
    [apiTokenQueries.all()],
  );

export const useRevokeApiToken = () =>
  useInvalidatingMutation(
    (id: string) => apiRequest<ApiToken>(`/api-tokens/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    [apiTokenQueries.all()],
  );
