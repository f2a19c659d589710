import type { ReactNode } from 'react';
import { AccessPreviewPage } from '../features/access/access-preview-page.tsx';
import { RolesPage } from '../features/access/roles-page.tsx';
import { UserPage } from '../features/access/user-page.tsx';
import { UsersPage } from '../features/access/users-page.tsx';
import { AuditPage } from '../features/audit/audit-page.tsx';
import { DashboardPage } from '../features/dashboard/dashboard-page.tsx';
import { IdentityProvidersPage } from '../features/identity-providers/identity-providers-page.tsx';
import { OAuthClientsPage } from '../features/oauth/oauth-clients-page.tsx';
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

/** Every page of the console; the first pattern that matches wins. */
const routes: Array<[string, (params: Params) => ReactNode]> = [
  ['/', () => <DashboardPage />],
  ['/upstreams', () => <UpstreamsPage />],
  ['/upstreams/new', () => <NewUpstreamPage />],
  ['/upstreams/import', () => <ImportUpstreamsPage />],
  ['/upstreams/:id', (p) => <UpstreamPage id={p.id!} />],
  ['/virtual-servers', () => <VirtualServersPage />],
  ['/virtual-servers/new', () => <VirtualServerEditorPage />],
  ['/virtual-servers/:id', (p) => <VirtualServerPage id={p.id!} />],
  ['/virtual-servers/:id/edit', (p) => <VirtualServerEditorPage id={p.id!} />],
  ['/playground', () => <PlaygroundPage />],
  ['/users', () => <UsersPage />],
  ['/users/:id', (p) => <UserPage id={p.id!} />],
  ['/roles', () => <RolesPage />],
  ['/access', () => <AccessPreviewPage />],
  ['/clients', () => <OAuthClientsPage />],
  ['/identity-providers', () => <IdentityProvidersPage />],
  ['/audit', () => <AuditPage />],
  ['/settings', () => <SettingsPage />],
];

export function Routes() {
  const { pathname } = useLocation();
  for (const [pattern, render] of routes) {
    const params = matchPath(pattern, pathname);
    if (params) return <>{render(params)}</>;
  }
  return (
    <div className="panel state empty">
      <strong>No such page.</strong> <a href="/">Back to the dashboard</a>
    </div>
  );
}
