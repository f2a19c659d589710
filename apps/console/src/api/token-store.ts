/**
 * The admin API token of this browser tab, kept in sessionStorage: it survives a reload
 * but not closing the tab, and other tabs never see it.
 */
export interface TokenState {
  token: string | null;
  /** Why the user was signed out, shown on the sign-in card; null after a manual sign-out. */
  notice: string | null;
}

export interface TokenStore {
  getToken(): string | null;
  /** A stable snapshot for `useSyncExternalStore`: a new object only when something changed. */
  getState(): TokenState;
  subscribe(listener: () => void): () => void;
  signIn(token: string): void;
  signOut(notice?: string): void;
}

const STORAGE_KEY = 'switchboard.adminToken';

export function createTokenStore(storage: () => Storage | undefined): TokenStore {
  const listeners = new Set<() => void>();
  let state: TokenState | undefined;

  const read = (): string | null => {
    try {
      return storage()?.getItem(STORAGE_KEY) ?? null;
    } catch {
      return null; // storage disabled (privacy mode): the token lives in memory only
    }
  };
  const write = (token: string | null) => {
    try {
      if (token === null) storage()?.removeItem(STORAGE_KEY);
      else storage()?.setItem(STORAGE_KEY, token);
    } catch {
      // see read()
    }
  };
  const current = (): TokenState => {
    state ??= { token: read(), notice: null };
    return state;
  };
  const update = (next: TokenState) => {
    const prev = current();
    if (prev.token === next.token && prev.notice === next.notice) return;
    state = next;
    write(next.token);
    for (const listener of listeners) listener();
  };

  return {
    getToken: () => current().token,
    getState: current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    signIn(token) {
      update({ token: token.trim(), notice: null });
    },
    signOut(notice) {
      update({ token: null, notice: notice ?? null });
    },
  };
}

export const tokenStore = createTokenStore(() => globalThis.sessionStorage);
