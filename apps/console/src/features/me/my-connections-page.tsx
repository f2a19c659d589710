import type { Connection } from '@switchboard/core/contracts/credentials';
import { useQuery } from '@tanstack/react-query';
import { connectionQueries, useAuthorize, useDisconnect } from '../../api/connections.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError, QueryState } from '../../components/query-state.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { ConnectionStatusPill, MODE_LABELS } from './connection-status.tsx';
import { ConnectionValuesForm } from './connection-values-form.tsx';

/** OAuth upstreams: the authorization happens in this browser, then the gateway sends the person back here. */
function AuthorizeButton({ connection }: { connection: Connection }) {
  const authorize = useAuthorize();
  const label = connection.status === 'not_connected' ? 'Connect' : 'Re-authorize';
  return (
    <>
      <button
        type="button"
        className={`button ${connection.status === 'connected' ? '' : 'primary'}`}
        disabled={authorize.isPending}
        aria-label={`${label} ${connection.upstream.name}`}
        onClick={() => authorize.mutate(connection.upstream.name, { onSuccess: ({ url }) => window.location.assign(url) })}
      >
        {authorize.isPending ? 'Opening…' : label}
      </button>
      <MutationError error={authorize.error} />
    </>
  );
}

function ConnectionCard({ connection, focused }: { connection: Connection; focused: boolean }) {
  const disconnect = useDisconnect();
  const { upstream, mode, status } = connection;
  return (
    <section className={`connection${focused ? ' focused' : ''}`} aria-label={`Connection to ${upstream.name}`}>
      <Panel
        title={upstream.name}
        description={
          <>
            <ConnectionStatusPill status={status} /> {MODE_LABELS[mode] ?? mode}
            {upstream.description && <> · {upstream.description}</>}
            {connection.expiresAt && (
              <>
                {' '}
                · expires <RelativeTime at={connection.expiresAt} />
              </>
            )}
          </>
        }
      >
        {mode === 'per-user' && <ConnectionValuesForm connection={connection} />}
        <div className="form-actions panel-pad">
          {(mode === 'oauth' || mode === 'token-exchange') && <AuthorizeButton connection={connection} />}
          {status !== 'not_connected' && (
            <ConfirmButton
              label="Disconnect"
              title={`Disconnect ${upstream.name}?`}
              confirmLabel="Disconnect"
              consequences={<p>Your credential for {upstream.name} is deleted; its tools stop working for you until you connect again.</p>}
              ariaLabel={`Disconnect ${upstream.name}`}
              pending={disconnect.isPending}
              error={<MutationError error={disconnect.error} />}
              onConfirm={() => disconnect.mutateAsync(upstream.name)}
            />
          )}
        </div>
      </Panel>
    </section>
  );
}

/**
 * Each upstream that calls out as the person: where they stand, and connect, re-authorize,
 * enter values, disconnect. `focus` (from a connect link a client was given) comes first.
 */
export function MyConnectionsPage({ focus }: { focus?: string }) {
  const query = useQuery(connectionQueries.mine());
  const isFocus = (c: Connection) => focus !== undefined && (c.upstream.name === focus || c.upstream.id === focus);
  return (
    <div className="stack">
      <PageHeader
        title="My connections"
        description="Upstreams that act as you need your own credential. Values you enter are stored encrypted and never shown again."
      />
      <QueryState query={query} noun="your connections">
        {({ items }) =>
          items.length === 0 ? (
            <div className="panel state empty">None of the servers you use needs a credential of yours.</div>
          ) : (
            [...items.filter(isFocus), ...items.filter((c) => !isFocus(c))].map((c) => <ConnectionCard key={c.upstream.id} connection={c} focused={isFocus(c)} />)
          )
        }
      </QueryState>
    </div>
  );
}
