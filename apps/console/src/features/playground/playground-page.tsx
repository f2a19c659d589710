import { useQuery } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { playgroundQueries } from '../../api/playground.ts';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { playgroundSearch } from '../../routing/search.ts';
import { UserPicker } from '../access/user-picker.tsx';
import { ServerOptions } from '../virtual-servers/server-options.tsx';
import { InspectorPanels } from './inspector-panels.tsx';
import { ToolForm } from './tool-form.tsx';

const VIEWS = [
  { id: 'tools', label: 'Tools' },
  { id: 'resources', label: 'Resources' },
  { id: 'prompts', label: 'Prompts' },
] as const;

const route = getRouteApi('/playground');

/**
 * Call a tool of a virtual server as yourself — or, to debug someone's access, as another
 * person — through the same access policy and audit trail as MCP clients; server, person
 * and tool live in the URL.
 */
export function PlaygroundPage() {
  const search = route.useSearch({ select: playgroundSearch });
  const navigate = useNavigate({ from: '/playground' });
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const enabled = servers.data?.items.filter((s) => s.enabled) ?? [];
  const serverId = search.server ?? enabled[0]?.id ?? '';
  const toolName = search.tool ?? '';
  const asUser = search.as ?? '';
  const view = search.view ?? 'tools';
  const tools = useQuery({ ...playgroundQueries.tools(serverId, asUser), enabled: Boolean(serverId) && view === 'tools' });
  const [filter, setFilter] = useState('');
  const go = (next: { server?: string; tool?: string; as?: string; view?: (typeof VIEWS)[number]['id']; item?: string }) => {
    const shown = next.view ?? view;
    void navigate({
      search: { server: next.server ?? serverId, as: (next.as ?? asUser) || undefined, view: shown === 'tools' ? undefined : shown, tool: next.tool, item: next.item },
      replace: true,
    });
  };
  const selected = tools.data?.items.find((t) => t.name === toolName);
  const shown = (tools.data?.items ?? []).filter((t) => `${t.name} ${t.description ?? ''}`.toLowerCase().includes(filter.toLowerCase()));

  return (
    <div className="stack">
      <PageHeader
        title="Playground"
        description="Inspect a virtual server as yourself, or as another person to debug their access: call its tools (forms built from their input schemas), read its resources and get its prompts, with the raw JSON-RPC exchange. Their access policy applies and every call is recorded in the audit log."
        actions={
          <div className="toolbar">
            <UserPicker key={asUser} label="Run as" value={asUser} onChange={(email) => go({ as: email })} />
            {asUser && (
              <button type="button" className="button ghost small" onClick={() => go({ as: '' })}>
                Back to yourself
              </button>
            )}
            <label className="inline-select">
            Virtual server{' '}
            <select value={serverId} onChange={(e) => go({ server: e.target.value })} aria-label="Virtual server">
              {enabled.length === 0 && <option value="">none enabled</option>}
              <ServerOptions servers={enabled} />
            </select>
          </label>
          </div>
        }
      />
      {serverId && (
        <fieldset className="segmented">
          <legend className="sr-only">Inspect</legend>
          {VIEWS.map((v) => (
            <button key={v.id} type="button" className={`button small${v.id === view ? ' primary' : ''}`} aria-pressed={v.id === view} onClick={() => go({ view: v.id })}>
              {v.label}
            </button>
          ))}
        </fieldset>
      )}
      {!serverId ? (
        <div className="panel state empty">
          <strong>No enabled virtual servers.</strong> Create one first.
        </div>
      ) : view !== 'tools' ? (
        <InspectorPanels serverId={serverId} view={view} selected={search.item ?? ''} asUser={asUser || undefined} onSelect={(item) => go({ item })} />
      ) : (
        <div className="playground">
          <Panel title="Tools" count={tools.data?.items.length}>
            <QueryState query={tools} noun="tools">
              {({ items }) =>
                items.length === 0 ? (
                  <div className="state empty" role="status">
                    {asUser ? (
                      <>
                        <strong>{asUser}</strong> may use no tool of this virtual server.
                      </>
                    ) : (
                      <>You may use no tool of this virtual server: being an administrator grants none. Grant yourself tools under Users, or choose “Run as” to try someone's access.</>
                    )}
                  </div>
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
              {selected ? (
                <ToolForm key={`${serverId}/${asUser}/${selected.name}`} serverId={serverId} tool={selected} asUser={asUser || undefined} />
              ) : (
                <div className="state empty">Choose a tool on the left.</div>
              )}
            </div>
          </Panel>
        </div>
      )}
    </div>
  );
}
