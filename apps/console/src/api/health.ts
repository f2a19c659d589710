import { queryOptions } from '@tanstack/react-query';
import { ApiError, apiRequest } from './client.ts';

export interface Readiness {
  ready: boolean;
  /** Why the gateway is not ready, when it said so. */
  detail: string | null;
  checkedAt: number;
}

async function fetchReadiness(signal: AbortSignal): Promise<Readiness> {
  try {
    await apiRequest<unknown>('/readyz', { base: '', auth: false, signal });
    return { ready: true, detail: null, checkedAt: Date.now() };
  } catch (error) {
    // 503 is an answer ("not ready", e.g. the database is down), not a failed request.
    if (error instanceof ApiError && error.status === 503) {
      return { ready: false, detail: error.code === 'http_503' ? null : error.message, checkedAt: Date.now() };
    }
    throw error;
  }
}

export const healthQueries = {
  all: () => ['health'] as const,
  ready: () =>
    queryOptions({
      queryKey: [...healthQueries.all(), 'ready'] as const,
      queryFn: ({ signal }) => fetchReadiness(signal),
      refetchInterval: 15_000,
      retry: false,
    }),
};
