import { useId } from 'react';

/**
 * One row of an env or headers map. Values are write-only: a stored value is never sent
 * to the browser, so a row that already exists shows "set" until it is replaced.
 */
export interface SecretRow {
  key: string;
  /** The new value typed here; '' for a stored value left as is. */
  value: string;
  /** The gateway already holds a value for this key. */
  stored: boolean;
  /** Marked for removal (stored rows only). */
  removed?: boolean;
}

export const rowsFromStored = (map: Record<string, { hasValue: boolean }>): SecretRow[] =>
  Object.entries(map).map(([key, state]) => ({ key, value: '', stored: state.hasValue }));

/** For a create: every row with a key. */
export function createMap(rows: SecretRow[]): Record<string, string> {
  return Object.fromEntries(rows.filter((r) => r.key.trim() && !r.removed).map((r) => [r.key.trim(), r.value]));
}

/** For an update: only what changed (a string sets, null removes, untouched stored keys are left out). */
export function patchMap(rows: SecretRow[]): Record<string, string | null> {
  const patch: Record<string, string | null> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (!key) continue;
    if (row.removed) patch[key] = null;
    else if (!row.stored || row.value !== '') patch[key] = row.value;
  }
  return patch;
}

interface SecretMapEditorProps {
  label: string;
  rows: SecretRow[];
  onChange: (rows: SecretRow[]) => void;
  keyPlaceholder: string;
  error?: string;
}

export function SecretMapEditor({ label, rows, onChange, keyPlaceholder, error }: SecretMapEditorProps) {
  const id = useId();
  const set = (index: number, patch: Partial<SecretRow>) => onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  return (
    <fieldset className={`secret-map${error ? ' invalid' : ''}`} aria-describedby={`${id}-hint`}>
      <legend>{label}</legend>
      {rows.length === 0 && <p className="muted small">None.</p>}
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until they have a key
        <div className={`secret-row${row.removed ? ' removed' : ''}`} key={index}>
          <input
            aria-label={`${label} name ${index + 1}`}
            placeholder={keyPlaceholder}
            value={row.key}
            disabled={row.stored}
            onChange={(e) => set(index, { key: e.target.value })}
            spellCheck={false}
          />
          <input
            aria-label={`${label} value ${index + 1}`}
            type="password"
            autoComplete="new-password"
            placeholder={row.stored ? '•••••• stored — type to replace' : 'value'}
            value={row.value}
            disabled={row.removed}
            onChange={(e) => set(index, { value: e.target.value })}
          />
          {row.stored ? (
            <button type="button" className="button small ghost" onClick={() => set(index, { removed: !row.removed, value: '' })}>
              {row.removed ? 'Keep' : 'Remove'}
            </button>
          ) : (
            <button type="button" className="button small ghost" onClick={() => onChange(rows.filter((_, i) => i !== index))} aria-label={`Remove row ${index + 1}`}>
              ✕
            </button>
          )}
        </div>
      ))}
      <button type="button" className="button small" onClick={() => onChange([...rows, { key: '', value: '', stored: false }])}>
        + Add
      </button>
      <p id={`${id}-hint`} className="hint">
        Values are write-only: they are encrypted at rest and never shown again.
      </p>
      {error && <div className="field-error">{error}</div>}
    </fieldset>
  );
}
