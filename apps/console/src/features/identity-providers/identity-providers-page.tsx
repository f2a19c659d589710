import type { IdentityProvider } from '@switchboard/core/contracts/identity-providers';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { identityProviderQueries, useDeleteIdentityProvider } from '../../api/identity-providers.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import type { Column } from '../../components/data-table.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { ResourceTable } from '../../components/resource-table.tsx';
import { IdentityProviderForm } from './identity-provider-form.tsx';

const providerColumns: Array<Column<IdentityProvider>> = [
  {
    header: 'Provider',
    cell: (p) => (
      <>
        <div className="name">
          {p.displayName} {!p.enabled && <span className="pill off">Disabled</span>}
        </div>
        <div className="muted small mono">{p.issuer}</div>
      </>
    ),
  },
  {
    header: 'Callback URL',
    cell: (p) => (
      <div className="url">
        <code className="small">{p.callbackUrl}</code>
        <CopyButton text={p.callbackUrl} label={`Copy the callback URL of ${p.displayName}`} />
      </div>
    ),
  },
  {
    header: 'Role mappings',
    className: 'small',
    cell: (p) =>
      p.roleMappings.length === 0
        ? '—'
        : p.roleMappings.map((m) => (
            <div key={`${m.claim}/${m.value}/${m.role}`}>
              {m.claim} ∋ {m.value} → <span className="tag">{m.role}</span>
            </div>
          )),
  },
];

export function IdentityProvidersPage() {
  const query = useQuery(identityProviderQueries.list());
  const remove = useDeleteIdentityProvider();
  const [editing, setEditing] = useState<IdentityProvider | 'new' | null>(null);
  const columns: Array<Column<IdentityProvider>> = [
    ...providerColumns,
    {
      className: 'right nowrap',
      cell: (p) => (
        <>
          <button type="button" className="button small" onClick={() => setEditing(p)}>
            Edit
          </button>{' '}
          <ConfirmButton
            label="Delete"
            title={`Delete identity provider ${p.displayName}?`}
            confirmLabel="Delete provider"
            typeToConfirm={p.slug}
            consequences={<p>People who sign in with {p.displayName} can no longer sign in that way. This cannot be undone.</p>}
            ariaLabel={`Delete provider ${p.displayName}`}
            pending={remove.isPending && remove.variables === p.id}
            error={<MutationError error={remove.error} />}
            onConfirm={() => remove.mutateAsync(p.id)}
          />
        </>
      ),
    },
  ];
  return (
    <div className="stack">
      <PageHeader
        title="Identity providers"
        description="OpenID Connect providers people sign in with, for MCP clients and for this console. Claims can grant roles."
        actions={
          <button type="button" className="button primary" onClick={() => setEditing('new')}>
            Add provider
          </button>
        }
      />
      {editing && <IdentityProviderForm provider={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
      <Panel title="Providers" count={query.data?.items.length}>
        <ResourceTable
          query={query}
          noun="identity providers"
          empty={
            <>
              <strong>No providers.</strong> People sign in with a local password until you add one.
            </>
          }
          columns={columns}
        />
        <MutationError error={remove.error} />
      </Panel>
    </div>
  );
}
