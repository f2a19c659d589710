import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, type RouterHistory } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { upstreamQueries } from '../api/upstreams.ts';
import { userQueries } from '../api/users.ts';
import { virtualServerQueries } from '../api/virtual-servers.ts';
import { App } from '../app.tsx';
import { AccessPreviewPage } from '../features/access/access-preview-page.tsx';
import { RolesPage } from '../features/access/roles-page.tsx';
import { UserPage } from '../features/access/user-page.tsx';
import { UsersPage } from '../features/access/users-page.tsx';
import { AdminEventsPage } from '../features/admin-events/admin-events-page.tsx';
import { AuditPage } from '../features/audit/audit-page.tsx';
import { IdentityProvidersPage } from '../features/identity-providers/identity-providers-page.tsx';
import { RateLimitsPage } from '../features/limits/rate-limits-page.tsx';
import { MyConnectionsPage } from '../features/me/my-connections-page.tsx';
import { MyKeysPage } from '../features/me/my-keys-page.tsx';
import { MyServersPage } from '../features/me/my-servers-page.tsx';
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
import { administering } from '../layout/console-user.ts';
import { HomePage, NoSuchPage } from '../layout/home-page.tsx';
import { accessSearch, adminChangesSearch, auditSearch, parseSearch, playgroundSearch, stringifySearch } from './search.ts';

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createConsoleRouter>;
  }
  interface StaticDataRouteOption {
    /** The page's document title (tabs, history and screen readers tell pages apart by it). */
    title?: string;
    /** The title a person who is not an administrator sees (their `/` is their servers). */
    personTitle?: string;
    /** Administration: a person who is not an administrator is told there is no such page. */
    admin?: boolean;
  }
}

export interface RouterContext {
  queryClient: QueryClient;
}

const root = createRootRouteWithContext<RouterContext>()({ component: App, notFoundComponent: NoSuchPage });

/** A page of `path` (no parameters, no search) with its title; `admin` pages are for administrators. */
const page = <const TPath extends string>(path: TPath, title: string, component: () => ReactNode, admin = true) =>
  createRoute({ getParentRoute: () => root, path, component, staticData: { title, admin } });

/** Starts fetching what a detail page shows while the page loads (never fails the navigation). */
const prefetch = (queryClient: QueryClient, start: (queryClient: QueryClient) => Promise<void>) => {
  if (administering(queryClient)) void start(queryClient);
};

// The person's own area (administrators too); `/` is the dashboard or, for others, their servers.
const home = createRoute({ getParentRoute: () => root, path: '/', component: HomePage, staticData: { title: 'Dashboard', personTitle: 'My servers' } });
const myServers = page('/my-servers', 'My servers', MyServersPage, false);
const connections = page('/connections', 'My connections', () => <MyConnectionsPage />, false);
const connection = createRoute({
  getParentRoute: () => root,
  path: '/connections/$upstream',
  staticData: { title: 'My connections' },
  component: function ConnectionRoute() {
    return <MyConnectionsPage focus={connection.useParams().upstream} />;
  },
});
const keys = page('/keys', 'My keys', MyKeysPage, false);

// Federation.
const upstreams = page('/upstreams', 'Upstreams', UpstreamsPage);
const newUpstream = page('/upstreams/new', 'New upstream', NewUpstreamPage);
const importUpstreams = page('/upstreams/import', 'Import upstreams', ImportUpstreamsPage);
const upstream = createRoute({
  getParentRoute: () => root,
  path: '/upstreams/$id',
  staticData: { title: 'Upstream', admin: true },
  loader: ({ context, params }) => prefetch(context.queryClient, (qc) => qc.prefetchQuery(upstreamQueries.detail(params.id))),
  component: function UpstreamRoute() {
    return <UpstreamPage id={upstream.useParams().id} />;
  },
});
const virtualServers = page('/virtual-servers', 'Virtual servers', VirtualServersPage);
const newVirtualServer = page('/virtual-servers/new', 'New virtual server', () => <VirtualServerEditorPage />);
const virtualServer = createRoute({
  getParentRoute: () => root,
  path: '/virtual-servers/$id',
  staticData: { title: 'Virtual server', admin: true },
  loader: ({ context, params }) => prefetch(context.queryClient, (qc) => qc.prefetchQuery(virtualServerQueries.detail(params.id))),
  component: function VirtualServerRoute() {
    return <VirtualServerPage id={virtualServer.useParams().id} />;
  },
});
const editVirtualServer = createRoute({
  getParentRoute: () => root,
  path: '/virtual-servers/$id/edit',
  staticData: { title: 'Edit virtual server', admin: true },
  loader: ({ context, params }) => prefetch(context.queryClient, (qc) => qc.prefetchQuery(virtualServerQueries.detail(params.id))),
  component: function EditVirtualServerRoute() {
    return <VirtualServerEditorPage id={editVirtualServer.useParams().id} />;
  },
});
const playground = createRoute({
  getParentRoute: () => root,
  path: '/playground',
  staticData: { title: 'Playground', admin: true },
  validateSearch: playgroundSearch,
  component: PlaygroundPage,
});

// Access.
const users = page('/users', 'Users', UsersPage);
const user = createRoute({
  getParentRoute: () => root,
  path: '/users/$id',
  staticData: { title: 'User', admin: true },
  loader: ({ context, params }) => prefetch(context.queryClient, (qc) => qc.prefetchQuery(userQueries.detail(params.id))),
  component: function UserRoute() {
    return <UserPage id={user.useParams().id} />;
  },
});
const roles = page('/roles', 'Roles', RolesPage);
const access = createRoute({
  getParentRoute: () => root,
  path: '/access',
  staticData: { title: 'Access preview', admin: true },
  validateSearch: accessSearch,
  component: AccessPreviewPage,
});
const rateLimits = page('/rate-limits', 'Rate limits', RateLimitsPage);
const clients = page('/clients', 'OAuth clients', OAuthClientsPage);
const identityProviders = page('/identity-providers', 'Identity providers', IdentityProvidersPage);

// Operations.
const audit = createRoute({
  getParentRoute: () => root,
  path: '/audit',
  staticData: { title: 'Audit log', admin: true },
  validateSearch: auditSearch,
  component: AuditPage,
});
const adminChanges = createRoute({
  getParentRoute: () => root,
  path: '/admin-changes',
  staticData: { title: 'Admin changes', admin: true },
  validateSearch: adminChangesSearch,
  component: AdminEventsPage,
});
const settings = page('/settings', 'Settings', SettingsPage);

export const routeTree = root.addChildren([
  home,
  myServers,
  connections,
  connection,
  keys,
  upstreams,
  newUpstream,
  importUpstreams,
  upstream,
  virtualServers,
  newVirtualServer,
  virtualServer,
  editVirtualServer,
  playground,
  users,
  user,
  roles,
  access,
  rateLimits,
  clients,
  identityProviders,
  audit,
  adminChanges,
  settings,
]);

/** The console's router: typed routes and search, plain query strings (see search.ts). */
export function createConsoleRouter(context: RouterContext, history?: RouterHistory) {
  return createRouter({ routeTree, context, history, parseSearch, stringifySearch, scrollRestoration: true });
}
