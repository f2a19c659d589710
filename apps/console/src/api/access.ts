import type { AccessExplanation } from '@switchboard/core/contracts/access';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';

/** The access preview: "as this user on this server: these items, because of these rules". */
export const accessQueries = {
  all: () => ['access'] as const,
  explain: (virtualServerId: string, user: string) =>
    queryOptions({
      queryKey: [...accessQueries.all(), virtualServerId, user] as const,
      queryFn: ({ signal }) =>
        apiRequest<AccessExplanation>(`/virtual-servers/${encodeURIComponent(virtualServerId)}/access`, { query: { user }, signal }),
      enabled: Boolean(virtualServerId && user),
    }),
};
