/**
 * The console's credential in this browser tab. Either an admin API token, kept in
 * sessionStorage (it survives a reload but not closing the tab, and other tabs never see
 * it), or a cookie session — the cookie itself is HttpOnly, so only its CSRF token,
 * echoed on every change, is known here (in memory; `GET /session` returns it again).
 */
export interface TokenState {
  token: string | null;
  /** The cookie session's CSRF token, when signed in with email and password. */
  csrfToken: string | null;
  /** Why the user was signed out, shown on the sign-in card; null after a manual sign-out. */
  notice: string | null;
}

export interface TokenStore {
  getToken(): string | null;
  /** A stable snapshot for `useSyncExternalStore`: a new object only when something changed. */
  getState(): TokenState;
  subscribe(listener: () => void): () => void;
  signIn(token: string): void;
  /** Signed in with the session cookie: remember its CSRF token. */
  adoptSession(csrfToken: string): void;
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
    state ??= { token: read(), csrfToken: null, notice: null };
    return state;
  };
  const update = (next: TokenState) => {
    const prev = current();
    if (prev.token === next.token && prev.csrfToken === next.csrfToken && prev.notice === next.notice) return;
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
      update({ token: token.trim(), csrfToken: null, notice: null });
    },
    adoptSession(csrfToken) {
      update({ token: null, csrfToken, notice: null });
    },
    signOut(notice) {
      update({ token: null, csrfToken: null, notice: notice ?? null });
    },
  };
}

export const tokenStore = createTokenStore(() => globalThis.sessionStorage);
