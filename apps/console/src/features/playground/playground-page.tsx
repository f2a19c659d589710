import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { playgroundQueries } from '../../api/playground.ts';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { navigate, useLocation, withQuery } from '../../lib/router.tsx';
import { ServerOptions } from '../virtual-servers/server-options.tsx';
import { ToolForm } from './tool-form.tsx';

/** Call any tool of a virtual server as yourself (the call is audited); server and tool live in the URL. */
export function PlaygroundPage() {
  const { search } = useLocation();
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const enabled = servers.data?.items.filter((s) => s.enabled) ?? [];
  const serverId = search.get('server') ?? enabled[0]?.id ?? '';
  const toolName = search.get('tool') ?? '';
  const tools = useQuery(playgroundQueries.tools(serverId));
  const [filter, setFilter] = useState('');
  const go = (next: { server?: string; tool?: string }) => navigate(withQuery('/playground', { server: next.server ?? serverId, tool: next.tool }), { replace: true });
  const selected = tools.data?.items.find((t) => t.name === toolName);
  const shown = (tools.data?.items ?? []).filter((t) => `${t.name} ${t.description ?? ''}`.toLowerCase().includes(filter.toLowerCase()));

  return (
    <div className="stack">
      <PageHeader
        title="Playground"
        description="Call any tool of a virtual server as yourself, with a form built from its input schema. Calls are recorded in the audit log."
        actions={
          <label className="inline-select">
            Virtual server{' '}
            <select value={serverId} onChange={(e) => go({ server: e.target.value })} aria-label="Virtual server">
              {enabled.length === 0 && <option value="">none enabled</option>}
              <ServerOptions servers={enabled} />
            </select>
          </label>
        }
      />
      {!serverId ? (
        <div className="panel state empty">
          <strong>No enabled virtual servers.</strong> Create one first.
        </div>
      ) : (
        <div className="playground">
          <Panel title="Tools" count={tools.data?.items.length}>
            <QueryState query={tools} noun="tools">
              {({ items }) =>
                items.length === 0 ? (
                  <div className="state empty">This virtual server exposes no tools.</div>
                ) : (
                  <div className="tool-list">
                    <input className="search" type="search" placeholder="Filter tools…" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter tools" />
                    <ul>
                      {shown.map((t) => (
                        <li key={t.name}>
                          <button type="button" className={`tool-item${t.name === toolName ? ' active' : ''}`} onClick={() => go({ tool: t.name })} aria-current={t.name === toolName ? 'true' : undefined}>
                            <code>{t.name}</code>
                            {t.description && <span className="muted small clamp">{t.description}</span>}
                          </button>
                        </li>
                      ))}
                    </ul>
                  </div>
                )
              }
            </QueryState>
          </Panel>
          <Panel title="Call">
            <div className="panel-pad">
              {selected ? <ToolForm key={`${serverId}/${selected.name}`} serverId={serverId} tool={selected} /> : <div className="state empty">Choose a tool on the left.</div>}
            </div>
          </Panel>
        </div>
      )}
    </div>
  );
}
