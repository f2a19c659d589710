import type { Page } from '@switchboard/core/contracts/common';
import type { OAuthClient, OAuthConsent } from '@switchboard/core/contracts/oauth-clients';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { useInvalidatingMutation } from './mutations.ts';

/** Clients of the authorization server (registered by DCR or identified by CIMD): read and revoke. */
export const oauthClientQueries = {
  all: () => ['oauth-clients'] as const,
  /** A page of clients; `q` searches the name and client id on the server. */
  list: (params: { q?: string; cursor?: string; limit?: number } = {}) =>
    queryOptions({
      queryKey: [...oauthClientQueries.all(), 'list', params] as const,
      queryFn: ({ signal }) => apiRequest<Page<OAuthClient>>('/oauth-clients', { query: { limit: 200, ...params }, signal }),
    }),
};

/** Remembered consents (user × client × virtual server). */
export const oauthConsentQueries = {
  all: () => ['oauth-consents'] as const,
  list: () =>
    queryOptions({
      queryKey: [...oauthConsentQueries.all(), 'list'] as const,
      queryFn: ({ signal }) => apiRequest<Page<OAuthConsent>>('/oauth-consents', { query: { limit: 200 }, signal }),
    }),
};

/** Revoking a client also ends its tokens and consents. */
export const useRevokeOAuthClient = () =>
  useInvalidatingMutation(
    (id: string) => apiRequest<OAuthClient>(`/oauth-clients/${encodeURIComponent(id)}/revoke`, { method: 'POST' }),
    [oauthClientQueries.all(), oauthConsentQueries.all()],
  );

export const useDeleteOAuthConsent = () =>
  useInvalidatingMutation(
    (id: string) => apiRequest<void>(`/oauth-consents/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    [oauthConsentQueries.all(), oauthClientQueries.all()],
  );
