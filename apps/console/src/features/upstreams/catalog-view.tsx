import type { UpstreamCatalogDto } from '@switchboard/core/contracts/upstreams';
import { useState } from 'react';
import { Tabs } from '../../components/tabs.tsx';
import { RelativeTime } from '../../components/time.tsx';

type Item = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function ItemList({ items, nameKey, schemaKeys, noun }: { items: Item[]; nameKey: string; schemaKeys: string[]; noun: string }) {
  const [filter, setFilter] = useState('');
  const shown = items.filter((i) => `${str(i[nameKey])} ${str(i.description)}`.toLowerCase().includes(filter.toLowerCase()));
  if (items.length === 0) return <div className="state empty">This upstream offers no {noun}.</div>;
  return (
    <div>
      {items.length > 8 && (
        <input className="search" type="search" placeholder={`Filter ${items.length} ${noun}…`} value={filter} onChange={(e) => setFilter(e.target.value)} aria-label={`Filter ${noun}`} />
      )}
      <ul className="catalog-list">
        {shown.map((item) => (
          <li key={str(item[nameKey])}>
            <details>
              <summary>
                <code className="item-name">{str(item[nameKey])}</code>
                {str(item.title) && <span className="muted"> · {str(item.title)}</span>}
                {str(item.description) && <div className="muted small clamp">{str(item.description)}</div>}
              </summary>
              {schemaKeys
                .filter((key) => item[key] !== undefined)
                .map((key) => (
                  <div key={key} className="schema">
                    <div className="schema-label">{key}</div>
                    <pre>{JSON.stringify(item[key], null, 2)}</pre>
                  </div>
                ))}
            </details>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What an upstream offered when last listed: tools, resources (and templates) and prompts, with schemas. */
export function CatalogView({ catalog }: { catalog: UpstreamCatalogDto }) {
  const resources = [...catalog.resources, ...catalog.resourceTemplates];
  return (
    <div>
      <p className="muted small catalog-meta">
        Listed <RelativeTime at={catalog.checkedAt} />
        {catalog.refreshedAt !== catalog.checkedAt && (
          <>
            {' '}
            · last changed <RelativeTime at={catalog.refreshedAt} />
          </>
        )}
        {catalog.instructions && <> · has instructions for models</>}
      </p>
      <Tabs
        label="Catalog"
        tabs={[
          {
            id: 'tools',
            label: `Tools (${catalog.tools.length})`,
            content: <ItemList items={catalog.tools} nameKey="name" schemaKeys={['inputSchema', 'outputSchema', 'annotations']} noun="tools" />,
          },
          {
            id: 'resources',
            label: `Resources (${resources.length})`,
            content: <ItemList items={resources.map((r) => ({ ...r, uri: r.uri ?? r.uriTemplate }))} nameKey="uri" schemaKeys={['mimeType', 'uriTemplate', 'annotations']} noun="resources" />,
          },
          {
            id: 'prompts',
            label: `Prompts (${catalog.prompts.length})`,
            content: <ItemList items={catalog.prompts} nameKey="name" schemaKeys={['arguments']} noun="prompts" />,
          },
        ]}
      />
    </div>
  );
}
