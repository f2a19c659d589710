import type { Upstream } from '@switchboard/core/contracts/upstreams';
import { useQuery } from '@tanstack/react-query';
import { upstreamQueries } from '../../api/upstreams.ts';
import { PageState } from '../../components/page-state.tsx';
import { Panel } from '../../components/panel.tsx';

const transportLabels: Record<Upstream['transport'], string> = {
  stdio: 'stdio',
  sse: 'SSE (legacy)',
  'streamable-http': 'Streamable HTTP',
};

export function UpstreamsTable() {
  const query = useQuery(upstreamQueries.list({ limit: 100 }));

  return (
    <Panel title="Upstreams" description="MCP servers the gateway connects to." count={query.data?.items.length}>
      <PageState
        query={query}
        noun="upstreams"
        empty={
          <>
            <strong>No upstreams yet.</strong> Add one through the admin API (<code>POST /api/v1/upstreams</code>)
            or import an <code>mcpServers</code> configuration.
          </>
        }
      >
        {(items) => (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Transport</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {items.map((upstream) => (
                <tr key={upstream.id}>
                  <td>
                    <div className="name">{upstream.name}</div>
                    {upstream.description && <div className="muted small">{upstream.description}</div>}
                  </td>
                  <td>
                    <span className="tag">{transportLabels[upstream.transport] ?? upstream.transport}</span>
                  </td>
                  <td>
                    <span className={`pill ${upstream.enabled ? 'on' : 'off'}`}>
                      {upstream.enabled ? 'Enabled' : 'Disabled'}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PageState>
    </Panel>
  );
}
