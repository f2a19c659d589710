import type { CallStats } from '@switchboard/core/contracts/call-stats';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';

/** Latency percentiles and error rates per tool and per upstream (this gateway process, since it started). */
export const callStatsQueries = {
  all: () => ['call-stats'] as const,
  current: () =>
    queryOptions({
      queryKey: [...callStatsQueries.all(), 'current'] as const,
      queryFn: ({ signal }) => apiRequest<CallStats>('/stats/calls', { signal }),
      refetchInterval: 15_000,
    }),
};
