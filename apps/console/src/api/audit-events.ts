import type { Page } from '@switchboard/core/contracts/common';
import type { AuditEvent, AuditFilter, AuditStats } from '@switchboard/core/contracts/audit-events';
import { keepPreviousData, queryOptions, useMutation } from '@tanstack/react-query';
import { apiDownload, apiRequest, saveBlob } from './client.ts';

export interface AuditPageParams extends AuditFilter {
  limit?: number;
  cursor?: string;
}

export const auditQueries = {
  all: () => ['audit-events'] as const,
  page: (params: AuditPageParams) =>
    queryOptions({
      queryKey: [...auditQueries.all(), 'page', params] as const,
      queryFn: ({ signal }) => apiRequest<Page<AuditEvent>>('/audit-events', { query: { ...params }, signal }),
      placeholderData: keepPreviousData,
    }),
  stats: (minutes = 60) =>
    queryOptions({
      queryKey: [...auditQueries.all(), 'stats', minutes] as const,
      queryFn: ({ signal }) => apiRequest<AuditStats>('/audit-events/stats', { query: { minutes }, signal }),
      refetchInterval: 15_000,
    }),
};

/** Downloads every event matching the filter (all pages) as JSON Lines or CSV. */
export function useExportAuditEvents() {
  return useMutation({
    mutationFn: async ({ filter, format }: { filter: AuditFilter; format: 'jsonl' | 'csv' }) => {
      const blob = await apiDownload('/audit-events/export', { query: { ...filter, format } });
      saveBlob(blob, `switchboard-audit.${format}`);
    },
  });
}
