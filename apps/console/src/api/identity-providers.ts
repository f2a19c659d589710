import type { Page } from '@switchboard/core/contracts/common';
import type {
  IdentityProvider,
  IdentityProviderCreate,
  IdentityProviderUpdate,
} from '@switchboard/core/contracts/identity-providers';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { useInvalidatingMutation } from './mutations.ts';
import { sessionQueries } from './session.ts';

const path = (id: string) => `/identity-providers/${encodeURIComponent(id)}`;

export const identityProviderQueries = {
  all: () => ['identity-providers'] as const,
  list: () =>
    queryOptions({
      queryKey: [...identityProviderQueries.all(), 'list'] as const,
      queryFn: ({ signal }) => apiRequest<Page<IdentityProvider>>('/identity-providers', { query: { limit: 200 }, signal }),
    }),
};

/** Providers also appear on the sign-in page. */
const affected = () => [identityProviderQueries.all(), sessionQueries.providers().queryKey];

export const useCreateIdentityProvider = () =>
  useInvalidatingMutation(
    (input: IdentityProviderCreate) => apiRequest<IdentityProvider>('/identity-providers', { method: 'POST', body: input }),
    affected(),
  );

export const useUpdateIdentityProvider = () =>
  useInvalidatingMutation(
    ({ id, patch }: { id: string; patch: IdentityProviderUpdate }) =>
      apiRequest<IdentityProvider>(path(id), { method: 'PATCH', body: patch }),
    affected(),
  );

export const useDeleteIdentityProvider = () =>
  useInvalidatingMutation((id: string) => apiRequest<void>(path(id), { method: 'DELETE' }), affected());
