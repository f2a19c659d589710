import type { Connection } from '@switchboard/core/contracts/credentials';
import { useQuery } from '@tanstack/react-query';
import { connectionQueries, useRevokeUserConnection } from '../../api/connections.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { Panel } from '../../components/panel.tsx';
import { MutationError, QueryState } from '../../components/query-state.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { ConnectionStatusPill, MODE_LABELS } from '../me/connection-status.tsx';

/** An administrator's view of one person's upstream connections: status only (never a value), and revoke. */
export function UserConnections({ userId, email }: { userId: string; email: string }) {
  const query = useQuery(connectionQueries.ofUser(userId));
  const revoke = useRevokeUserConnection();
  const columns: Array<Column<Connection>> = [
    { header: 'Upstream', cell: (c) => <span className="name">{c.upstream.name}</span> },
    { header: 'Credential', className: 'small', cell: (c) => MODE_LABELS[c.mode] ?? c.mode },
    { header: 'Status', cell: (c) => <ConnectionStatusPill status={c.status} /> },
    {
      header: 'Values',
      className: 'small',
      cell: (c) => (c.values.length ? c.values.map((v) => `${v.name}: ${v.hasValue ? 'set' : 'not set'}`).join(', ') : '—'),
    },
    { header: 'Updated', className: 'small', cell: (c) => <RelativeTime at={c.updatedAt} /> },
    {
      cell: (c) =>
        c.status === 'not_connected' ? null : (
          <ConfirmButton
            label="Revoke"
            title={`Revoke ${email}'s connection to ${c.upstream.name}?`}
            confirmLabel="Revoke connection"
            consequences={<p>Their credential is deleted; they must connect again before its tools work for them.</p>}
            ariaLabel={`Revoke connection to ${c.upstream.name}`}
            pending={revoke.isPending}
            error={<MutationError error={revoke.error} />}
            onConfirm={() => revoke.mutateAsync({ userId, upstream: c.upstream.id })}
          />
        ),
    },
  ];
  return (
    <Panel title="Connections" description="Upstreams that act as this person, and where they stand with each. Values are never shown.">
      <QueryState query={query} noun="their connections">
        {({ items }) =>
          items.length === 0 ? (
            <div className="state empty">No upstream needs a credential of theirs.</div>
          ) : (
            <DataTable columns={columns} rows={items} rowKey={(c) => c.upstream.id} />
          )
        }
      </QueryState>
    </Panel>
  );
}
