import type { VirtualServer } from '@switchboard/core/contracts/virtual-servers';
import { virtualServerCreateSchema } from '@switchboard/core/contracts/virtual-servers';
import { useQueries, useQuery } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { upstreamQueries } from '../../api/upstreams.ts';
import { useCreateVirtualServer, useUpdateVirtualServer, virtualServerQueries } from '../../api/virtual-servers.ts';
import { Check, Field, TextField } from '../../components/field.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError, QueryState } from '../../components/query-state.tsx';
import { useNavigate } from '@tanstack/react-router';
import { useFormErrors } from '../../lib/use-form-errors.ts';
import { type CatalogSummary, type DraftEntry, previewExposure } from './exposure.ts';
import { ExposurePreview } from './exposure-preview.tsx';
import { SelectedEntries } from './selected-entries.tsx';
import { ToolPicker } from './tool-picker.tsx';

interface Draft {
  name: string;
  description: string;
  prefixMode: 'always' | 'never';
  resourceUris: 'original' | 'namespaced';
  authMode: 'oauth' | 'none' | 'api-key';
  defaultAccess: 'deny' | 'allow';
  enabled: boolean;
  auditPayloads: boolean;
  entries: DraftEntry[];
}

const fromServer = (s?: VirtualServer): Draft => ({
  name: s?.name ?? '',
  description: s?.description ?? '',
  prefixMode: s?.prefixMode ?? 'always',
  resourceUris: s?.resourceUris ?? 'original',
  authMode: s?.authMode ?? 'oauth',
  defaultAccess: s?.defaultAccess ?? 'deny',
  enabled: s?.enabled ?? true,
  auditPayloads: s?.auditPayloads ?? false,
  entries: (s?.entries ?? [])
    .filter((e) => e.kind === 'upstream' || e.kind === 'tool')
    .map((e) => ({ upstreamId: e.upstreamId, kind: e.kind as 'upstream' | 'tool', name: e.name, exposedName: e.exposedName ?? '', description: e.description ?? '' })),
});

const toBody = (d: Draft, kept: VirtualServer['entries']) => ({
  name: d.name.trim(),
  description: d.description.trim() || null,
  prefixMode: d.prefixMode,
  resourceUris: d.resourceUris,
  authMode: d.authMode,
  defaultAccess: d.defaultAccess,
  enabled: d.enabled,
  auditPayloads: d.auditPayloads,
  entries: [
    ...d.entries.map((e) =>
      e.kind === 'upstream'
        ? { upstreamId: e.upstreamId, kind: 'upstream' as const }
        : { upstreamId: e.upstreamId, kind: 'tool' as const, name: e.name, exposedName: e.exposedName.trim() || null, description: e.description.trim() || null },
    ),
    // Single resources and prompts are not edited here; keep them as they are.
    ...kept.map((e) => ({ upstreamId: e.upstreamId, kind: e.kind, name: e.name, exposedName: e.exposedName, description: e.description })),
  ],
});

