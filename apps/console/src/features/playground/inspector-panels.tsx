import type { PlaygroundCatalog } from '@switchboard/core/contracts/playground';
import { useQuery } from '@tanstack/react-query';
import { playgroundQueries } from '../../api/playground.ts';
import { Panel } from '../../components/panel.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { PromptForm } from './prompt-form.tsx';
import { ResourceForm } from './resource-form.tsx';

export type InspectorView = 'resources' | 'prompts';

interface Entry {
  /** What the URL keeps: a URI, a URI template or a prompt name. */
  key: string;
  label: string;
  description?: string;
  tag?: string;
}

function entriesOf(catalog: PlaygroundCatalog, view: InspectorView): Entry[] {
  if (view === 'prompts') return catalog.prompts.map((p) => ({ key: p.name, label: p.name, description: p.description }));
  return [
    ...catalog.resources.map((r) => ({ key: r.uri, label: r.uri, description: r.description ?? r.name })),
    ...catalog.resourceTemplates.map((t) => ({ key: t.uriTemplate, label: t.uriTemplate, description: t.description ?? t.name, tag: 'template' })),
  ];
}

/**
 * The inspector's resources and prompts: what the person may read and get on the server
 * (their access policy applies), and the form for the one chosen.
 */
export function InspectorPanels({
  serverId,
  view,
  selected,
  asUser,
  onSelect,
}: {
  serverId: string;
  view: InspectorView;
  selected: string;
  asUser?: string;
  onSelect: (key: string) => void;
}) {
  const catalog = useQuery(playgroundQueries.catalog(serverId, asUser));
  const noun = view === 'prompts' ? 'prompts' : 'resources';
  const entries = catalog.data ? entriesOf(catalog.data, view) : [];
  const chosen = entries.find((e) => e.key === selected);
  const resource = catalog.data?.resources.find((r) => r.uri === selected);
  const template = catalog.data?.resourceTemplates.find((t) => t.uriTemplate === selected);
  const prompt = catalog.data?.prompts.find((p) => p.name === selected);
  return (
    <div className="playground">
      <Panel title={view === 'prompts' ? 'Prompts' : 'Resources'} count={catalog.data ? entries.length : undefined}>
        <QueryState query={catalog} noun={noun}>
          {() =>
            entries.length === 0 ? (
              <div className="state empty" role="status">
                {asUser ? <strong>{asUser}</strong> : 'You'} may use no {view === 'prompts' ? 'prompt' : 'resource'} of this virtual server.
              </div>
            ) : (
              <div className="tool-list">
                <ul aria-label={view === 'prompts' ? 'Prompts' : 'Resources'}>
                  {entries.map((e) => (
                    <li key={e.key}>
                      <button type="button" className={`tool-item${e.key === selected ? ' active' : ''}`} onClick={() => onSelect(e.key)} aria-current={e.key === selected ? 'true' : undefined}>
                        <code>{e.label}</code>
                        {e.tag && <span className="tag">{e.tag}</span>}
                        {e.description && <span className="muted small clamp">{e.description}</span>}
                      </button>
                    </li>
                  ))}
                </ul>
              </div>
            )
          }
        </QueryState>
      </Panel>
      <Panel title={view === 'prompts' ? 'Get' : 'Read'}>
        <div className="panel-pad">
          {prompt && view === 'prompts' ? (
            <PromptForm key={`${serverId}/${asUser}/${prompt.name}`} serverId={serverId} prompt={prompt} asUser={asUser} />
          ) : resource && view === 'resources' ? (
            <ResourceForm key={`${serverId}/${asUser}/${resource.uri}`} serverId={serverId} item={{ resource }} asUser={asUser} />
          ) : template && view === 'resources' ? (
            <ResourceForm key={`${serverId}/${asUser}/${template.uriTemplate}`} serverId={serverId} item={{ template }} asUser={asUser} />
          ) : (
            <div className="state empty">{chosen ? null : `Choose one of the ${noun} on the left.`}</div>
          )}
        </div>
      </Panel>
    </div>
  );
}
