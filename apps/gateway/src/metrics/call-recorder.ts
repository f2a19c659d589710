import type { Counter, Histogram } from 'prom-client';
import type { CallKind, CallRoute } from '../pipeline/call.ts';
import type { Outcome } from '../pipeline/outcome.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';

/** Label placeholders for a call whose name routed nowhere: the name itself is the client's, unbounded. */
export const UNROUTED = { upstream: '_none', tool: '_unknown' } as const;

/** Outcomes of calls that never reached the upstream: counted, not timed (their time is a refusal's). */
const REFUSED: ReadonlySet<string> = new Set<Outcome | 'limited'>(['denied', 'limited']);

/** One (kind, exposed name)'s series on one virtual server. */
interface Series {
  kind: CallKind;
  upstream: string;
  /** The label values of its counter, without the outcome. */
  labels: string[];
  /** The histogram child, bound once (prom-client hashes the labels of every `labels()` call). */
  duration: Histogram.Internal<string>;
  /** Calls per outcome so far, and how many of them the counter has been given (at scrape time). */
  counts: Record<string, number>;
  flushed: Record<string, number>;
  counters: Record<string, Counter.Internal>;
}

/**
 * One virtual server's per-call metrics, as the pipeline's metrics stage records them.
 * The hot path is a map lookup, a plain increment and one histogram observe on a child
 * bound once: the outcome counters are handed their increments when scraped (the
 * counters' collect(), see GatewayMetrics), because prom-client validates and hashes the
 * labels on every inc — measured at about as much again as the observe. Tools are keyed
 * by exposed name once they routed (the catalog bounds them), resources (URIs: unbounded)
 * and prompts by upstream; a name that routed nowhere is counted under one placeholder,
 * since a client could otherwise make up unbounded label values.
 */
export class CallRecorder {
  private readonly byKind: Record<CallKind, Map<string, Series>> = { tool: new Map(), resource: new Map(), prompt: new Map() };
  private readonly policyDenials = new Map<CallKind, Counter.Internal>();

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly virtualServer: string,
  ) {}

  record(kind: CallKind, name: string, route: CallRoute | undefined, outcome: string, errorCode: string | null, seconds: number): void {
    const series = this.series(kind, name, route);
    series.counts[outcome] = (series.counts[outcome] ?? 0) + 1;
    if (!REFUSED.has(outcome)) series.duration.observe(seconds);
    if (errorCode === 'policy') this.policyDenial(kind).inc();
  }

  /** Hands the tool counter (`tool`) or the resource/prompt one (`item`) the calls counted since the last scrape. */
  flush(which: 'tool' | 'item'): void {
    const counter = which === 'tool' ? this.metrics.toolCalls : this.metrics.itemRequests;
    const kinds: CallKind[] = which === 'tool' ? ['tool'] : ['resource', 'prompt'];
    const give = (series: Series) => {
      for (const outcome in series.counts) {
        const delta = series.counts[outcome]! - (series.flushed[outcome] ?? 0);
        if (delta === 0) continue;
        series.counters[outcome] ??= counter.labels(...series.labels, outcome);
        series.counters[outcome].inc(delta);
        series.flushed[outcome] = series.counts[outcome]!;
      }
    };
    for (const kind of kinds) for (const series of this.byKind[kind].values()) give(series);
    this.retired = this.retired.filter((series) => {
      if (!kinds.includes(series.kind)) return true;
      give(series);
      return false;
    });
  }

  private series(kind: CallKind, name: string, route: CallRoute | undefined): Series {
    const upstream = route?.upstreamName ?? UNROUTED.upstream;
    const map = this.byKind[kind];
    const key = kind === 'tool' ? (route ? name : UNROUTED.tool) : upstream;
    const known = map.get(key);
    // (a re-routed name — another upstream now serves it — starts a new series; the old one keeps its counts)
    if (known && known.upstream === upstream) return known;
    const labels = [this.virtualServer, upstream, kind === 'tool' ? key : kind];
    const histogram = kind === 'tool' ? this.metrics.toolCallDuration : this.metrics.itemRequestDuration;
    const made: Series = { kind, upstream, labels, duration: histogram.labels(...labels), counts: {}, flushed: {}, counters: {} };
    if (known) this.retired.push(known);
    map.set(key, made);
    return made;
  }

  /** Series replaced by a re-route, kept until their last counts are flushed. */
  private retired: Series[] = [];

  private policyDenial(kind: CallKind) {
    let child = this.policyDenials.get(kind);
    if (!child) {
      child = this.metrics.policyDenials.labels(this.virtualServer, kind);
      this.policyDenials.set(kind, child);
    }
    return child;
  }
}
