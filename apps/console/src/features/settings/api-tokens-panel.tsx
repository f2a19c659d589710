import { type ApiToken, apiTokenCreateSchema, type ApiTokenCreated } from '@switchboard/core/contracts/api-tokens';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { apiTokenQueries, useCreateApiToken, useRevokeApiToken } from '../../api/api-tokens.ts';
import { CodeBlock } from '../../components/code-block.tsx';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import type { Column } from '../../components/data-table.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { ResourceTable } from '../../components/resource-table.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { Link } from '@tanstack/react-router';
import { useFormErrors } from '../../lib/use-form-errors.ts';

const tokenColumns: Array<Column<ApiToken>> = [
  {
    header: 'Name',
    cell: (t) => (
      <>
        <div className="name">{t.name}</div>
        <code className="small">{t.prefix}…</code>
      </>
    ),
  },
  { header: 'Scope', cell: (t) => t.scopes.map((s) => <span key={s} className="tag">{s}</span>) },
  {
    header: 'Owner',
    className: 'small',
    cell: (t) => (t.owner ? <Link to="/users/$id" params={{ id: t.owner.id }}>{t.owner.email}</Link> : <span className="muted">no person</span>),
  },
  {
    header: 'Works on',
    className: 'small',
    cell: (t) => (t.scopes.includes('mcp') ? (t.virtualServerIds ? `${t.virtualServerIds.length} virtual server(s)` : 'every key-protected server') : 'admin API'),
  },
  { header: 'Last used', className: 'small', cell: (t) => <RelativeTime at={t.lastUsedAt} /> },
  { header: 'Expires', className: 'small', cell: (t) => <RelativeTime at={t.expiresAt} empty="never" /> },
];

export function ApiTokensPanel() {
  const query = useQuery(apiTokenQueries.list());
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'admin' | 'admin:read'>('admin:read');
  const [days, setDays] = useState('');
  const form = useFormErrors();
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);

  const status: Column<ApiToken> = {
    header: 'Status',
    cell: (t) =>
      t.revokedAt ? (
        <span className="pill off">Revoked</span>
      ) : (
        <ConfirmButton
          label="Revoke"
          title={`Revoke token ${t.name}?`}
          confirmLabel="Revoke token"
          consequences={<p>Scripts and consoles using it are refused from now on. This cannot be undone.</p>}
          ariaLabel={`Revoke token ${t.name}`}
          pending={revoke.isPending && revoke.variables === t.id}
          error={<MutationError error={revoke.error} />}
          onConfirm={() => revoke.mutateAsync(t.id)}
        />
      ),
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : null;
    const input = form.check(apiTokenCreateSchema, { name: name.trim(), scopes: [scope], expiresAt });
    if (input)
      create.mutate(input, {
        onSuccess: (token) => {
          setCreated(token);
          setName('');
        },
      });
  }

  return (
    <Panel
      title="API tokens"
      description="For automation: scripts and CI call the admin API with Authorization: Bearer <token>. Everyone's personal MCP keys (scope mcp, minted under My keys) are listed here too, so you can revoke any of them."
    >
      <form className="rule-form panel-pad" onSubmit={submit} noValidate>
        <input aria-label="Token name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Name, e.g. ci-deploy" />
        <select aria-label="Scope" value={scope} onChange={(e) => setScope(e.target.value as typeof scope)}>
          <option value="admin:read">read only (admin:read)</option>
          <option value="admin">full access (admin)</option>
        </select>
        <select aria-label="Expires" value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="">never expires</option>
          <option value="7">expires in 7 days</option>
          <option value="30">expires in 30 days</option>
          <option value="90">expires in 90 days</option>
        </select>
        <button type="submit" className="button primary" disabled={create.isPending}>
          Create token
        </button>
        {form.messageFor('name') && <div className="field-error">Name {form.messageFor('name')}</div>}
      </form>
      <MutationError error={create.error ?? revoke.error} />
      {created && (
        <div className="callout ok panel-pad created-token" role="status">
          <strong>Token “{created.name}” created.</strong> Copy it now: it is shown only once.
          <CodeBlock code={created.token} label="Copy the new token" />
          <button type="button" className="button small" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      <ResourceTable query={query} noun="API tokens" empty={<>No API tokens.</>} columns={[...tokenColumns, status]} />
    </Panel>
  );
}
