import type { AccessItem } from '@switchboard/core/contracts/access';
import { useQuery } from '@tanstack/react-query';
import { accessQueries } from '../../api/access.ts';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { QueryState } from '../../components/query-state.tsx';

const reasons: Record<AccessItem['reason'], string> = {
  rule: 'rule',
  default: "server's default",
  'no-user': 'no user',
  'user-disabled': 'user is disabled',
  'unknown-user': 'unknown user',
  'unknown-server': 'unknown server',
};

function Because({ item }: { item: AccessItem }) {
  if (item.rule) {
    const who = item.rule.subjectType === 'user' ? 'user rule' : `role ${item.rule.subjectName ?? ''}`;
    return (
      <span>
        {item.rule.effect} <code>{item.rule.pattern}</code> <span className="muted small">({who}{item.rule.virtualServerId ? ', this server' : ', every server'})</span>
      </span>
    );
  }
  return <span className="muted">{reasons[item.reason]}</span>;
}

const columns: Array<Column<AccessItem>> = [
  {
    header: 'Name',
    cell: (item) => (
      <>
        <code>{item.exposedName}</code>
        <div className="muted small">
          {item.upstream}:{item.name}
        </div>
      </>
    ),
  },
  { header: 'Kind', cell: (item) => item.kind },
  { header: 'Access', cell: (item) => <span className={`pill ${item.allowed ? 'on' : 'bad'}`}>{item.allowed ? 'allowed' : 'denied'}</span> },
  { header: 'Because', cell: (item) => <Because item={item} /> },
];

/** "As Alice on server dev: these tools, because of these rules." */
export function AccessPreview({ serverId, serverName, user }: { serverId: string; serverName: string; user: string }) {
  const query = useQuery(accessQueries.explain(serverId, user));
  return (
    <QueryState query={query} noun="the access preview">
      {(explanation) => {
        const allowed = explanation.items.filter((i) => i.allowed);
        return (
          <section className="access-preview" aria-label="Access preview">
            <p className="summary">
              As <strong>{explanation.user.email}</strong> on <strong>{serverName}</strong>: {allowed.length} of {explanation.items.length} allowed
              {explanation.user.roles.length > 0 && <span className="muted"> · roles {explanation.user.roles.join(', ')}</span>}
              {explanation.user.disabled && <span className="pill off">disabled</span>}
              <span className="muted"> · default {explanation.defaultAccess}</span>
            </p>
            {explanation.items.length === 0 ? (
              <div className="state empty">This server exposes nothing yet (or its upstreams have not been listed).</div>
            ) : (
              <DataTable columns={columns} rows={explanation.items} rowKey={(item) => `${item.kind}:${item.exposedName}`} rowClassName={(item) => (item.allowed ? 'allowed' : 'denied')} />
            )}
          </section>
        );
      }}
    </QueryState>
  );
}
