import type { MyServer } from '@switchboard/core/contracts/my-servers';
import { useQuery } from '@tanstack/react-query';
import { meQueries } from '../../api/me.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { Link } from '@tanstack/react-router';
import { ConnectPanel } from '../virtual-servers/connect-panel.tsx';

const AUTH_NOTE: Record<MyServer['authMode'], string> = {
  oauth: 'Your client signs you in with your browser on first use.',
  'api-key': 'Your client sends one of your MCP keys; calls then act as you.',
  none: 'Public: no sign-in.',
};

function ServerCard({ server }: { server: MyServer }) {
  return (
    <section className="stack my-server" aria-label={`Virtual server ${server.name}`}>
      <Panel
        title={server.name}
        count={server.tools.length}
        description={
          <>
            {server.description && <>{server.description} · </>}
            {AUTH_NOTE[server.authMode]}
            {server.authMode === 'api-key' && (
              <>
                {' '}
                <Link to="/keys">Mint a key</Link>.
              </>
            )}
          </>
        }
      >
        {server.tools.length === 0 ? (
          <div className="state empty">No tools for you here (only prompts or resources).</div>
        ) : (
          <ul className="my-tools panel-pad" aria-label={`Your tools on ${server.name}`}>
            {server.tools.map((tool) => (
              <li key={tool.name}>
                <code>{tool.name}</code>
                {tool.description && <span className="muted small"> — {tool.description}</span>}
              </li>
            ))}
          </ul>
        )}
        {server.otherItems > 0 && <p className="footnote">And {server.otherItems} prompts or resources.</p>}
      </Panel>
      <ConnectPanel server={server} />
    </section>
  );
}

/** Every person's start page: the virtual servers their policy lets them use, and how to connect. */
export function MyServersPage() {
  const query = useQuery(meQueries.servers());
  return (
    <div className="stack">
      <PageHeader title="My servers" description="The virtual servers you may use, with the tools your access allows, and how to add each to your MCP client." />
      <QueryState query={query} noun="your servers">
        {({ items }) =>
          items.length === 0 ? (
            <div className="panel state empty">No virtual server gives you any tool yet. Ask an administrator for access.</div>
          ) : (
            items.map((server) => <ServerCard key={server.id} server={server} />)
          )
        }
      </QueryState>
    </div>
  );
}
