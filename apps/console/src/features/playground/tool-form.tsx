import type { PlaygroundTool } from '@switchboard/core/contracts/playground';
import { type FormEvent, useMemo, useState } from 'react';
import { useCallTool } from '../../api/playground.ts';
import { Field } from '../../components/field.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { ResultView } from './result-view.tsx';
import { argumentsFrom, fieldsOf, type SchemaField } from './schema-fields.ts';

function Input({ field, value, onChange, props }: { field: SchemaField; value: string; onChange: (v: string) => void; props: Record<string, unknown> }) {
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

/** A form generated from the tool's input schema (or raw JSON), the call, and its result. */
export function ToolForm({ serverId, tool, asUser }: { serverId: string; tool: PlaygroundTool; asUser?: string }) {
  const fields = useMemo(() => fieldsOf(tool.inputSchema), [tool]);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, f.initial])));
  const [raw, setRaw] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const call = useCallTool(serverId);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (raw !== null) {
      try {
        const args = JSON.parse(raw || '{}');
        setErrors({});
        call.mutate({ name: tool.name, arguments: args, asUser });
      } catch {
        setErrors({ '(json)': 'The arguments must be a JSON object' });
      }
      return;
    }
    const result = argumentsFrom(fields, values);
    setErrors(result.ok ? {} : result.errors);
    if (result.ok) call.mutate({ name: tool.name, arguments: result.args, asUser });
  }

  return (
    <div className="tool-form">
      <header>
        <h2>
          <code>{tool.name}</code>
        </h2>
        <div className="muted small">
          {tool.title && <strong>{tool.title} · </strong>}from {tool.upstreamName}:{tool.upstreamTool}
        </div>
        {tool.description && <p className="tool-description">{tool.description}</p>}
      </header>
      <form onSubmit={submit} noValidate className="stack-sm">
        {raw === null ? (
          fields.length === 0 ? (
            <p className="muted">This tool takes no arguments.</p>
          ) : (
            fields.map((field) => (
              <Field key={field.name} label={`${field.name}${field.required ? ' *' : ''}`} hint={field.description} error={errors[field.name]}>
                {(props) => <Input field={field} value={values[field.name] ?? ''} onChange={(v) => setValues((s) => ({ ...s, [field.name]: v }))} props={props} />}
              </Field>
            ))
          )
        ) : (
          <Field label="Arguments (JSON)" error={errors['(json)']}>
            {(props) => <textarea {...props} className="mono code-input" rows={8} value={raw} onChange={(e) => setRaw(e.target.value)} spellCheck={false} />}
          </Field>
        )}
        <div className="form-actions">
          <button
            type="button"
            className="button ghost small"
            onClick={() => {
              if (raw === null) {
                const current = argumentsFrom(fields, values);
                setRaw(JSON.stringify(current.ok ? current.args : {}, null, 2));
              } else setRaw(null);
            }}
          >
            {raw === null ? 'Edit as JSON' : 'Use the form'}
          </button>
          <button type="submit" className="button primary" disabled={call.isPending}>
            {call.isPending ? 'Running…' : 'Run tool'}
          </button>
        </div>
      </form>
      {call.isPending && (
        <div className="callout" role="status">
          <span className="spinner" aria-hidden="true" /> Calling {tool.name}…
        </div>
      )}
      <MutationError error={call.error} />
      {call.data && !call.isPending && <ResultView result={call.data} />}
    </div>
  );
}
