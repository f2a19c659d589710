import type { VirtualServer } from '@switchboard/core/contracts/virtual-servers';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import type { Column } from '../../components/data-table.tsx';
import { ListSearch } from '../../components/list-search.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Pager } from '../../components/pager.tsx';
import { Panel } from '../../components/panel.tsx';
import { ResourceTable } from '../../components/resource-table.tsx';
import { Link } from '@tanstack/react-router';
import { useListSearch } from '../../lib/use-list-search.ts';

export const authLabels = { oauth: 'OAuth', 'api-key': 'API key', none: 'Public' } as const;

function Exposes({ server }: { server: VirtualServer }) {
  const whole = server.entries.filter((e) => e.kind === 'upstream').map((e) => e.upstreamName);
  const singles = server.entries.filter((e) => e.kind !== 'upstream').length;
  return (
    <>
      {whole.length > 0 && <div>{whole.join(', ')}</div>}
      {singles > 0 && <div className="muted">{singles} single tool{singles === 1 ? '' : 's'}</div>}
      {server.entries.length === 0 && <span className="muted">Nothing yet</span>}
    </>
  );
}

const columns: Array<Column<VirtualServer>> = [
  {
    header: 'Name',
    cell: (server) => (
      <>
        <Link className="name link" to="/virtual-servers/$id" params={{ id: server.id }}>
          {server.name}
        </Link>
        {!server.enabled && <span className="pill off">Disabled</span>}
        {server.description && <div className="muted small">{server.description}</div>}
      </>
    ),
  },
  { header: 'Exposes', className: 'small', cell: (server) => <Exposes server={server} /> },
  { header: 'Auth', cell: (server) => <span className="tag">{authLabels[server.authMode]}</span> },
  {
    header: 'URL',
    cell: (server) => (
      <div className="url">
        <code className="url-text small">{server.url}</code>
        <CopyButton text={server.url} label={`Copy the URL of ${server.name}`} />
      </div>
    ),
  },
];

export function VirtualServersPage() {
  const list = useListSearch();
  const query = useQuery({ ...virtualServerQueries.list({ limit: 50, ...list.params }), placeholderData: keepPreviousData });
  return (
    <div className="stack">
      <PageHeader
        title="Virtual servers"
        description="MCP endpoints for clients, each exposing a chosen set of upstream tools at its own URL."
        actions={
          <Link className="button primary" to="/virtual-servers/new">
            New virtual server
          </Link>
        }
      />
      <Panel title={list.q ? `Virtual servers matching “${list.q}”` : 'All virtual servers'}>
        <ListSearch label="Search virtual servers" value={list.search} onChange={list.setSearch} placeholder="Part of a name or description" />
        <ResourceTable
          query={query}
          noun="virtual servers"
          empty={
            <>
              <strong>No virtual servers yet.</strong> <Link to="/virtual-servers/new">Create one</Link> from the tools of your upstreams.
            </>
          }
          columns={columns}
        />
        <Pager page={list.pages.page} nextCursor={query.data?.nextCursor} onNext={list.pages.next} onPrevious={list.pages.previous} noun="virtual servers" />
      </Panel>
    </div>
  );
}
