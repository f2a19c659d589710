import type { PlaygroundCatalog } from '@switchboard/core/contracts/playground';
import { type FormEvent, useState } from 'react';
import { useAskPlayground } from '../../api/playground.ts';
import { Field } from '../../components/field.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { CompletingInput } from './completing-input.tsx';
import { ResourceSubscription } from './resource-subscription.tsx';
import { ResultView } from './result-view.tsx';
import { fillTemplate, templateVariables } from './uri-template.ts';

type Resource = PlaygroundCatalog['resources'][number];
type Template = PlaygroundCatalog['resourceTemplates'][number];

/**
 * Reads one resource, or a template once its variables are filled in (with the server's
 * completions as suggestions), as the person: resources/read through the pipeline.
 */
export function ResourceForm({ serverId, item, asUser }: { serverId: string; item: { resource: Resource } | { template: Template }; asUser?: string }) {
  const template = 'template' in item ? item.template : undefined;
  const variables = template ? templateVariables(template.uriTemplate) : [];
  const [values, setValues] = useState<Record<string, string>>({});
  const ask = useAskPlayground(serverId);
  const uri = template ? fillTemplate(template.uriTemplate, values) : (item as { resource: Resource }).resource.uri;
  const described = template ?? (item as { resource: Resource }).resource;
  const missing = variables.filter((v) => !values[v]);

  const read = () => ask.mutate({ kind: 'resource', name: uri, asUser });
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (missing.length === 0) read();
  }

  return (
    <div className="tool-form">
      <header>
        <h2>
          <code>{template ? template.uriTemplate : uri}</code>
        </h2>
        <div className="muted small">{described.name}</div>
        {described.description && <p className="tool-description">{described.description}</p>}
      </header>
      <form onSubmit={submit} noValidate className="stack-sm">
        {template &&
          variables.map((name) => (
            <Field key={name} label={name}>
              {(props) => (
                <CompletingInput
                  serverId={serverId}
                  completeRef={{ type: 'ref/resource', uri: template.uriTemplate }}
                  name={name}
                  value={values[name] ?? ''}
                  onChange={(v) => setValues((s) => ({ ...s, [name]: v }))}
                  context={values}
                  asUser={asUser}
                  props={props}
                />
              )}
            </Field>
          ))}
        {template && (
          <p className="small">
            Reads <code>{uri}</code>
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={ask.isPending || missing.length > 0}>
            {ask.isPending ? 'Reading…' : 'Read resource'}
          </button>
        </div>
      </form>
      {missing.length === 0 && <ResourceSubscription key={uri} serverId={serverId} uri={uri} asUser={asUser} onUpdate={read} />}
      <MutationError error={ask.error} />
      {ask.data && !ask.isPending && <ResultView result={ask.data} />}
    </div>
  );
}
