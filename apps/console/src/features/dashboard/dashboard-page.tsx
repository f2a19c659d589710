import { useQuery } from '@tanstack/react-query';
import { auditQueries } from '../../api/audit-events.ts';
import { callStatsQueries } from '../../api/call-stats.ts';
import { ApiError } from '../../api/client.ts';
import { mcpSessionQueries } from '../../api/mcp-sessions.ts';
import { upstreamQueries } from '../../api/upstreams.ts';
import { virtualServerQueries } from '../../api/virtual-servers.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { Panel } from '../../components/panel.tsx';
import { QueryState } from '../../components/query-state.tsx';
import { RelativeTime } from '../../components/time.tsx';
import { Link } from '@tanstack/react-router';
import { OutcomePill } from '../audit/outcome-pill.tsx';
import { StatusPill } from '../upstreams/status-pill.tsx';
import { CallsChart } from './calls-chart.tsx';
import { LatencyTables } from './latency-tables.tsx';

function Stat({ label, value, tone, sub }: { label: string; value: string | number; tone?: 'ok' | 'bad' | 'warn'; sub?: string }) {
  return (
    <div className={`stat ${tone ?? ''}`}>
      <div className="stat-value">{value}</div>
      <div className="stat-label">{label}</div>
      {sub && <div className="muted small">{sub}</div>}
    </div>
  );
}

function UpstreamHealth() {
  const query = useQuery(upstreamQueries.list({ limit: 200 }));
  return (
    <Panel title="Upstream health" description="Live connection state; refreshed every few seconds.">
      <QueryState query={query} noun="upstreams">
        {({ items }) => {
          const enabled = items.filter((u) => u.enabled);
          const state = (s: string) => enabled.filter((u) => (u.status?.state ?? 'idle') === s).length;
          const troubled = enabled.filter((u) => u.status?.state === 'failing' || u.status?.state === 'starting');
          if (items.length === 0) {
            return (
              <div className="state empty">
                <strong>No upstreams yet.</strong> <Link to="/upstreams/new">Add one</Link> or <Link to="/upstreams/import">paste an mcpServers JSON</Link>.
              </div>
            );
          }
          return (
            <>
              <div className="stats">
                <Stat label="connected" value={state('connected')} tone="ok" />
                <Stat label="failing" value={state('failing')} tone={state('failing') ? 'bad' : undefined} />
                <Stat label="idle (connect on use)" value={state('idle')} />
                <Stat label="disabled" value={items.length - enabled.length} />
              </div>
              {troubled.length > 0 && (
                <ul className="plain-list troubled">
                  {troubled.map((u) => (
                    <li key={u.id}>
                      <Link to="/upstreams/$id" params={{ id: u.id }} className="name link">
                        {u.name}
                      </Link>{' '}
                      <StatusPill upstream={u} /> {u.status?.lastError && <span className="small bad-text">{u.status.lastError}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </>
          );
        }}
      </QueryState>
    </Panel>
  );
}

function OpenSessions() {
  const query = useQuery(mcpSessionQueries.open());
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const serverName = (id: string) => servers.data?.items.find((s) => s.id === id)?.name ?? `${id.slice(0, 8)}…`;
  if (query.isError) return <Stat label="open sessions" value="—" sub={query.error.message} />;
  const data = query.data;
  const busiest = data?.byVirtualServer.toSorted((a, b) => b.sessions - a.sessions).slice(0, 2);
  return (
    <Stat
      label="open sessions"
      value={data ? data.total : '…'}
      sub={busiest?.length ? busiest.map((s) => `${serverName(s.virtualServerId)}: ${s.sessions}`).join(', ') : 'stateless clients keep none'}
    />
  );
}

function Traffic() {
  const query = useQuery(auditQueries.stats(60));
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const serverName = (id: string) => servers.data?.items.find((s) => s.id === id)?.name ?? `${id.slice(0, 8)}…`;
  return (
    <>
      <Panel title="Last hour" description="Calls through every virtual server.">
        <QueryState query={query} noun="traffic">
          {(stats) => (
            <>
              <div className="stats">
                <Stat label="calls" value={stats.totals.calls} sub={`${(stats.totals.calls / 60).toFixed(1)} per minute`} />
                <Stat label="error rate" value={`${(stats.totals.errorRate * 100).toFixed(1)}%`} tone={stats.totals.errorRate > 0.05 ? 'bad' : 'ok'} sub={`${stats.totals.errors} failed`} />
                <Stat label="denied" value={stats.totals.denied} tone={stats.totals.denied ? 'warn' : undefined} />
                <OpenSessions />
              </div>
              <div className="panel-pad">
                {stats.totals.calls === 0 ? (
                  <p className="muted chart-empty">No calls in the last hour. Try a tool in the <Link to="/playground">playground</Link>.</p>
                ) : (
                  <CallsChart buckets={stats.buckets} />
                )}
              </div>
            </>
          )}
        </QueryState>
      </Panel>
      <Panel title="Recent denied calls" description="Someone tried a tool their allowlist does not include.">
        <QueryState query={query} noun="denied calls">
          {(stats) =>
            stats.recentDenied.length === 0 ? (
              <div className="state empty">No denied calls in the last hour.</div>
            ) : (
              <table className="table">
                <tbody>
                  {stats.recentDenied.map((e) => (
                    <tr key={e.seq}>
                      <td className="small nowrap">
                        <RelativeTime at={e.occurredAt} />
                      </td>
                      <td className="small">{e.userEmail ?? 'anonymous'}</td>
                      <td>
                        <code>{e.exposedName}</code> <span className="muted small">on {serverName(e.virtualServerId)}</span>
                      </td>
                      <td>
                        <OutcomePill outcome={e.outcome} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </QueryState>
        <p className="footnote">
          <Link to="/audit" search={{ outcome: 'denied' }}>All denied calls in the audit log →</Link>
        </p>
      </Panel>
    </>
  );
}

/** From the gateway's metrics (this process), where "Last hour" above comes from the audit trail (every replica). */
function Latency() {
  const query = useQuery(callStatsQueries.current());
  const servers = useQuery(virtualServerQueries.list({ limit: 200 }));
  const serverName = (id: string) => servers.data?.items.find((s) => s.id === id)?.name ?? `${id.slice(0, 8)}…`;
  const off = query.error instanceof ApiError && query.error.code === 'metrics_disabled';
  return (
    <Panel title="Latency and errors" description="Per tool and per upstream since this gateway process started; with replicas, the one that answered.">
      {off ? (
        <div className="state empty">Metrics are off on this gateway (SWITCHBOARD_METRICS=off).</div>
      ) : (
        <QueryState query={query} noun="call statistics">
          {(stats) => <LatencyTables stats={stats} serverName={serverName} />}
        </QueryState>
      )}
    </Panel>
  );
}

export function DashboardPage() {
  return (
    <div className="stack">
      <PageHeader title="Dashboard" description="Health and traffic at a glance." />
      <UpstreamHealth />
      <Traffic />
      <Latency />
    </div>
  );
}
