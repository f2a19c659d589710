import type { ConsoleProviders, ConsoleSession, ConsoleSignIn, ConsoleTokenInfo } from '@switchboard/core/contracts/console-session';
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from './client.ts';
import { tokenStore } from './token-store.ts';

/** Who is signed in with the session cookie; remembers its CSRF token for later changes. */
async function fetchSession(signal: AbortSignal): Promise<ConsoleSession> {
  const session = await apiRequest<ConsoleSession>('/session', { auth: false, signal });
  const { token, csrfToken } = tokenStore.getState();
  if (!token && session.csrfToken && session.csrfToken !== csrfToken) tokenStore.adoptSession(session.csrfToken);
  return session;
}

export const sessionQueries = {
  all: () => ['session'] as const,
  current: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'current'] as const,
      queryFn: ({ signal }) => fetchSession(signal),
      staleTime: 60_000,
      retry: false,
    }),
  providers: () =>
    queryOptions({
      queryKey: [...sessionQueries.all(), 'providers'] as const,
      queryFn: ({ signal }) => apiRequest<ConsoleProviders>('/session/providers', { auth: false, signal }),
      staleTime: 5 * 60_000,
    }),
};

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: ConsoleSignIn) =>
      apiRequest<ConsoleSession>('/session', { method: 'POST', body: credentials, auth: false }),
    onSuccess: (session) => {
      if (session.csrfToken) tokenStore.adoptSession(session.csrfToken);
      queryClient.setQueryData(sessionQueries.current().queryKey, session);
    },
  });
}

/** Ends the cookie session (or forgets the API token) and every cached answer. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      if (!tokenStore.getToken()) await apiRequest<void>('/session', { method: 'DELETE', auth: false });
    },
    onSettled: () => {
      tokenStore.signOut();
      queryClient.clear();
    },
  });
}

/** Asks the gateway whether an admin token is valid, without keeping it (401 when not). */
export const useCheckToken = () =>
  useMutation({
    mutationFn: (token: string) =>
      apiRequest<ConsoleTokenInfo>('/session/token', { method: 'POST', body: { token }, auth: false }),
  });
