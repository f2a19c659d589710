import type { AuditStats } from '@switchboard/core/contracts/audit-events';

/** Calls per minute over the window as bars (errors stacked in red, denied in amber). */
export function CallsChart({ buckets }: { buckets: AuditStats['buckets'] }) {
  const max = Math.max(1, ...buckets.map((b) => b.calls));
  const width = 600;
  const height = 120;
  const bar = width / Math.max(1, buckets.length);
  const y = (n: number) => (n / max) * (height - 4);
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label="Calls per minute over the last hour">
      <title>Calls per minute</title>
      {buckets.map((b, i) => {
        const ok = b.calls - b.errors - b.denied;
        return (
          <g key={b.minute} transform={`translate(${i * bar}, 0)`}>
            <title>{`${new Date(b.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: ${b.calls} calls, ${b.errors} errors, ${b.denied} denied`}</title>
            <rect className="bar ok" x={0.5} width={Math.max(1, bar - 1)} y={height - y(ok)} height={y(ok)} />
            <rect className="bar denied" x={0.5} width={Math.max(1, bar - 1)} y={height - y(ok + b.denied)} height={y(b.denied)} />
            <rect className="bar error" x={0.5} width={Math.max(1, bar - 1)} y={height - y(b.calls)} height={y(b.errors)} />
          </g>
        );
      })}
    </svg>
  );
}