function Editor({ server }: { server?: VirtualServer }) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState(() => fromServer(server));
  const form = useFormErrors();
  const upstreams = useQuery(upstreamQueries.list({ limit: 200 }));
  const items = upstreams.data?.items ?? [];
  const catalogQueries = useQueries({ queries: items.map((u) => upstreamQueries.catalog(u.id)) });
  const catalogs = useMemo(() => {
    const map = new Map<string, CatalogSummary | null | undefined>();
    items.forEach((u, i) => {
      const data = catalogQueries[i]?.data;
      map.set(u.id, data === undefined ? undefined : data === null ? null : { upstreamName: u.name, tools: data.tools as CatalogSummary['tools'] });
    });
    return map;
  }, [items, catalogQueries]);
  const exposure = useMemo(() => previewExposure(draft.entries, draft.prefixMode, catalogs as Map<string, CatalogSummary | null>), [draft, catalogs]);
  const create = useCreateVirtualServer();
  const update = useUpdateVirtualServer(server?.id ?? '');
  const mutation = server ? update : create;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const kept = (server?.entries ?? []).filter((e) => e.kind === 'resource' || e.kind === 'prompt');
    const body = form.check(virtualServerCreateSchema, toBody(draft, kept));
    if (!body) return;
    const onSuccess = (saved: VirtualServer) => navigate({ to: '/virtual-servers/$id', params: { id: saved.id } });
    if (server) update.mutate(body, { onSuccess });
    else create.mutate(body, { onSuccess });
  }

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <Panel title="Basics">
        <div className="form-grid panel-pad">
          <TextField
            label="Name"
            hint="Shown to clients as the server's name."
            error={form.messageFor('name')}
            value={draft.name}
            onChange={(v) => set('name', v)}
            placeholder="dev"
            spellCheck={false}
          />
          <TextField label="Description" error={form.messageFor('description')} value={draft.description} onChange={(v) => set('description', v)} placeholder="Optional" />
          <Field label="Tool names" hint="With no prefix, clashing names are rejected when saving.">
            {(p) => (
              <select {...p} value={draft.prefixMode} onChange={(e) => set('prefixMode', e.target.value as Draft['prefixMode'])}>
                <option value="always">Prefixed: upstream__tool</option>
                <option value="never">No prefix: the tool's own name</option>
              </select>
            )}
          </Field>
          <Field label="Resource URIs" hint="Two upstreams listing the same URI are rejected when saving, unless each is namespaced.">
            {(p) => (
              <select {...p} value={draft.resourceUris} onChange={(e) => set('resourceUris', e.target.value as Draft['resourceUris'])}>
                <option value="original">As the upstream lists them</option>
                <option value="namespaced">Namespaced: switchboard://upstream/uri</option>
              </select>
            )}
          </Field>
          <Field label="Authentication">
            {(p) => (
              <select {...p} value={draft.authMode} onChange={(e) => set('authMode', e.target.value as Draft['authMode'])}>
                <option value="oauth">OAuth (users sign in)</option>
                <option value="api-key">API key (bearer token)</option>
                <option value="none">None (public)</option>
              </select>
            )}
          </Field>
          <Field label="Without a matching rule" hint="What a user may do when no allow/deny rule decides.">
            {(p) => (
              <select {...p} value={draft.defaultAccess} onChange={(e) => set('defaultAccess', e.target.value as Draft['defaultAccess'])}>
                <option value="deny">Deny (allowlist)</option>
                <option value="allow">Allow</option>
              </select>
            )}
          </Field>
          <div className="checks">
            <Check checked={draft.enabled} onChange={(v) => set('enabled', v)}>
              Enabled
            </Check>
            <Check checked={draft.auditPayloads} onChange={(v) => set('auditPayloads', v)}>
              Record arguments and results in the audit log (secrets redacted)
            </Check>
          </div>
        </div>
      </Panel>
      <div className="two-columns">
        <Panel title="Pick tools" description="Whole upstreams or single tools, across upstreams.">
          <div className="panel-pad">
            <QueryState query={upstreams} noun="upstreams">
              {() => <ToolPicker upstreams={items} catalogs={catalogs} entries={draft.entries} onChange={(entries) => set('entries', entries)} />}
            </QueryState>
          </div>
        </Panel>
        <div className="stack">
          <Panel title="Selected" count={draft.entries.length} description="Rename or re-describe single tools.">
            <div className="panel-pad">
              <SelectedEntries entries={draft.entries} upstreams={items} prefix={draft.prefixMode} onChange={(entries) => set('entries', entries)} errors={form.errors} />
            </div>
          </Panel>
          <ExposurePreview exposure={exposure} upstreams={items} />
        </div>
      </div>
      <MutationError error={mutation.error} />
      <div className="form-actions sticky-actions">
        <button type="button" className="button ghost" onClick={() => navigate(server ? { to: '/virtual-servers/$id', params: { id: server.id } } : { to: '/virtual-servers' })}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : server ? 'Save changes' : 'Create virtual server'}
        </button>
      </div>
    </form>
  );
}

export function VirtualServerEditorPage({ id }: { id?: string }) {
  const query = useQuery({ ...virtualServerQueries.detail(id ?? ''), enabled: Boolean(id) });
  const header = (
    <PageHeader
      title={id ? `Edit ${query.data?.name ?? 'virtual server'}` : 'New virtual server'}
      back={id ? { to: '/virtual-servers/$id', params: { id }, label: query.data?.name ?? 'Virtual server' } : { to: '/virtual-servers', label: 'Virtual servers' }}
    />
  );
  if (!id) {
    return (
      <div className="stack">
        {header}
        <Editor />
      </div>
    );
  }
  return (
    <div className="stack">
      {header}
      <QueryState query={query} noun="the virtual server">
        {(server) => <Editor server={server} />}
      </QueryState>
    </div>
  );
}
