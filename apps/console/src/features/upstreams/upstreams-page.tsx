import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { upstreamQueries, useUpdateUpstream } from '../../api/upstreams.ts';
import type { Column } from '../../components/data-table.tsx';
import { ListSearch } from '../../components/list-search.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Pager } from '../../components/pager.tsx';
import { Panel } from '../../components/panel.tsx';
import { ResourceTable } from '../../components/resource-table.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { Link } from '@tanstack/react-router';
import { useListSearch } from '../../lib/use-list-search.ts';
import { StatusPill, transportLabels } from './status-pill.tsx';
import type { Upstream } from '@switchboard/core/contracts/upstreams';

function EnabledToggle({ upstream }: { upstream: Upstream }) {
  const update = useUpdateUpstream(upstream.id);
  return (
    <label className="switch" title={upstream.enabled ? 'Disable' : 'Enable'}>
      <input
        type="checkbox"
        checked={upstream.enabled}
        disabled={update.isPending}
        onChange={(e) => update.mutate({ enabled: e.target.checked })}
        aria-label={`${upstream.enabled ? 'Disable' : 'Enable'} ${upstream.name}`}
      />
      <span aria-hidden="true" />
    </label>
  );
}

const describe = (u: Upstream) => u.description ?? u.url ?? [u.command, ...u.args].join(' ');

const columns: Array<Column<Upstream>> = [
  {
    header: 'Name',
    cell: (upstream) => (
      <>
        <Link className="name link" to="/upstreams/$id" params={{ id: upstream.id }}>
          {upstream.name}
        </Link>
        <div className="muted small clamp-2" title={describe(upstream)}>
          {describe(upstream)}
        </div>
      </>
    ),
  },
  { header: 'Transport', cell: (upstream) => <span className="tag">{transportLabels[upstream.transport]}</span> },
  {
    header: 'Status',
    cell: (upstream) => (
      <>
        <StatusPill upstream={upstream} />
        {upstream.status?.state === 'failing' && upstream.status.lastError && (
          <div className="small bad-text clamp-2" title={upstream.status.lastError}>
            {upstream.status.lastError}
          </div>
        )}
        {upstream.status && upstream.status.state !== 'idle' && (
          <div className="muted small">
            since <RelativeTime at={upstream.status.since} />
          </div>
        )}
      </>
    ),
  },
  {
    header: 'Offers',
    className: 'small',
    cell: ({ status }) => (status && status.state !== 'idle' ? `${status.tools} tools · ${status.resources} resources · ${status.prompts} prompts` : '—'),
  },
  { header: 'Enabled', cell: (upstream) => <EnabledToggle upstream={upstream} /> },
];

export function UpstreamsPage() {
  const list = useListSearch();
  const query = useQuery({ ...upstreamQueries.list({ limit: 50, ...list.params }), placeholderData: keepPreviousData });
  return (
    <div className="stack">
      <PageHeader
        title="Upstreams"
        description="The MCP servers the gateway connects to: local processes over stdio, or remote servers over HTTP."
        actions={
          <>
            <Link className="button" to="/upstreams/import">
              Paste JSON
            </Link>
            <Link className="button primary" to="/upstreams/new">
              Add upstream
            </Link>
          </>
        }
      />
      <Panel title={list.q ? `Upstreams matching “${list.q}”` : 'All upstreams'}>
        <ListSearch label="Search upstreams" value={list.search} onChange={list.setSearch} placeholder="Part of a name or description" />
        <ResourceTable
          query={query}
          noun="upstreams"
          empty={
            <>
              <strong>No upstreams yet.</strong> <Link to="/upstreams/new">Add one</Link> from a form, or{' '}
              <Link to="/upstreams/import">paste an mcpServers JSON</Link> from Claude, Cursor or VS Code.
            </>
          }
          columns={columns}
        />
        <Pager page={list.pages.page} nextCursor={query.data?.nextCursor} onNext={list.pages.next} onPrevious={list.pages.previous} noun="upstreams" />
      </Panel>
    </div>
  );
}
