/** A JSON value flattened to `path → value` (objects by key, arrays by index); leaves only. */
function flatten(value: unknown, path: string, out: Map<string, unknown>) {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    // `{ hasValue: true }` is how a masked secret reads: one leaf, not two levels
    if (!Array.isArray(value) && entries.length === 1 && entries[0]![0] === 'hasValue') {
      out.set(path, (value as { hasValue?: unknown }).hasValue === true ? '(secret set)' : '(no secret)');
      return;
    }
    if (entries.length === 0) out.set(path, Array.isArray(value) ? '[]' : '{}');
    for (const [key, v] of entries) flatten(v, path ? `${path}.${key}` : key, out);
    return;
  }
  out.set(path, value);
}

const show = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

export interface DiffRow {
  path: string;
  before: unknown;
  after: unknown;
}

/** The fields that differ between before and after (added, removed or changed), in path order. */
export function changedFields(before: unknown, after: unknown): DiffRow[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  if (before != null) flatten(before, '', a);
  if (after != null) flatten(after, '', b);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.filter((p) => show(a.get(p)) !== show(b.get(p)) || a.has(p) !== b.has(p)).map((path) => ({ path, before: a.get(path), after: b.get(path) }));
}

/** Before/after of one change: only what differs, old value struck through beside the new one. */
export function ChangeDiff({ before, after }: { before: unknown; after: unknown }) {
  const rows = changedFields(before, after);
  if (rows.length === 0) return <p className="muted small">No field changed.</p>;
  return (
    <table className="table diff-table">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.path}>
            <td>
              <code>{row.path || '(value)'}</code>
            </td>
            <td className="diff-before">{row.before === undefined ? <span className="muted">—</span> : <del>{show(row.before)}</del>}</td>
            <td className="diff-after">{row.after === undefined ? <span className="muted">—</span> : <ins>{show(row.after)}</ins>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
