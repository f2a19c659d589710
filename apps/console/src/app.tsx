import { useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { sessionQueries, useSignOut } from './api/session.ts';
import { Loading } from './components/query-state.tsx';
import { SignInCard } from './features/auth/sign-in-card.tsx';
import { HealthBadge } from './features/health/health-badge.tsx';
import { useConsoleUser } from './layout/console-user.ts';
import { PageOutlet } from './layout/page-outlet.tsx';
import { Sidebar } from './layout/sidebar.tsx';

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

/** The console's frame (the root route): top bar, navigation, and the page — or the sign-in card. */
export function App() {
  const { token, csrfToken, notice, session, user, signedIn, isAdmin } = useConsoleUser();
  const queryClient = useQueryClient();
  const signOut = useSignOut();
  // Narrow screens: the navigation folds behind a Menu button, and folds again on navigating.
  const [menuOpen, setMenuOpen] = useState(false);
  const pathname = useLocation({ select: (location) => location.pathname });
  // biome-ignore lint/correctness/useExhaustiveDependencies: closes the menu whenever the page changes
  useEffect(() => setMenuOpen(false), [pathname]);

  // Nothing fetched with one credential may be shown to whoever signs in next; and after
  // a session ended on its own (a 401), ask the gateway again who is signed in.
  const hadCredential = useRef(false);
  useEffect(() => {
    const has = Boolean(token || csrfToken);
    if (hadCredential.current && !has) {
      queryClient.removeQueries({ predicate: (q) => !sessionQueries.all().every((part, i) => q.queryKey[i] === part) });
      void queryClient.invalidateQueries({ queryKey: sessionQueries.all() });
    }
    hadCredential.current = has;
  }, [token, csrfToken, queryClient]);

  useEffect(() => {
    if (!signedIn) document.title = 'Sign in · Switchboard';
  }, [signedIn]);
  const who = user ? (user.name ?? user.email) : 'API token';

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <Logo />
          <span>Switchboard</span>
        </Link>
        {signedIn && (
          <div className="topbar-actions">
            <button
              type="button"
              className="button ghost menu-toggle"
              aria-expanded={menuOpen}
              aria-controls="console-nav"
              onClick={() => setMenuOpen((open) => !open)}
            >
              Menu
            </button>
            <HealthBadge />
            <span className="who" title={user?.email}>
              {who}
            </span>
            <button type="button" className="button ghost" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {signedIn ? (
        <div className={`frame${menuOpen ? ' menu-open' : ''}`}>
          <Sidebar isAdmin={isAdmin} />
          <main className="content" id="main" tabIndex={-1}>
            <PageOutlet isAdmin={isAdmin} />
          </main>
        </div>
      ) : (
        <main className="content" id="main" tabIndex={-1}>
          {session.isPending && !notice ? <Loading noun="the console" /> : <SignInCard notice={notice} />}</main>
      )}
    </div>
  );
}
