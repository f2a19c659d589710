import type { PlaygroundCall, PlaygroundCallResult, PlaygroundTools } from '@switchboard/core/contracts/playground';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { auditQueries } from './audit-events.ts';
import { useInvalidatingMutation } from './mutations.ts';

const path = (id: string) => `/virtual-servers/${encodeURIComponent(id)}/playground`;

export const playgroundQueries = {
  all: () => ['playground'] as const,
  tools: (virtualServerId: string) =>
    queryOptions({
      queryKey: [...playgroundQueries.all(), 'tools', virtualServerId] as const,
      queryFn: ({ signal }) => apiRequest<PlaygroundTools>(`${path(virtualServerId)}/tools`, { signal }),
      enabled: Boolean(virtualServerId),
    }),
};

/** A call lands in the audit log, so that is refetched. */
export const useCallTool = (virtualServerId: string) =>
  useInvalidatingMutation(
    (call: PlaygroundCall) => apiRequest<PlaygroundCallResult>(`${path(virtualServerId)}/tools/call`, { method: 'POST', body: call }),
    [auditQueries.all()],
  );
