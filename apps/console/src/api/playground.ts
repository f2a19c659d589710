import type { PlaygroundCall, PlaygroundCallResult, PlaygroundTools } from '@switchboard/core/contracts/playground';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { auditQueries } from './audit-events.ts';
import { useInvalidatingMutation } from './mutations.ts';

const path = (id: string) => `/virtual-servers/${encodeURIComponent(id)}/playground`;

export const playgroundQueries = {
  all: () => ['playground'] as const,
  /** The tools `asUser` (default: the signed-in person) may use there: their access policy applies. */
  tools: (virtualServerId: string, asUser?: string) =>
    queryOptions({
      queryKey: [...playgroundQueries.all(), 'tools', virtualServerId, asUser ?? ''] as const,
      queryFn: ({ signal }) => apiRequest<PlaygroundTools>(`${path(virtualServerId)}/tools`, { signal, query: { asUser: asUser || undefined } }),
      enabled: Boolean(virtualServerId),
      // access rules may have changed anywhere (another admin, the API): ask again each time
      staleTime: 0,
    }),
};

/** A call lands in the audit log, so that is refetched. */
export const useCallTool = (virtualServerId: string) =>
  useInvalidatingMutation(
    (call: PlaygroundCall) => apiRequest<PlaygroundCallResult>(`${path(virtualServerId)}/tools/call`, { method: 'POST', body: call }),
    [auditQueries.all()],
  );
