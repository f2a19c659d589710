import { type QueryClient, useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { sessionQueries } from '../api/session.ts';
import { tokenStore } from '../api/token-store.ts';

/**
 * Who is at the console: an admin API token (it administers), or a person signed in with
 * the session cookie (an administrator or not).
 */
export function useConsoleUser() {
  const { token, csrfToken, notice } = useSyncExternalStore(tokenStore.subscribe, tokenStore.getState);
  const session = useQuery(sessionQueries.current());
  const user = csrfToken ? session.data?.user : null;
  const signedIn = Boolean(token || user);
  const isAdmin = token ? true : Boolean(user?.isAdmin);
  return { token, csrfToken, notice, session, user, signedIn, isAdmin };
}

/** Whether the administration API will answer now (route loaders prefetch only then). */
export function administering(queryClient: QueryClient): boolean {
  const { token, csrfToken } = tokenStore.getState();
  if (token) return true;
  return Boolean(csrfToken && queryClient.getQueryData(sessionQueries.current().queryKey)?.user?.isAdmin);
}
