import type { AdminEvent, AdminEventFilter } from '@switchboard/core/contracts/admin-events';
import type { Page } from '@switchboard/core/contracts/common';
import { keepPreviousData, queryOptions, useMutation } from '@tanstack/react-query';
import { apiDownload, apiRequest, saveBlob } from './client.ts';

export interface AdminEventPageParams extends AdminEventFilter {
  limit?: number;
  cursor?: string;
}

export const adminEventQueries = {
  all: () => ['admin-events'] as const,
  page: (params: AdminEventPageParams) =>
    queryOptions({
      queryKey: [...adminEventQueries.all(), 'page', params] as const,
      queryFn: ({ signal }) => apiRequest<Page<AdminEvent>>('/admin-events', { query: { ...params }, signal }),
      placeholderData: keepPreviousData,
    }),
};

/** Downloads every change matching the filter (all pages) as JSON Lines or CSV. */
export function useExportAdminEvents() {
  return useMutation({
    mutationFn: async ({ filter, format }: { filter: AdminEventFilter; format: 'jsonl' | 'csv' }) => {
      const blob = await apiDownload('/admin-events/export', { query: { ...filter, format } });
      saveBlob(blob, `switchboard-admin-changes.${format}`);
    },
  });
}
