import { type ApiToken, type ApiTokenCreated, type McpKeyCreate, mcpKeyCreateSchema } from '@switchboard/core/contracts/api-tokens';
import type { Page } from '@switchboard/core/contracts/common';
import type { UseMutationResult, UseQueryResult } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { CodeBlock } from '../../components/code-block.tsx';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import type { Column } from '../../components/data-table.tsx';
import { Check, Field, TextField } from '../../components/field.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError } from '../../components/query-state.tsx';
import { ResourceTable } from '../../components/resource-table.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { useFormErrors } from '../../lib/use-form-errors.ts';

/**
 * One person's MCP keys, wherever they are managed: their own (My keys, `/me/keys`) or, by
 * an administrator, anyone's (the user page, `/users/{id}/mcp-keys`).
 */
export interface KeyOwner {
  keys: UseQueryResult<Page<ApiToken>>;
  /** The `api-key` servers a key can be limited to. */
  servers: Array<{ id: string; name: string }>;
  mint: UseMutationResult<ApiTokenCreated, Error, McpKeyCreate>;
  revoke: UseMutationResult<ApiToken, Error, string>;
  /** Whose keys, in the panels' words: "you" or the person's email. */
  whose: string;
}

function MintForm({ owner, onMinted }: { owner: KeyOwner; onMinted: (key: ApiTokenCreated) => void }) {
  const { mint, servers } = owner;
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [limitedTo, setLimitedTo] = useState<string[]>([]);
  const form = useFormErrors();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : null;
    const input = form.check(mcpKeyCreateSchema, { name: name.trim(), expiresAt, virtualServerIds: limitedTo.length ? limitedTo : null });
    if (input)
      mint.mutate(input, {
        onSuccess: (key) => {
          onMinted(key);
          setName('');
          setLimitedTo([]);
        },
      });
  }
  const toggle = (id: string, on: boolean) => setLimitedTo((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));
  return (
    <form className="form-grid panel-pad" onSubmit={submit} noValidate aria-label="Mint a key">
      <TextField label="Key name" hint="Where you use it, e.g. laptop or ci-nightly." error={form.messageFor('name')} value={name} onChange={setName} />
      <Field label="Expires">
        {(p) => (
          <select {...p} value={days} onChange={(e) => setDays(e.target.value)}>
            <option value="7">in 7 days</option>
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="">never</option>
          </select>
        )}
      </Field>
      <fieldset className="span-2 key-servers">
        <legend>Works on</legend>
        {servers.length === 0 ? (
          <p className="muted small">Every key-protected server {owner.whose === 'you' ? 'you' : 'they'} may use (none yet).</p>
        ) : (
          <>
            <p className="muted small">Leave all unticked for every key-protected server {owner.whose === 'you' ? 'you' : 'they'} may use, or limit the key to some.</p>
            {servers.map((s) => (
              <Check key={s.id} checked={limitedTo.includes(s.id)} onChange={(on) => toggle(s.id, on)}>
                Only {s.name}
              </Check>
            ))}
          </>
        )}
      </fieldset>
      <div className="form-actions span-2">
        <MutationError error={mint.error} />
        <button type="submit" className="button primary" disabled={mint.isPending}>
          {mint.isPending ? 'Minting…' : 'Mint key'}
        </button>
      </div>
    </form>
  );
}

/** Mint a key (its value shown once), and the keys with their status and revoke. */
export function KeyPanels({ owner }: { owner: KeyOwner }) {
  const { keys, revoke } = owner;
  const [minted, setMinted] = useState<ApiTokenCreated | null>(null);
  const serverName = (id: string) => owner.servers.find((s) => s.id === id)?.name ?? id.slice(0, 8);

  const columns: Array<Column<ApiToken>> = [
    {
      header: 'Name',
      cell: (k) => (
        <>
          <div className="name">{k.name}</div>
          <code className="small">{k.prefix}…</code>
        </>
      ),
    },
    { header: 'Works on', className: 'small', cell: (k) => (k.virtualServerIds ? k.virtualServerIds.map(serverName).join(', ') : 'every key-protected server') },
    { header: 'Last used', className: 'small', cell: (k) => <RelativeTime at={k.lastUsedAt} /> },
    { header: 'Expires', className: 'small', cell: (k) => <RelativeTime at={k.expiresAt} empty="never" /> },
    {
      header: 'Status',
      cell: (k) =>
        k.revokedAt ? (
          <span className="pill off">Revoked</span>
        ) : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? (
          <span className="pill off">Expired</span>
        ) : (
          <ConfirmButton
            label="Revoke"
            title={`Revoke key ${k.name}?`}
            confirmLabel="Revoke key"
            consequences={<p>Clients using it are refused from their next request. This cannot be undone.</p>}
            ariaLabel={`Revoke key ${k.name}`}
            pending={revoke.isPending && revoke.variables === k.id}
            error={<MutationError error={revoke.error} />}
            onConfirm={() => revoke.mutateAsync(k.id)}
          />
        ),
    },
  ];

  return (
    <>
      <Panel title="Mint a key">
        <MintForm owner={owner} onMinted={setMinted} />
        {minted && (
          <div className="callout ok panel-pad created-token" role="status">
            <strong>Key “{minted.name}” minted.</strong> Copy it now: it is shown only once.
            <CodeBlock code={minted.token} label="Copy the new key" />
            <button type="button" className="button small" onClick={() => setMinted(null)}>
              I have copied it
            </button>
          </div>
        )}
      </Panel>
      <Panel title={owner.whose === 'you' ? 'Your keys' : 'MCP keys'} description={owner.whose === 'you' ? undefined : 'Keys that act as this person on key-protected servers.'} count={keys.data?.items.length}>
        <ResourceTable query={keys} noun="keys" empty={<>No keys yet.</>} columns={columns} />
      </Panel>
    </>
  );
}
