import type { Connection } from '@switchboard/core/contracts/credentials';
import { type FormEvent, useState } from 'react';
import { useSetConnectionValues } from '../../api/connections.ts';
import { TextField } from '../../components/field.tsx';
import { MutationError } from '../../components/query-state.tsx';

/**
 * A person's secret values for a `per-user` upstream, write-only: the form never shows a
 * stored value, only that it is set, and saving sends every value the upstream declares.
 */
export function ConnectionValuesForm({ connection }: { connection: Connection }) {
  const save = useSetConnectionValues();
  const names = connection.values.map((v) => v.name);
  const [values, setValues] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<string[]>([]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const empty = names.filter((name) => !values[name]);
    setMissing(empty);
    if (empty.length) return;
    save.mutate({ upstream: connection.upstream.name, values }, { onSuccess: () => setValues({}) });
  }

  return (
    <form className="form-grid panel-pad" onSubmit={submit} noValidate aria-label={`Your values for ${connection.upstream.name}`}>
      {connection.values.map(({ name, hasValue }) => (
        <TextField
          key={name}
          label={name}
          type="password"
          autoComplete="off"
          hint={hasValue ? 'Set. Enter a new value to replace it (the stored one is never shown).' : 'Not set yet.'}
          error={missing.includes(name) ? 'is required (saving replaces all your values for this upstream)' : undefined}
          value={values[name] ?? ''}
          onChange={(value) => setValues((v) => ({ ...v, [name]: value }))}
        />
      ))}
      <div className="form-actions span-2">
        <MutationError error={save.error} />
        {save.isSuccess && (
          <span className="ok-text small" role="status">
            Saved.
          </span>
        )}
        <button type="submit" className="button primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save values'}
        </button>
      </div>
    </form>
  );
}
