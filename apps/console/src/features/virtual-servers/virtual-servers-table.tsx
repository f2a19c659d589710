import { useQuery } from '@tanstack/react-query';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { PageState } from '../../components/page-state.tsx';
import { Panel } from '../../components/panel.tsx';

export function VirtualServersTable() {
  const query = useQuery(virtualServerQueries.list({ limit: 100 }));

  return (
    <Panel
      title="Virtual servers"
      description="MCP endpoints for clients: paste a URL into Claude, VS Code, Cursor or any MCP client."
      count={query.data?.items.length}
    >
      <PageState
        query={query}
        noun="virtual servers"
        empty={
          <>
            <strong>No virtual servers yet.</strong> Create one to expose a chosen set of upstream tools at
            its own URL.
          </>
        }
      >
        {(items) => (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">URL</th>
              </tr>
            </thead>
            <tbody>
              {items.map((server) => (
                <tr key={server.id}>
                  <td>
                    <div className="name">
                      {server.name}
                      {!server.enabled && <span className="pill off">Disabled</span>}
                    </div>
                    {server.description && <div className="muted small">{server.description}</div>}
                  </td>
                  <td>
                    <div className="url">
                      <code className="url-text">{server.url}</code>
                      <CopyButton text={server.url} label={`Copy the URL of ${server.name}`} />
                    </div>
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
