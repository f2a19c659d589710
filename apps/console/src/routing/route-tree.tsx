import type { QueryClient } from '@tanstack/react-query';
import {
  type AsyncRouteComponent,
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  type RouteComponent,
  type RouterHistory,
} from '@tanstack/react-router';
import { upstreamQueries } from '../api/upstreams.ts';
import { userQueries } from '../api/users.ts';
import { virtualServerQueries } from '../api/virtual-servers.ts';
import { App } from '../app.tsx';
import { MyServersPage } from '../features/me/my-servers-page.tsx';
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

// Each page is its own chunk, fetched when first visited (the router loads it before it
// shows the page); the frame and `/` (the dashboard, or a person's servers) come with the app.
const AccessPreviewPage = lazyRouteComponent(() => import('../features/access/access-preview-page.tsx'), 'AccessPreviewPage');
const RolesPage = lazyRouteComponent(() => import('../features/access/roles-page.tsx'), 'RolesPage');
const UserPage = lazyRouteComponent(() => import('../features/access/user-page.tsx'), 'UserPage');
const UsersPage = lazyRouteComponent(() => import('../features/access/users-page.tsx'), 'UsersPage');
const AdminEventsPage = lazyRouteComponent(() => import('../features/admin-events/admin-events-page.tsx'), 'AdminEventsPage');
const AuditPage = lazyRouteComponent(() => import('../features/audit/audit-page.tsx'), 'AuditPage');
const IdentityProvidersPage = lazyRouteComponent(() => import('../features/identity-providers/identity-providers-page.tsx'), 'IdentityProvidersPage');
const RateLimitsPage = lazyRouteComponent(() => import('../features/limits/rate-limits-page.tsx'), 'RateLimitsPage');
const MyConnectionsPage = lazyRouteComponent(() => import('../features/me/my-connections-page.tsx'), 'MyConnectionsPage');
const MyKeysPage = lazyRouteComponent(() => import('../features/me/my-keys-page.tsx'), 'MyKeysPage');
const OAuthClientsPage = lazyRouteComponent(() => import('../features/oauth/oauth-clients-page.tsx'), 'OAuthClientsPage');
const PlaygroundPage = lazyRouteComponent(() => import('../features/playground/playground-page.tsx'), 'PlaygroundPage');
const SettingsPage = lazyRouteComponent(() => import('../features/settings/settings-page.tsx'), 'SettingsPage');
const ImportUpstreamsPage = lazyRouteComponent(() => import('../features/upstreams/import-upstreams-page.tsx'), 'ImportUpstreamsPage');
const NewUpstreamPage = lazyRouteComponent(() => import('../features/upstreams/new-upstream-page.tsx'), 'NewUpstreamPage');
const UpstreamPage = lazyRouteComponent(() => import('../features/upstreams/upstream-page.tsx'), 'UpstreamPage');
const UpstreamsPage = lazyRouteComponent(() => import('../features/upstreams/upstreams-page.tsx'), 'UpstreamsPage');
const VirtualServerEditorPage = lazyRouteComponent(() => import('../features/virtual-servers/virtual-server-editor-page.tsx'), 'VirtualServerEditorPage');
const VirtualServerPage = lazyRouteComponent(() => import('../features/virtual-servers/virtual-server-page.tsx'), 'VirtualServerPage');
const VirtualServersPage = lazyRouteComponent(() => import('../features/virtual-servers/virtual-servers-page.tsx'), 'VirtualServersPage');

/** A route component rendering a lazily loaded page with what the route knows (its params); the page loads with the route. */
function withProps<P extends object>(Page: AsyncRouteComponent<P>, props: () => P) {
  const RoutePage = () => <Page {...props()} />;
  return Object.assign(RoutePage, { preload: async () => Page.preload?.() });
}

export interface RouterContext {
  queryClient: QueryClient;
}

const root = createRootRouteWithContext<RouterContext>()({ component: App, notFoundComponent: NoSuchPage });

/** A page of `path` (no parameters, no search) with its title; `admin` pages are for administrators. */
const page = <const TPath extends string>(path: TPath, title: string, component: RouteComponent, admin = true) =>
  createRoute({ getParentRoute: () => root, path, component, staticData: { title, admin } });

/** Starts fetching what a detail page shows while the page loads (never fails the navigation). */
const prefetch = (queryClient: QueryClient, start: (queryClient: QueryClient) => Promise<void>) => {
  if (administering(queryClient)) void start(queryClient);
};

// The person's own area (administrators too); `/` is the dashboard or, for others, their servers.
const home = createRoute({ getParentRoute: () => root, path: '/', component: HomePage, staticData: { title: 'Dashboard', personTitle: 'My servers' } });
const myServers = page('/my-servers', 'My servers', MyServersPage, false);
const connections = page('/connections', 'My connections', MyConnectionsPage, false);
const connection = createRoute({
  getParentRoute: () => root,
  path: '/connections/$upstream',
  staticData: { title: 'My connections' },
  component: withProps(MyConnectionsPage, (): { focus: string } => ({ focus: connection.useParams().upstream })),
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
  component: withProps(UpstreamPage, (): { id: string } => ({ id: upstream.useParams().id })),
});
const virtualServers = page('/virtual-servers', 'Virtual servers', VirtualServersPage);
const newVirtualServer = page('/virtual-servers/new', 'New virtual server', VirtualServerEditorPage);
const virtualServer = createRoute({
  getParentRoute: () => root,
  path: '/virtual-servers/$id',
  staticData: { title: 'Virtual server', admin: true },
  loader: ({ context, params }) => prefetch(context.queryClient, (qc) => qc.prefetchQuery(virtualServerQueries.detail(params.id))),
  component: withProps(VirtualServerPage, (): { id: string } => ({ id: virtualServer.useParams().id })),
});
const editVirtualServer = createRoute({
  getParentRoute: () => root,
  path: '/virtual-servers/$id/edit',
  staticData: { title: 'Edit virtual server', admin: true },
  loader: ({ context, params }) => prefetch(context.queryClient, (qc) => qc.prefetchQuery(virtualServerQueries.detail(params.id))),
  component: withProps(VirtualServerEditorPage, (): { id: string } => ({ id: editVirtualServer.useParams().id })),
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
  component: withProps(UserPage, (): { id: string } => ({ id: user.useParams().id })),
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
