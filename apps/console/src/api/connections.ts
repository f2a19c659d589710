import type { Connection, ConnectionValues } from '@switchboard/core/contracts/credentials';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { useInvalidatingMutation } from './mutations.ts';

type ConnectionList = { items: Connection[] };
const upstreamPath = (upstream: string) => encodeURIComponent(upstream);

/**
 * Connections to upstreams that act as each person: the signed-in person's own
 * (`/me/connections`) and, for administrators, anyone's status (`/users/{id}/connections`).
 * Values are write-only: only whether each is set ever comes back.
 */
export const connectionQueries = {
  all: () => ['connections'] as const,
  mine: () =>
    queryOptions({
      queryKey: [...connectionQueries.all(), 'mine'] as const,
      queryFn: ({ signal }) => apiRequest<ConnectionList>('/me/connections', { signal }),
    }),
  ofUser: (userId: string) =>
    queryOptions({
      queryKey: [...connectionQueries.all(), 'user', userId] as const,
      queryFn: ({ signal }) => apiRequest<ConnectionList>(`/users/${encodeURIComponent(userId)}/connections`, { signal }),
    }),
};

export const useSetConnectionValues = () =>
  useInvalidatingMutation(
    ({ upstream, values }: { upstream: string } & ConnectionValues) =>
      apiRequest<Connection>(`/me/connections/${upstreamPath(upstream)}`, { method: 'PUT', body: { values } }),
    [connectionQueries.all()],
  );

export const useDisconnect = () =>
  useInvalidatingMutation(
    (upstream: string) => apiRequest<void>(`/me/connections/${upstreamPath(upstream)}`, { method: 'DELETE' }),
    [connectionQueries.all()],
  );

/** OAuth upstreams: the gateway answers the authorization URL to open in this browser. */
export const useAuthorize = () =>
  useInvalidatingMutation(
    (upstream: string) => apiRequest<{ url: string }>(`/me/connections/${upstreamPath(upstream)}/authorize`, { method: 'POST' }),
    [],
  );

export const useRevokeUserConnection = () =>
  useInvalidatingMutation(
    ({ userId, upstream }: { userId: string; upstream: string }) =>
      apiRequest<void>(`/users/${encodeURIComponent(userId)}/connections/${upstreamPath(upstream)}`, { method: 'DELETE' }),
    [connectionQueries.all()],
  );
