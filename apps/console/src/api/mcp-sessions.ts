import type { OpenSessions } from '@switchboard/core/contracts/sessions';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';

/** MCP sessions open right now (per virtual server), refreshed while watched. */
export const mcpSessionQueries = {
  all: () => ['mcp-sessions'] as const,
  open: () =>
    queryOptions({
      queryKey: [...mcpSessionQueries.all(), 'open'] as const,
      queryFn: ({ signal }) => apiRequest<OpenSessions>('/sessions', { signal }),
      refetchInterval: 15_000,
    }),
};
