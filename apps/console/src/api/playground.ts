import type {
  PlaygroundAnswer,
  PlaygroundCall,
  PlaygroundCatalog,
  PlaygroundComplete,
  PlaygroundCompletion,
  PlaygroundRequest,
  PlaygroundTools,
} from '@switchboard/core/contracts/playground';
import { queryOptions } from '@tanstack/react-query';
import { auditQueries } from './audit-events.ts';
import { apiRequest } from './client.ts';
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
  /** The resources, resource templates and prompts `asUser` may read and get there. */
  catalog: (virtualServerId: string, asUser?: string) =>
    queryOptions({
      queryKey: [...playgroundQueries.all(), 'catalog', virtualServerId, asUser ?? ''] as const,
      queryFn: ({ signal }) => apiRequest<PlaygroundCatalog>(`${path(virtualServerId)}/catalog`, { signal, query: { asUser: asUser || undefined } }),
      enabled: Boolean(virtualServerId),
      staleTime: 0,
    }),
  /** Suggestions for one prompt argument or template variable, as the person types. */
  complete: (virtualServerId: string, request: PlaygroundComplete) =>
    queryOptions({
      queryKey: [...playgroundQueries.all(), 'complete', virtualServerId, request] as const,
      queryFn: ({ signal }) => apiRequest<PlaygroundCompletion>(`${path(virtualServerId)}/complete`, { method: 'POST', body: request, signal }),
      staleTime: 30_000,
    }),
};

/** A call lands in the audit log, so that is refetched. */
export const useCallTool = (virtualServerId: string) =>
  useInvalidatingMutation(
    (call: PlaygroundCall) => apiRequest<PlaygroundAnswer>(`${path(virtualServerId)}/tools/call`, { method: 'POST', body: call }),
    [auditQueries.all()],
  );

/** Reads a resource or gets a prompt (audited like a tool call). */
export const useAskPlayground = (virtualServerId: string) =>
  useInvalidatingMutation(
    (request: PlaygroundRequest) => apiRequest<PlaygroundAnswer>(`${path(virtualServerId)}/request`, { method: 'POST', body: request }),
    [auditQueries.all()],
  );
