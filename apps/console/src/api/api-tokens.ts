import type { ApiToken, ApiTokenCreate, ApiTokenCreated } from '@switchboard/core/contracts/api-tokens';
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
};

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
