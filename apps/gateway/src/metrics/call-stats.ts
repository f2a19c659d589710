import type { CallStats, LatencyPercentiles, ToolCallStats, UpstreamCallStats } from '@switchboard/core/contracts/call-stats';
import type { MetricValueWithName } from 'prom-client';
import { UNROUTED } from './call-recorder.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import { type Buckets, histogramQuantile } from './histogram-quantile.ts';

/** The outcomes the error rate counts: the same as the audit trail's (services/audit-stats.ts). */
const ERRORS: ReadonlySet<string> = new Set(['tool_error', 'upstream_failure', 'timeout']);
/** Refused before the upstream was asked. */
const REFUSED: ReadonlySet<string> = new Set(['denied', 'limited']);

type Values = MetricValueWithName<string>[];
type Labels = Values[number]['labels'];
type Counts = { calls: number; errors: number; denied: number };

const key = (...parts: Array<string | number | undefined>) => parts.join('\u0000');

/** Outcome counters summed by `by` of each sample's labels. */
function countsBy(values: Values, by: (labels: Labels) => string | undefined): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const { labels, value } of values) {
    const k = by(labels);
    if (k === undefined) continue;
    const counts = out.get(k) ?? { calls: 0, errors: 0, denied: 0 };
    const outcome = String(labels.outcome);
    counts.calls += value;
    if (ERRORS.has(outcome)) counts.errors += value;
    if (REFUSED.has(outcome)) counts.denied += value;
    out.set(k, counts);
  }
  return out;
}

/** Histograms' `_bucket` samples summed per `by` of their labels (series of one key add up, as `sum by` does). */
function bucketsBy(values: Values, by: (labels: Labels) => string | undefined): Map<string, Buckets> {
  const out = new Map<string, Map<number, number>>();
  for (const { labels, value, metricName } of values) {
    if (!metricName?.endsWith('_bucket')) continue;
    const k = by(labels);
    if (k === undefined) continue;
    const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
    const buckets = out.get(k) ?? new Map<number, number>();
    buckets.set(le, (buckets.get(le) ?? 0) + value);
    out.set(k, buckets);
  }
  return new Map([...out].map(([k, buckets]) => [k, [...buckets].map(([le, count]) => ({ le, count }))]));
}

function percentiles(buckets: Buckets | undefined): LatencyPercentiles {
  const ms = (q: number) => {
    const seconds = buckets && histogramQuantile(q, buckets);
    return seconds === undefined ? null : Math.round(seconds * 1e5) / 100;
  };
  return { p50: ms(0.5), p95: ms(0.95), p99: ms(0.99) };
}

const withRate = (c: Counts) => ({ ...c, errorRate: c.calls === 0 ? 0 : c.errors / c.calls });

/**
 * The dashboard's per-tool and per-upstream figures, read from the very counters and
 * histograms `/metrics` exposes (so the console and Prometheus never disagree): calls,
 * errors, refusals, error rate and p50/p95/p99 latency since this process started.
 */
export async function callStats(metrics: GatewayMetrics): Promise<CallStats> {
  const [toolCalls, toolDuration, itemRequests, itemDuration] = await Promise.all([
    metrics.toolCalls.get(),
    metrics.toolCallDuration.get(),
    metrics.itemRequests.get(),
    metrics.itemRequestDuration.get(),
  ]);
  const toolKey = (l: Labels) => (l.tool === UNROUTED.tool ? undefined : key(l.virtual_server, l.upstream, l.tool));
  const upstreamKey = (l: Labels) => (l.upstream === UNROUTED.upstream ? undefined : String(l.upstream));

  const toolBuckets = bucketsBy(toolDuration.values, toolKey);
  const tools: ToolCallStats[] = [...countsBy(toolCalls.values, toolKey)].map(([k, counts]) => {
    const [virtualServerId = '', upstream = '', tool = ''] = k.split('\u0000');
    return { virtualServerId, upstream, tool, ...withRate(counts), latencyMs: percentiles(toolBuckets.get(k)) };
  });

  const upstreamCounts = countsBy([...toolCalls.values, ...itemRequests.values], upstreamKey);
  // an upstream's latency: its tools', resources' and prompts' histograms added up
  const upstreamBuckets = bucketsBy([...toolDuration.values, ...itemDuration.values], upstreamKey);
  const upstreams: UpstreamCallStats[] = [...upstreamCounts].map(([upstream, counts]) => ({
    upstream,
    ...withRate(counts),
    latencyMs: percentiles(upstreamBuckets.get(upstream)),
  }));

  const byCalls = (a: { calls: number }, b: { calls: number }) => b.calls - a.calls;
  return { since: metrics.since.toISOString(), tools: tools.sort(byCalls), upstreams: upstreams.sort(byCalls) };
}
