import type { Page } from '@switchboard/core/contracts/common';
import type { RateLimit, RateLimitCreate, RateLimitUpdate } from '@switchboard/core/contracts/rate-limits';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { useInvalidatingMutation } from './mutations.ts';

const path = (id: string) => `/rate-limits/${encodeURIComponent(id)}`;

export const rateLimitQueries = {
  all: () => ['rate-limits'] as const,
  /** A page of rules; `q` searches name and pattern on the server. */
  list: (params: { q?: string; cursor?: string; limit?: number } = {}) =>
    queryOptions({
      queryKey: [...rateLimitQueries.all(), 'list', params] as const,
      queryFn: ({ signal }) => apiRequest<Page<RateLimit>>('/rate-limits', { query: { limit: 200, ...params }, signal }),
    }),
};

export const useCreateRateLimit = () =>
  useInvalidatingMutation((input: RateLimitCreate) => apiRequest<RateLimit>('/rate-limits', { method: 'POST', body: input }), [rateLimitQueries.all()]);

export const useUpdateRateLimit = () =>
  useInvalidatingMutation(
    ({ id, patch }: { id: string; patch: RateLimitUpdate }) => apiRequest<RateLimit>(path(id), { method: 'PATCH', body: patch }),
    [rateLimitQueries.all()],
  );

export const useDeleteRateLimit = () =>
  useInvalidatingMutation((id: string) => apiRequest<void>(path(id), { method: 'DELETE' }), [rateLimitQueries.all()]);
