import { queryOptions } from '@tanstack/react-query';
import { ApiError, apiRequest } from './client.ts';

export interface Readiness {
  ready: boolean;
  /** Serving, but its database does not answer (sessions already open keep working). */
  degraded: boolean;
  /** Why the gateway is not ready, when it said so. */
  detail: string | null;
  checkedAt: number;
}

async function fetchReadiness(signal: AbortSignal): Promise<Readiness> {
  try {
    const { status } = await apiRequest<{ status?: string }>('/readyz', { base: '', auth: false, signal });
    const degraded = status === 'degraded';
    return { ready: true, degraded, detail: degraded ? 'The database does not answer: open sessions keep working, changes fail until it is back' : null, checkedAt: Date.now() };
  } catch (error) {
    // 503 is an answer ("not ready": the gateway is shutting down), not a failed request.
    if (error instanceof ApiError && error.status === 503) {
      return { ready: false, degraded: false, detail: error.code === 'http_503' ? null : error.message, checkedAt: Date.now() };
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
