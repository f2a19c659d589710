import type { Page } from '@switchboard/core/contracts/common';
import type { Policy, PolicyCreate, PolicyUpdate } from '@switchboard/core/contracts/policies';
import { queryOptions } from '@tanstack/react-query';
import { accessQueries } from './access.ts';
import { apiRequest } from './client.ts';
import { useInvalidatingMutation } from './mutations.ts';

export interface PolicyFilter {
  subjectId?: string;
  virtualServerId?: string;
  /** Searched on the server: part of the pattern, or of the subject's email or role name. */
  q?: string;
  cursor?: string;
  limit?: number;
}

const path = (id: string) => `/policies/${encodeURIComponent(id)}`;

export const policyQueries = {
  all: () => ['policies'] as const,
  list: (filter: PolicyFilter = {}) =>
    queryOptions({
      queryKey: [...policyQueries.all(), 'list', filter] as const,
      queryFn: ({ signal }) => apiRequest<Page<Policy>>('/policies', { query: { limit: 200, ...filter }, signal }),
    }),
};

/** Policies change what access previews answer, so those are refetched too. */
const affected = () => [policyQueries.all(), accessQueries.all()];

export const useCreatePolicy = () =>
  useInvalidatingMutation((input: PolicyCreate) => apiRequest<Policy>('/policies', { method: 'POST', body: input }), affected());

export const useUpdatePolicy = () =>
  useInvalidatingMutation(
    ({ id, patch }: { id: string; patch: PolicyUpdate }) => apiRequest<Policy>(path(id), { method: 'PATCH', body: patch }),
    affected(),
  );

export const useDeletePolicy = () =>
  useInvalidatingMutation((id: string) => apiRequest<void>(path(id), { method: 'DELETE' }), affected());
