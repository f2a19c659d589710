import type { CallStats, LatencyPercentiles } from '@switchboard/core/contracts/call-stats';
import { type Column, DataTable } from '../../components/data-table.tsx';
import { Tabs } from '../../components/tabs.tsx';

/** Above this error rate a row's rate is shown as bad (the dashboard's "error rate" stat uses the same). */
const BAD_ERROR_RATE = 0.05;
/** Rows shown per table: the busiest first. */
const MAX_ROWS = 20;

export const formatMs = (ms: number | null) => (ms === null ? '—' : ms < 10 ? `${ms.toFixed(1)} ms` : ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
export const formatRate = (rate: number) => `${(rate * 100).toFixed(1)}%`;

interface Counts {
  calls: number;
  errors: number;
  denied: number;
  errorRate: number;
  latencyMs: LatencyPercentiles;
}

function countColumns<T extends Counts>(): Array<Column<T>> {
  return [
    { header: 'Calls', cell: (r) => r.calls, className: 'right' },
    { header: 'Error rate', cell: (r) => <span className={r.errorRate > BAD_ERROR_RATE ? 'bad-text' : undefined}>{formatRate(r.errorRate)}</span>, className: 'right nowrap' },
    { header: 'Denied', cell: (r) => r.denied, className: 'right' },
    { header: 'p50', cell: (r) => formatMs(r.latencyMs.p50), className: 'right nowrap' },
    { header: 'p95', cell: (r) => formatMs(r.latencyMs.p95), className: 'right nowrap' },
    { header: 'p99', cell: (r) => formatMs(r.latencyMs.p99), className: 'right nowrap' },
  ];
}

/**
 * Latency percentiles (p50/p95/p99) and error rates per tool and per upstream, as the
 * gateway's metrics count them (`GET /api/v1/stats/calls`: this process, since it started;
 * percentiles estimated inside the histogram's buckets, as Prometheus does).
 */
export function LatencyTables({ stats, serverName }: { stats: CallStats; serverName: (id: string) => string }) {
  if (stats.tools.length === 0 && stats.upstreams.length === 0) {
    return <div className="state empty">No calls since the gateway started.</div>;
  }
  const tools = (
    <DataTable
      rows={stats.tools.slice(0, MAX_ROWS)}
      rowKey={(r) => `${r.virtualServerId}/${r.tool}`}
      columns={[
        {
          header: 'Tool',
          cell: (r) => (
            <>
              <code>{r.tool}</code> <span className="muted small">on {serverName(r.virtualServerId)}</span>
            </>
          ),
        },
        ...countColumns<CallStats['tools'][number]>(),
      ]}
    />
  );
  const upstreams = (
    <DataTable rows={stats.upstreams.slice(0, MAX_ROWS)} rowKey={(r) => r.upstream} columns={[{ header: 'Upstream', cell: (r) => <span className="name">{r.upstream}</span> }, ...countColumns<CallStats['upstreams'][number]>()]} />
  );
  return (
    <Tabs
      label="Latency and errors"
      tabs={[
        { id: 'tools', label: `Per tool (${stats.tools.length})`, content: tools },
        { id: 'upstreams', label: `Per upstream (${stats.upstreams.length})`, content: upstreams },
      ]}
    />
  );
}
