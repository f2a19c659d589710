import type { PlaygroundAnswer, PlaygroundInputRequired } from '@switchboard/core/contracts/playground';
import { type FormEvent, useMemo, useState } from 'react';
import { Field } from '../../components/field.tsx';
import { ExchangeView } from './exchange-view.tsx';
import { argumentsFrom, fieldsOf, type SchemaField } from './schema-fields.ts';
import { SchemaInput } from './schema-input.tsx';

/** What the page answers each request with (`elicitation/create` results, keyed as asked). */
export type InputResponses = Record<string, Record<string, unknown>>;

type Action = 'accept' | 'decline' | 'cancel';

interface Question {
  key: string;
  message: string;
  fields: SchemaField[];
}

/** The elicitation forms among the requests; anything else (sampling) the page cannot answer. */
function questionsOf(inputRequired: PlaygroundInputRequired): { questions: Question[]; unsupported: string[]; keys: string[] } {
  const questions: Question[] = [];
  const unsupported: string[] = [];
  const keys = Object.keys(inputRequired.requests);
  for (const [key, request] of Object.entries(inputRequired.requests)) {
    const params = request.params ?? {};
    if (request.method !== 'elicitation/create' || (params.mode !== undefined && params.mode !== 'form')) {
      unsupported.push(request.method === 'elicitation/create' ? `elicitation in ${String(params.mode)} mode` : request.method);
      continue;
    }
    const schema = (params.requestedSchema ?? { type: 'object' }) as Record<string, unknown>;
    questions.push({ key, message: typeof params.message === 'string' ? params.message : '', fields: fieldsOf(schema) });
  }
  return { questions, unsupported, keys };
}

/**
 * A tool asked the person for input in the middle of its call (elicitation): the form built
 * from the requested schema (text, numbers, yes/no, choices), and the three answers MCP
 * defines — Accept (with the values), Decline, Cancel. The answer goes back with the call's
 * state and the call goes on.
 */
export function ElicitationForm({
  answer,
  pending,
  onAnswer,
}: {
  answer: PlaygroundAnswer & { inputRequired: PlaygroundInputRequired };
  pending: boolean;
  onAnswer: (responses: InputResponses) => void;
}) {
  const { questions, unsupported, keys } = useMemo(() => questionsOf(answer.inputRequired), [answer]);
  const [values, setValues] = useState<Record<string, Record<string, string>>>(() =>
    Object.fromEntries(questions.map((q) => [q.key, Object.fromEntries(q.fields.map((f) => [f.name, f.initial]))])),
  );
  const [errors, setErrors] = useState<Record<string, Record<string, string>>>({});

  function send(action: Action) {
    if (action !== 'accept') {
      // Cancel answers everything, what the page cannot answer too: the upstream hears the call is off.
      onAnswer(Object.fromEntries((action === 'cancel' ? keys : questions.map((q) => q.key)).map((key) => [key, { action }])));
      return;
    }
    const responses: InputResponses = {};
    const problems: Record<string, Record<string, string>> = {};
    for (const q of questions) {
      const read = argumentsFrom(q.fields, values[q.key] ?? {});
      if (read.ok) responses[q.key] = { action: 'accept', content: read.args };
      else problems[q.key] = read.errors;
    }
    setErrors(problems);
    if (Object.keys(problems).length === 0) onAnswer(responses);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send('accept');
  }

  return (
    <form className="result stack-sm" aria-label="Input requested" onSubmit={submit} noValidate>
      <div className="result-head">
        <span className="pill warn">input requested</span> <span className="muted small">the tool is waiting for your answer</span>
      </div>
      {questions.map((q) => (
        <fieldset key={q.key} className="stack-sm">
          <legend>{q.message || 'The tool asks for input'}</legend>
          {q.fields.map((field) => (
            <Field key={field.name} label={`${field.name}${field.required ? ' *' : ''}`} hint={field.description} error={errors[q.key]?.[field.name]}>
              {(props) => (
                <SchemaInput
                  field={field}
                  value={values[q.key]?.[field.name] ?? ''}
                  onChange={(v) => {
                    setValues((s) => ({ ...s, [q.key]: { ...s[q.key], [field.name]: v } }));
                    setErrors((s) => ({ ...s, [q.key]: { ...s[q.key], [field.name]: '' } }));
                  }}
                  props={props}
                />
              )}
            </Field>
          ))}
        </fieldset>
      ))}
      {unsupported.length > 0 && <p className="callout warn small">The page cannot answer {unsupported.join(', ')}; cancel to end the call.</p>}
      <div className="form-actions">
        <button type="button" className="button ghost" disabled={pending} onClick={() => send('cancel')}>
          Cancel
        </button>
        <button type="button" className="button" disabled={pending || questions.length === 0} onClick={() => send('decline')}>
          Decline
        </button>
        <button type="submit" className="button primary" disabled={pending || questions.length === 0}>
          Accept
        </button>
      </div>
      <ExchangeView exchange={answer.exchange} />
    </form>
  );
}
