import { type ReactNode, useEffect } from 'react';
import { AccessPreviewPage } from '../features/access/access-preview-page.tsx';
import { RolesPage } from '../features/access/roles-page.tsx';
import { UserPage } from '../features/access/user-page.tsx';
import { UsersPage } from '../features/access/users-page.tsx';
import { AdminEventsPage } from '../features/admin-events/admin-events-page.tsx';
import { AuditPage } from '../features/audit/audit-page.tsx';
import { DashboardPage } from '../features/dashboard/dashboard-page.tsx';
import { IdentityProvidersPage } from '../features/identity-providers/identity-providers-page.tsx';
import { MyConnectionsPage } from '../features/me/my-connections-page.tsx';
import { MyKeysPage } from '../features/me/my-keys-page.tsx';
import { MyServersPage } from '../features/me/my-servers-page.tsx';
import { OAuthClientsPage } from '../features/oauth/oauth-clients-page.tsx';
import { RateLimitsPage } from '../features/limits/rate-limits-page.tsx';
import { PlaygroundPage } from '../features/playground/playground-page.tsx';
import { SettingsPage } from '../features/settings/settings-page.tsx';
import { ImportUpstreamsPage } from '../features/upstreams/import-upstreams-page.tsx';
import { NewUpstreamPage } from '../features/upstreams/new-upstream-page.tsx';
import { UpstreamPage } from '../features/upstreams/upstream-page.tsx';
import { UpstreamsPage } from '../features/upstreams/upstreams-page.tsx';
import { VirtualServerEditorPage } from '../features/virtual-servers/virtual-server-editor-page.tsx';
import { VirtualServerPage } from '../features/virtual-servers/virtual-server-page.tsx';
import { VirtualServersPage } from '../features/virtual-servers/virtual-servers-page.tsx';
import { matchPath, useLocation } from '../lib/router.tsx';

type Params = Record<string, string>;

type Route = [pattern: string, title: string, render: (params: Params) => ReactNode];

/** Every person's own area (admins too). */
const personRoutes: Route[] = [
  ['/my-servers', 'My servers', () => <MyServersPage />],
  ['/connections', 'My connections', () => <MyConnectionsPage />],
  ['/connections/:upstream', 'My connections', (p) => <MyConnectionsPage focus={p.upstream} />],
  ['/keys', 'My keys', () => <MyKeysPage />],
];

/** A non-administrator starts on their servers; the administration pages do not exist for them. */
const nonAdminRoutes: Route[] = [['/', 'My servers', () => <MyServersPage />], ...personRoutes];

/** Every page of an administrator's console; the first pattern that matches wins. */
const adminRoutes: Route[] = [
  ['/', 'Dashboard', () => <DashboardPage />],
  ...personRoutes,
  ['/upstreams', 'Upstreams', () => <UpstreamsPage />],
  ['/upstreams/new', 'New upstream', () => <NewUpstreamPage />],
  ['/upstreams/import', 'Import upstreams', () => <ImportUpstreamsPage />],
  ['/upstreams/:id', 'Upstream', (p) => <UpstreamPage id={p.id!} />],
  ['/virtual-servers', 'Virtual servers', () => <VirtualServersPage />],
  ['/virtual-servers/new', 'New virtual server', () => <VirtualServerEditorPage />],
  ['/virtual-servers/:id', 'Virtual server', (p) => <VirtualServerPage id={p.id!} />],
  ['/virtual-servers/:id/edit', 'Edit virtual server', (p) => <VirtualServerEditorPage id={p.id!} />],
  ['/playground', 'Playground', () => <PlaygroundPage />],
  ['/users', 'Users', () => <UsersPage />],
  ['/users/:id', 'User', (p) => <UserPage id={p.id!} />],
  ['/roles', 'Roles', () => <RolesPage />],
  ['/access', 'Access preview', () => <AccessPreviewPage />],
  ['/rate-limits', 'Rate limits', () => <RateLimitsPage />],
  ['/clients', 'OAuth clients', () => <OAuthClientsPage />],
  ['/identity-providers', 'Identity providers', () => <IdentityProvidersPage />],
  ['/audit', 'Audit log', () => <AuditPage />],
  ['/admin-changes', 'Admin changes', () => <AdminEventsPage />],
  ['/settings', 'Settings', () => <SettingsPage />],
];

const routesFor = (isAdmin: boolean) => (isAdmin ? adminRoutes : nonAdminRoutes);

/** The page's own document title (tabs, history and screen readers tell pages apart by it). */
export function pageTitle(pathname: string, isAdmin = true): string {
  const route = routesFor(isAdmin).find(([pattern]) => matchPath(pattern, pathname));
  return `${route ? route[1] : 'No such page'} · Switchboard`;
}

export function Routes({ isAdmin }: { isAdmin: boolean }) {
  const { pathname } = useLocation();
  useEffect(() => {
    document.title = pageTitle(pathname, isAdmin);
  }, [pathname, isAdmin]);
  for (const [pattern, , render] of routesFor(isAdmin)) {
    const params = matchPath(pattern, pathname);
    if (params) return <>{render(params)}</>;
  }
  return (
    <div className="panel state empty">
      <strong>No such page.</strong> <a href="/">Back to the start</a>
    </div>
  );
}
