import type { PlaygroundMessage, PlaygroundTool } from '@switchboard/core/contracts/playground';
import { type FormEvent, useMemo, useState } from 'react';
import { useLiveToolCall } from '../../api/playground.ts';
import { Field } from '../../components/field.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { progressLine } from './exchange-view.tsx';
import { ResultView } from './result-view.tsx';
import { ElicitationForm } from './elicitation-form.tsx';
import { argumentsFrom, fieldsOf } from './schema-fields.ts';
import { SchemaInput } from './schema-input.tsx';

/** The latest progress notification of a running call, if any. */
function lastProgress(messages: PlaygroundMessage[]) {
  const last = messages.findLast((m) => m.message.method === 'notifications/progress');
  return last?.message.params as { progress: number; total?: number } | undefined;
}

/** A call in flight: what it reported so far, and the way to stop it. */
function Running({ name, progress, line, onCancel }: { name: string; progress?: { progress: number; total?: number }; line: string | null; onCancel: () => void }) {
  return (
    <div className="callout stack-sm" role="status" aria-label="Running call">
      <div className="row">
        <span className="spinner" aria-hidden="true" /> Calling {name}…
        <button type="button" className="button small danger" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {progress && <progress aria-label="Progress" value={progress.progress} max={progress.total ?? undefined} />}
      {line && <p className="small progress-line">Progress: {line}</p>}
    </div>
  );
}

/** A form generated from the tool's input schema (or raw JSON), the call, and its result. */
export function ToolForm({ serverId, tool, asUser }: { serverId: string; tool: PlaygroundTool; asUser?: string }) {
  const fields = useMemo(() => fieldsOf(tool.inputSchema), [tool]);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, f.initial])));
  const [raw, setRaw] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const call = useLiveToolCall(serverId);
  // the arguments of the call under way: a retry answering what the tool asked repeats them
  const [sent, setSent] = useState<Record<string, unknown>>({});
  const start = (args: Record<string, unknown>) => {
    setSent(args);
    void call.run({ name: tool.name, arguments: args, asUser });
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (raw !== null) {
      try {
        const args = JSON.parse(raw || '{}');
        setErrors({});
        start(args);
      } catch {
        setErrors({ '(json)': 'The arguments must be a JSON object' });
      }
      return;
    }
    const result = argumentsFrom(fields, values);
    setErrors(result.ok ? {} : result.errors);
    if (result.ok) start(result.args);
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
                {(props) => <SchemaInput field={field} value={values[field.name] ?? ''} onChange={(v) => setValues((s) => ({ ...s, [field.name]: v }))} props={props} />}
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
          <button type="submit" className="button primary" disabled={call.pending}>
            {call.pending ? 'Running…' : 'Run tool'}
          </button>
        </div>
      </form>
      {call.pending && <Running name={tool.name} progress={lastProgress(call.messages)} line={progressLine(call.messages)} onCancel={call.cancel} />}
      {call.cancelled && (
        <div className="callout warn" role="status">
          Cancelled: the upstream was told to stop (<code>notifications/cancelled</code>); the audit log records it.
        </div>
      )}
      <MutationError error={call.error ?? null} />
      {call.answer?.inputRequired && !call.pending ? (
        <ElicitationForm
          key={call.answer.inputRequired.requestState ?? JSON.stringify(call.answer.inputRequired.requests)}
          answer={{ ...call.answer, inputRequired: call.answer.inputRequired }}
          pending={call.pending}
          onAnswer={(inputResponses) =>
            void call.run({ name: tool.name, arguments: sent, asUser, inputResponses, requestState: call.answer?.inputRequired?.requestState })
          }
        />
      ) : (
        call.answer && !call.pending && <ResultView result={call.answer} />
      )}
    </div>
  );
}
