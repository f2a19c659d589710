import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { tokenStore } from './api/token-store.ts';
import { SignInCard } from './features/auth/sign-in-card.tsx';
import { HealthBadge } from './features/health/health-badge.tsx';
import { UpstreamsTable } from './features/upstreams/upstreams-table.tsx';
import { VirtualServersTable } from './features/virtual-servers/virtual-servers-table.tsx';

function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" width="28" height="28" role="img" aria-label="Switchboard logo">
      <title>Switchboard</title>
      <rect width="32" height="32" rx="8" fill="currentColor" />
      <path d="M9 11h14M9 16h14M9 21h14" stroke="white" strokeWidth="2.5" strokeLinecap="round" />
      <circle cx="13" cy="11" r="2.2" fill="white" />
      <circle cx="20" cy="16" r="2.2" fill="white" />
      <circle cx="11" cy="21" r="2.2" fill="white" />
    </svg>
  );
}

export function App() {
  const { token, notice } = useSyncExternalStore(tokenStore.subscribe, tokenStore.getState);
  const queryClient = useQueryClient();

  // Nothing fetched with one token may be shown to whoever signs in next.
  useEffect(() => {
    if (!token) queryClient.clear();
  }, [token, queryClient]);

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">
          <Logo />
          <span>Switchboard</span>
        </div>
        {token && (
          <div className="topbar-actions">
            <HealthBadge />
            <button type="button" className="button ghost" onClick={() => tokenStore.signOut()}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main className="content">
        {token ? (
          <div className="stack">
            <UpstreamsTable />
            <VirtualServersTable />
          </div>
        ) : (
          <SignInCard notice={notice} onSignIn={(value) => tokenStore.signIn(value)} />
        )}
      </main>
    </div>
  );
}
