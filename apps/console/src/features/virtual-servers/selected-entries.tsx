import type { Upstream } from '@switchboard/core/contracts/upstreams';
import { defaultExposedName, type DraftEntry } from './exposure.ts';

interface SelectedEntriesProps {
  entries: DraftEntry[];
  upstreams: Upstream[];
  prefix: 'always' | 'never';
  onChange: (entries: DraftEntry[]) => void;
  /** Field errors of the entries, by "entries.<index>.<field>". */
  errors: Record<string, string>;
}

/** What has been picked; single tools can be renamed and re-described here. */
export function SelectedEntries({ entries, upstreams, prefix, onChange, errors }: SelectedEntriesProps) {
  const nameOf = (id: string) => upstreams.find((u) => u.id === id)?.name ?? 'unknown upstream';
  const set = (index: number, patch: Partial<DraftEntry>) => onChange(entries.map((e, i) => (i === index ? { ...e, ...patch } : e)));
  if (entries.length === 0) return <div className="state empty">Nothing picked yet. Choose whole upstreams or single tools on the left.</div>;
  return (
    <ul className="picked">
      {entries.map((entry, index) => (
        <li key={`${entry.upstreamId}/${entry.kind}/${entry.name}`}>
          <div className="picked-head">
            {entry.kind === 'upstream' ? (
              <span>
                <strong>{nameOf(entry.upstreamId)}</strong> <span className="muted small">whole upstream</span>
              </span>
            ) : (
              <span>
                <code>
                  {nameOf(entry.upstreamId)}:{entry.name}
                </code>
              </span>
            )}
            <button type="button" className="button small ghost" onClick={() => onChange(entries.filter((_, i) => i !== index))} aria-label={`Remove ${entry.name ?? nameOf(entry.upstreamId)}`}>
              Remove
            </button>
          </div>
          {entry.kind === 'tool' && (
            <div className="picked-fields">
              <input
                aria-label={`Exposed name of ${entry.name}`}
                className="mono"
                value={entry.exposedName}
                placeholder={defaultExposedName(nameOf(entry.upstreamId), entry.name ?? '', prefix)}
                onChange={(e) => set(index, { exposedName: e.target.value })}
                spellCheck={false}
              />
              <input aria-label={`Description of ${entry.name}`} value={entry.description} placeholder="Keep the upstream's description" onChange={(e) => set(index, { description: e.target.value })} />
              {(errors[`entries.${index}.exposedName`] ?? errors[`entries.${index}.description`]) && (
                <div className="field-error">{errors[`entries.${index}.exposedName`] ?? errors[`entries.${index}.description`]}</div>
              )}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
