import type { PlaygroundCatalog } from '@switchboard/core/contracts/playground';
import { type FormEvent, useState } from 'react';
import { useAskPlayground } from '../../api/playground.ts';
import { Field } from '../../components/field.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { CompletingInput } from './completing-input.tsx';
import { ResultView } from './result-view.tsx';

type Prompt = PlaygroundCatalog['prompts'][number];

/** Gets one prompt with its arguments (the server's completions as suggestions), as the person: prompts/get through the pipeline. */
export function PromptForm({ serverId, prompt, asUser }: { serverId: string; prompt: Prompt; asUser?: string }) {
  const args = prompt.arguments ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const ask = useAskPlayground(serverId);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const missing = Object.fromEntries(args.filter((a) => a.required && !values[a.name]).map((a) => [a.name, 'required']));
    setErrors(missing);
    if (Object.keys(missing).length > 0) return;
    const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
    ask.mutate({ kind: 'prompt', name: prompt.name, arguments: filled, asUser });
  }

  return (
    <div className="tool-form">
      <header>
        <h2>
          <code>{prompt.name}</code>
        </h2>
        {prompt.description && <p className="tool-description">{prompt.description}</p>}
      </header>
      <form onSubmit={submit} noValidate className="stack-sm">
        {args.length === 0 && <p className="muted">This prompt takes no arguments.</p>}
        {args.map((arg) => (
          <Field key={arg.name} label={`${arg.name}${arg.required ? ' *' : ''}`} hint={arg.description} error={errors[arg.name]}>
            {(props) => (
              <CompletingInput
                serverId={serverId}
                completeRef={{ type: 'ref/prompt', name: prompt.name }}
                name={arg.name}
                value={values[arg.name] ?? ''}
                onChange={(v) => setValues((s) => ({ ...s, [arg.name]: v }))}
                context={values}
                asUser={asUser}
                props={props}
              />
            )}
          </Field>
        ))}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={ask.isPending}>
            {ask.isPending ? 'Getting…' : 'Get prompt'}
          </button>
        </div>
      </form>
      <MutationError error={ask.error} />
      {ask.data && !ask.isPending && <ResultView result={ask.data} />}
    </div>
  );
}
