import { upstreamCreateSchema, type UpstreamCreate } from '@switchboard/core/contracts/upstreams';
import { type FormEvent, useState } from 'react';
import { useCreateUpstream, useRefreshUpstream, useTestUpstream } from '../../api/upstreams.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { useNavigate } from '@tanstack/react-router';
import { useFormErrors } from '../../lib/use-form-errors.ts';
import { ConnectionTestResult } from './connection-test-result.tsx';
import { emptyDraft, toCreate } from './upstream-draft.ts';
import { UpstreamFields } from './upstream-form.tsx';

export function NewUpstreamPage() {
  const navigate = useNavigate();
  const [draft, setDraft] = useState(emptyDraft);
  const form = useFormErrors();
  const create = useCreateUpstream();
  const test = useTestUpstream();
  const list = useRefreshUpstream();

  const checked = (): UpstreamCreate | null => form.check(upstreamCreateSchema, toCreate(draft));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = checked();
    if (!input) return;
    create.mutate(input, {
      // List it right away, so its tools can be picked for virtual servers (a failure shows on its page).
      onSuccess: async (created) => {
        if (created.enabled) await list.mutateAsync(created.id).catch(() => undefined);
        navigate({ to: '/upstreams/$id', params: { id: created.id } });
      },
    });
  }

  return (
    <div className="stack">
      <PageHeader title="Add an upstream" back={{ to: '/upstreams', label: 'Upstreams' }} description="Test the connection before saving: the gateway connects, lists what the server offers, and disconnects." />
      <form className="panel form-panel" onSubmit={submit} noValidate>
        <UpstreamFields
          draft={draft}
          onChange={(next) => {
            setDraft(next);
            test.reset();
          }}
          errors={form.errors}
        />
        {test.isPending && (
          <div className="callout" role="status">
            <span className="spinner" aria-hidden="true" /> Connecting and listing…
          </div>
        )}
        {test.data && <ConnectionTestResult result={test.data} />}
        {list.isPending && (
          <div className="callout" role="status">
            <span className="spinner" aria-hidden="true" /> Saved. Connecting and listing its tools…
          </div>
        )}
        <MutationError error={test.error ?? create.error} />
        <div className="form-actions">
          <button
            type="button"
            className="button"
            disabled={test.isPending}
            onClick={() => {
              const input = checked();
              if (input) test.mutate(input);
            }}
          >
            {test.isPending ? 'Testing…' : 'Test connection'}
          </button>
          <button type="submit" className="button primary" disabled={create.isPending || list.isPending}>
            {create.isPending || list.isPending ? 'Saving…' : 'Save upstream'}
          </button>
        </div>
      </form>
    </div>
  );
}
