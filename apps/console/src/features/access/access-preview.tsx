import type { AccessItem, AccessUpstream } from '@switchboard/core/contracts/access';
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

/**
 * The upstreams whose items are not known live: the ones it could not list at all (their
 * items are missing, so the counts are not the whole truth), and the ones answered from
 * what they listed when last connected.
 */
function UpstreamCaveats({ upstreams }: { upstreams: AccessUpstream[] }) {
  const unknown = upstreams.filter((u) => u.state === 'unknown');
  const connecting = upstreams.filter((u) => u.state === 'connecting');
  const stored = upstreams.filter((u) => u.state === 'stored');
  const disabled = upstreams.filter((u) => u.state === 'disabled');
  if (unknown.length + connecting.length + stored.length + disabled.length === 0) return null;
  return (
    <div className="stack-sm">
      {connecting.length > 0 && (
        <div className="callout" role="status" aria-label="Connecting upstreams">
          <span className="spinner" aria-hidden="true" /> Still connecting, not counted yet: {connecting.map((u) => u.name).join(', ')}. This
          preview updates as soon as {connecting.length === 1 ? 'it is' : 'they are'} listed.
        </div>
      )}
      {unknown.length > 0 && (
        <div className="callout warn" role="note" aria-label="Unknown upstreams">
          <strong>
            Not counted: {unknown.length} upstream{unknown.length === 1 ? '' : 's'} could not be listed, so {unknown.length === 1 ? 'its' : 'their'} tools,
            prompts and resources are unknown.
          </strong>
          <ul>
            {unknown.map((u) => (
              <li key={u.name}>
                <strong>{u.name}</strong>: <span className="mono small">{u.detail}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {stored.length > 0 && (
        <p className="muted small" role="note">
          Unreachable now, shown as last listed: {stored.map((u) => u.name).join(', ')}.
        </p>
      )}
      {disabled.length > 0 && (
        <p className="muted small" role="note">
          Disabled upstreams (they expose nothing): {disabled.map((u) => u.name).join(', ')}.
        </p>
      )}
    </div>
  );
}

const CONNECTING_POLL_MS = 3000;

/** "As Alice on server dev: these tools, because of these rules." */
export function AccessPreview({ serverId, serverName, user }: { serverId: string; serverName: string; user: string }) {
  const query = useQuery({
    ...accessQueries.explain(serverId, user),
    // Upstreams still starting (a first `npx` can take a while): ask again until they are listed.
    refetchInterval: (q) => (q.state.data?.upstreams.some((u) => u.state === 'connecting') ? CONNECTING_POLL_MS : false),
  });
  // The gateway connects the server's upstreams before it answers: that may take seconds.
  return (
    <QueryState query={query} noun="the access preview (connecting the server's upstreams)">
      {(explanation) => {
        const allowed = explanation.items.filter((i) => i.allowed);
        const unknown = explanation.upstreams.filter((u) => u.state === 'unknown' || u.state === 'connecting').length;
        return (
          <section className="access-preview" aria-label="Access preview">
            <p className="summary">
              As <strong>{explanation.user.email}</strong> on <strong>{serverName}</strong>: {allowed.length} of {explanation.items.length} allowed
              {unknown > 0 && (
                <>
                  {' '}
                  <span className="pill bad">
                    + {unknown} upstream{unknown === 1 ? '' : 's'} not counted
                  </span>
                </>
              )}
              {explanation.user.roles.length > 0 && <span className="muted"> · roles {explanation.user.roles.join(', ')}</span>}
              {explanation.user.disabled && <span className="pill off">disabled</span>}
              <span className="muted"> · default {explanation.defaultAccess}</span>
            </p>
            <UpstreamCaveats upstreams={explanation.upstreams} />
            {explanation.items.length === 0 ? (
              <div className="state empty">This server exposes nothing that could be listed.</div>
            ) : (
              <DataTable columns={columns} rows={explanation.items} rowKey={(item) => `${item.kind}:${item.exposedName}`} rowClassName={(item) => (item.allowed ? 'allowed' : 'denied')} />
            )}
          </section>
        );
      }}
    </QueryState>
  );
}
