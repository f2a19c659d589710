import type { Upstream } from '@switchboard/core/contracts/upstreams';
import { useState } from 'react';
import { useRefreshUpstream } from '../../api/upstreams.ts';
import { MutationError } from '../../components/query-state.tsx';
import type { CatalogSummary, DraftEntry } from './exposure.ts';

interface ToolPickerProps {
  upstreams: Upstream[];
  /** Per upstream id: its catalog, null when never listed, undefined while loading. */
  catalogs: Map<string, CatalogSummary | null | undefined>;
  entries: DraftEntry[];
  onChange: (entries: DraftEntry[]) => void;
}

const matches = (query: string, ...texts: Array<string | undefined>) => texts.some((t) => t?.toLowerCase().includes(query));

/** Search across every upstream's tools; pick whole upstreams or single tools. */
export function ToolPicker({ upstreams, catalogs, entries, onChange }: ToolPickerProps) {
  const [search, setSearch] = useState('');
  const refresh = useRefreshUpstream();
  const query = search.trim().toLowerCase();
  const hasWhole = (id: string) => entries.some((e) => e.kind === 'upstream' && e.upstreamId === id);
  const hasTool = (id: string, name: string) => entries.some((e) => e.kind === 'tool' && e.upstreamId === id && e.name === name);

  const toggleWhole = (id: string) =>
    onChange(hasWhole(id) ? entries.filter((e) => !(e.kind === 'upstream' && e.upstreamId === id)) : [...entries, { upstreamId: id, kind: 'upstream', name: null, exposedName: '', description: '' }]);
  const toggleTool = (id: string, name: string) =>
    onChange(
      hasTool(id, name)
        ? entries.filter((e) => !(e.kind === 'tool' && e.upstreamId === id && e.name === name))
        : [...entries, { upstreamId: id, kind: 'tool', name, exposedName: '', description: '' }],
    );

  return (
    <div className="picker">
      <input className="search" type="search" placeholder="Search tools across all upstreams…" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search tools" />
      <MutationError error={refresh.error} />
      {upstreams.length === 0 && <div className="state empty">No upstreams yet: add one first.</div>}
      {upstreams.map((upstream) => {
        const catalog = catalogs.get(upstream.id);
        const tools = (catalog?.tools ?? []).filter((t) => !query || matches(query, t.name, t.description, upstream.name));
        if (query && catalog && tools.length === 0 && !matches(query, upstream.name)) return null;
        return (
          <section key={upstream.id} className="picker-group" aria-label={`Tools of ${upstream.name}`}>
            <header>
              <label className="check">
                <input type="checkbox" checked={hasWhole(upstream.id)} onChange={() => toggleWhole(upstream.id)} />
                <strong>{upstream.name}</strong>
                <span className="muted small">all its tools, resources and prompts (and future ones)</span>
              </label>
              {!upstream.enabled && <span className="pill off">Disabled</span>}
            </header>
            {catalog === undefined && <div className="muted small picker-note">Loading tools…</div>}
            {catalog === null && (
              <div className="muted small picker-note">
                Not listed yet.{' '}
                <button type="button" className="button small" onClick={() => refresh.mutate(upstream.id)} disabled={refresh.isPending || !upstream.enabled}>
                  {refresh.isPending && refresh.variables === upstream.id ? 'Connecting…' : 'Connect and list'}
                </button>
              </div>
            )}
            {tools.length > 0 && (
              <ul className="picker-tools">
                {tools.map((tool) => (
                  <li key={tool.name}>
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={hasTool(upstream.id, tool.name)}
                        onChange={() => toggleTool(upstream.id, tool.name)}
                        aria-label={`${upstream.name}: ${tool.name}`}
                      />
                      <code>{tool.name}</code>
                      {hasWhole(upstream.id) && !hasTool(upstream.id, tool.name) && <span className="pill on">included</span>}
                    </label>
                    {tool.description && <div className="muted small clamp">{tool.description}</div>}
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}
