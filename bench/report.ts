/**
 * Turns measured rows into the markdown table and the checklist of the targets.
 * Ratios are calls/s over calls/s at the same session count, so >1 means faster.
 */
import type { LoadResult } from './load.ts';
import type { TargetName } from './targets.ts';

export type Row =
  | {
      target: TargetName;
      sessions: number;
      ok: true;
      load: LoadResult;
      /** RSS of the process under test, sampled while all sessions are still open. */
      rssOpenMb?: number;
      rssPeakMb?: number;
      /** utime+stime of the process under test during the measured phase, per successful call. */
      cpuUsPerCall?: number;
    }
  | { target: TargetName; sessions: number; ok: false; error: string };

type OkRow = Extract<Row, { ok: true }>;

const GATEWAYS: TargetName[] = ['gateway-stdio', 'gateway-http'];

function find(rows: Row[], target: TargetName, sessions: number): OkRow | undefined {
  const row = rows.find((r) => r.target === target && r.sessions === sessions);
  return row?.ok ? row : undefined;
}

function ratio(rows: Row[], row: OkRow, base: TargetName): number | undefined {
  const other = find(rows, base, row.sessions);
  return other && other.load.callsPerS > 0 ? row.load.callsPerS / other.load.callsPerS : undefined;
}

const fixed = (value: number | undefined, digits: number) => (value === undefined ? '—' : value.toFixed(digits));
const times = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(2)}×`);

export function markdownTable(rows: Row[]): string {
  const header = [
    'target',
    'sessions',
    'calls/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'open ms',
    'RSS MB (open)',
    'RSS MB (peak)',
    'CPU µs/call',
    '× direct-http',
    '× mcp-proxy',
    '× supergateway',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 1 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) {
    if (!row.ok) {
      const reason = row.error.split('\n')[0]!.replaceAll('|', '\\|').slice(0, 160);
      lines.push(`| ${row.target} | ${row.sessions} | FAILED: ${reason} |${' |'.repeat(header.length - 3)}`);
      continue;
    }
    const gateway = GATEWAYS.includes(row.target);
    const cells = [
      row.target,
      String(row.sessions),
      row.load.callsPerS.toFixed(0),
      fixed(row.load.p50Ms, 2),
      fixed(row.load.p99Ms, 2),
      String(row.load.errors),
      fixed(row.load.openMs, 0),
      fixed(row.rssOpenMb, 1),
      fixed(row.rssPeakMb, 1),
      fixed(row.cpuUsPerCall, 0),
      row.target === 'direct-http' ? '1.00×' : times(ratio(rows, row, 'direct-http')),
      gateway ? times(ratio(rows, row, 'mcp-proxy')) : '',
      gateway ? times(ratio(rows, row, 'supergateway')) : '',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

interface Check {
  goal: string;
  /** undefined when a row it needs was not measured or failed. */
  pass?: boolean;
  measured: string;
  /** A reference figure printed beside the targets, not a target itself. */
  reference?: boolean;
}

/** The targets from the product issue, evaluated against this run. */
export function targetChecks(rows: Row[]): Check[] {
  const checks: Check[] = [];
  const ratioCheck = (target: TargetName, base: TargetName, sessions: number, min: number) => {
    const row = find(rows, target, sessions);
    const value = row && ratio(rows, row, base);
    checks.push({
      goal: `${target} ≥ ${min}× ${base} at ${sessions} sessions`,
      pass: value === undefined ? undefined : value >= min,
      measured: times(value),
    });
  };
  ratioCheck('gateway-stdio', 'direct-http', 8, 1.5);
  ratioCheck('gateway-stdio', 'direct-http', 64, 2);
  ratioCheck('gateway-stdio', 'mcp-proxy', 64, 5);
  ratioCheck('gateway-stdio', 'supergateway', 64, 10);
  // An HTTP upstream: what the gateway's logic (OAuth, policy, audit, routing) adds to the
  // cheapest Node hop, in CPU per call (calls/s follow the cores the load, hop and echo share).
  for (const n of [8, 64]) {
    const gateway = find(rows, 'gateway-http', n)?.cpuUsPerCall;
    const floor = find(rows, 'floor-http', n)?.cpuUsPerCall;
    const value = gateway !== undefined && floor ? gateway / floor : undefined;
    checks.push({
      goal: `gateway-http CPU per call ≤ 1.15× floor-http's at ${n} sessions`,
      pass: value === undefined ? undefined : value <= 1.15,
      measured: value === undefined ? '—' : `${value.toFixed(2)}× (${gateway!.toFixed(0)} vs ${floor!.toFixed(0)} µs)`,
    });
  }
  for (const n of [1, 8, 64]) {
    const row = find(rows, 'floor-http', n);
    if (row) checks.push({ goal: `floor-http (a Node hop with no logic) vs direct-http at ${n} sessions`, measured: times(ratio(rows, row, 'direct-http')), reference: true });
    const gatewayHttp = find(rows, 'gateway-http', n);
    if (gatewayHttp) checks.push({ goal: `gateway-http vs direct-http at ${n} sessions`, measured: times(ratio(rows, gatewayHttp, 'direct-http')), reference: true });
  }
  for (const target of GATEWAYS) {
    const row = find(rows, target, 64);
    checks.push({
      goal: `${target} RSS ≤ 150 MB with 64 sessions open`,
      pass: row?.rssOpenMb === undefined ? undefined : row.rssOpenMb <= 150,
      measured: row?.rssOpenMb === undefined ? '—' : `${row.rssOpenMb.toFixed(1)} MB`,
    });
    checks.push({
      goal: `${target} opens 64 sessions in < 200 ms`,
      pass: row ? row.load.openMs < 200 : undefined,
      measured: row ? `${row.load.openMs.toFixed(0)} ms` : '—',
    });
  }
  return checks;
}

export function checklist(rows: Row[]): string {
  const mark = (c: Check) => (c.reference ? 'ref ' : c.pass === undefined ? 'n/a ' : c.pass ? 'PASS' : 'FAIL');
  return targetChecks(rows)
    .map((c) => `- ${mark(c)} ${c.goal}: ${c.measured}`)
    .join('\n');
}
