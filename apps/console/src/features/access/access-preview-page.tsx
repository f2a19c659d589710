import { useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { accessSearch } from '../../routing/search.ts';
import { ServerOptions } from '../virtual-servers/server-options.tsx';
import { AccessPreview } from './access-preview.tsx';
import { UserPicker } from './user-picker.tsx';

const route = getRouteApi('/access');

/** Pick a virtual server and a user: what may they use there, and why. The choice lives in the URL. */
export function AccessPreviewPage() {
  const { server: serverId = '', user = '' } = route.useSearch({ select: accessSearch });
  const navigate = useNavigate({ from: '/access' });
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const select = (next: { server?: string; user?: string }) =>
    void navigate({ search: { server: next.server ?? serverId, user: next.user ?? user }, replace: true });
  const server = servers.data?.items.find((s) => s.id === serverId);
  return (
    <div className="stack">
      <PageHeader title="Access preview" description="What a user may see and call on a virtual server, and the rule that decided each item." />
      <Panel title="Who, where">
        <div className="filters panel-pad">
          <label>
            Virtual server
            <select value={serverId} onChange={(e) => select({ server: e.target.value })}>
              <option value="">Choose…</option>
              <ServerOptions servers={servers.data?.items} />
            </select>
          </label>
          <UserPicker value={user} onChange={(email) => select({ user: email })} />
        </div>
        {server && user ? (
          <AccessPreview serverId={server.id} serverName={server.name} user={user} />
        ) : (
          <div className="state empty">Choose a virtual server and a user.</div>
        )}
      </Panel>
    </div>
  );
}
