/**
 * The markdown tables of bench/replicas.ts: one row per (replicas, sessions) run, and the
 * memory series of the hold mode with each gateway's growth from first to last sample.
 */
import type { LoadResult } from './load.ts';
import type { DbRates } from './replica-stats.ts';

export type CapacityRow =
  | {
      replicas: number;
      sessions: number;
      ok: true;
      load: LoadResult;
      /** CPU seconds per 1000 successful calls during the measured phase. */
      cpuSPer1k: { gateways: Record<string, number>; postgres?: number; haproxy?: number; echo?: number; loadGenerator: number };
      db: DbRates & { connections: Record<string, number> };
      loadAverage: { before: number; after: number };
    }
  | { replicas: number; sessions: number; ok: false; error: string };

const fixed = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

export function capacityTable(rows: CapacityRow[]): string {
  const header = [
    'replicas',
    'sessions',
    'calls/s',
    'p50 ms',
    'p99 ms',
    'failed',
    'CPU s/1k: each gateway',
    'Σ gateways',
    'Postgres',
    'HAProxy',
    'echo',
    'load gen',
    'PG conns per replica',
    'xact/s (per replica)',
    'xact/call',
    'tup read/s',
    'tup written/s',
    'NOTIFY/s',
    'load avg',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 1 ? '---:' : i === 6 || i === 12 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) {
    if (!row.ok) {
      const reason = row.error.split('\n')[0]!.replaceAll('|', '\\|').slice(0, 160);
      lines.push(`| ${row.replicas} | ${row.sessions} | FAILED: ${reason} |${' |'.repeat(header.length - 3)}`);
      continue;
    }
    const { load, cpuSPer1k: cpu, db } = row;
    const gateways = Object.values(cpu.gateways);
    const cells = [
      String(row.replicas),
      String(row.sessions),
      load.callsPerS.toFixed(0),
      fixed(load.p50Ms, 2),
      fixed(load.p99Ms, 2),
      String(load.errors),
      Object.entries(cpu.gateways)
        .map(([name, s]) => `${name} ${s.toFixed(3)}`)
        .join(', '),
      fixed(gateways.reduce((a, b) => a + b, 0), 3),
      fixed(cpu.postgres, 3),
      fixed(cpu.haproxy, 3),
      fixed(cpu.echo, 3),
      fixed(cpu.loadGenerator, 3),
      Object.entries(db.connections)
        .map(([name, n]) => `${name} ${n}`)
        .join(', ') || '—',
      `${db.xactsPerS.toFixed(0)} (${(db.xactsPerS / row.replicas).toFixed(0)})`,
      fixed(load.callsPerS > 0 ? db.xactsPerS / load.callsPerS : undefined, 2),
      db.tupReadPerS.toFixed(0),
      db.tupWrittenPerS.toFixed(0),
      db.notifiesPerS.toFixed(1),
      `${row.loadAverage.before.toFixed(2)} → ${row.loadAverage.after.toFixed(2)}`,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export interface MemorySample {
  /** Seconds since all sessions were open. */
  t: number;
  /** Per gateway: RSS and V8 heap in use (MB; undefined if it could not be read). */
  gateways: Record<string, { rssMb?: number; heapUsedMb?: number; heapTotalMb?: number }>;
  callsOk: number;
  callsFailed: number;
  /** Open GET streams the load holds (counted client-side). */
  streams: number;
}

export function memoryTable(samples: MemorySample[]): string {
  const names = Object.keys(samples[0]?.gateways ?? {});
  const header = ['t s', ...names.flatMap((n) => [`${n} RSS MB`, `${n} heap MB`]), 'calls ok', 'failed', 'streams'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---:').join('|')}|`];
  for (const s of samples) {
    const cells = [String(Math.round(s.t)), ...names.flatMap((n) => [fixed(s.gateways[n]?.rssMb, 1), fixed(s.gateways[n]?.heapUsedMb, 1)]), String(s.callsOk), String(s.callsFailed), String(s.streams)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export interface Growth {
  name: string;
  rssMb?: number;
  rssPct?: number;
  heapMb?: number;
  heapPct?: number;
  /** The least-squares line through every sample, its change over the hold (MB): less at the mercy of one GC than first vs last. */
  rssTrend?: number;
  heapTrend?: number;
}

function fittedChange(points: Array<[number, number | undefined]>): number | undefined {
  const xy = points.filter((p): p is [number, number] => p[1] !== undefined);
  if (xy.length < 3) return undefined;
  const mx = xy.reduce((a, [x]) => a + x, 0) / xy.length;
  const my = xy.reduce((a, [, y]) => a + y, 0) / xy.length;
  const sxx = xy.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const span = xy.at(-1)![0] - xy[0]![0];
  return sxx === 0 ? undefined : (xy.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx) * span;
}

/** Last sample minus first, and the trend over all samples, per gateway: the "flat memory" figures. */
export function memoryGrowth(samples: MemorySample[]): Growth[] {
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last) return [];
  return Object.keys(first.gateways).map((name) => {
    const a = first.gateways[name];
    const b = last.gateways[name];
    const delta = (x?: number, y?: number) => (x === undefined || y === undefined ? undefined : y - x);
    const pct = (x?: number, y?: number) => (x === undefined || y === undefined || x === 0 ? undefined : ((y - x) / x) * 100);
    return {
      name,
      rssMb: delta(a?.rssMb, b?.rssMb),
      rssPct: pct(a?.rssMb, b?.rssMb),
      heapMb: delta(a?.heapUsedMb, b?.heapUsedMb),
      heapPct: pct(a?.heapUsedMb, b?.heapUsedMb),
      rssTrend: fittedChange(samples.map((s) => [s.t, s.gateways[name]?.rssMb])),
      heapTrend: fittedChange(samples.map((s) => [s.t, s.gateways[name]?.heapUsedMb])),
    };
  });
}

export function growthLines(growth: Growth[]): string {
  const signed = (v: number | undefined, unit: string) => (v === undefined ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(1)}${unit}`);
  return growth
    .map(
      (g) =>
        `- ${g.name}: RSS ${signed(g.rssMb, ' MB')} (${signed(g.rssPct, ' %')}), heap in use ${signed(g.heapMb, ' MB')} (${signed(g.heapPct, ' %')}); ` +
        `fitted line through all samples: RSS ${signed(g.rssTrend, ' MB')}, heap ${signed(g.heapTrend, ' MB')}`,
    )
    .join('\n');
}
