import type { SchemaField } from './schema-fields.ts';

/** The input for one schema field (see schema-fields.ts): a checkbox, a select, a number, text or JSON. */
export function SchemaInput({ field, value, onChange, props }: { field: SchemaField; value: string; onChange: (v: string) => void; props: Record<string, unknown> }) {
  switch (field.kind) {
    case 'boolean':
      return <input {...props} type="checkbox" checked={value === 'true'} onChange={(e) => onChange(String(e.target.checked))} />;
    case 'enum':
      return (
        <select {...props} value={value} onChange={(e) => onChange(e.target.value)}>
          {!field.required && <option value="">—</option>}
          {field.options?.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    case 'json':
      return <textarea {...props} className="mono" rows={3} value={value} onChange={(e) => onChange(e.target.value)} placeholder="JSON" spellCheck={false} />;
    case 'number':
    case 'integer':
      return <input {...props} inputMode="decimal" value={value} onChange={(e) => onChange(e.target.value)} />;
    default:
      return <input {...props} value={value} onChange={(e) => onChange(e.target.value)} />;
  }
}
