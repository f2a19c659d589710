import type { Counter, Histogram } from 'prom-client';
import type { CallKind, CallRoute } from '../pipeline/call.ts';
import type { Outcome } from '../pipeline/outcome.ts';
import { type GatewayMetrics, UNROUTED } from './gateway-metrics.ts';

/** Outcomes of calls that never reached the upstream (their time is the gateway's, not the upstream's). */
const REFUSED: ReadonlySet<string> = new Set<Outcome | 'limited'>(['denied', 'limited']);

/** The label-bound children of one (kind, exposed name) on one virtual server. */
interface Series {
  upstream: string;
  duration: Histogram.Internal<string>;
  /** Reached the upstream: its latency family (shared by every series of that upstream). */
  upstreamDuration: Histogram.Internal<string>;
  /** One child per outcome seen so far (outcomes are few; new ones — e.g. `limited` — just appear). */
  outcomes: Map<string, Counter.Internal>;
  labels(outcome: string): Counter.Internal;
}

/**
 * One virtual server's per-call metrics, as the pipeline's metrics stage records them.
 * prom-client builds a label object and hashes it for every `labels()` call, so the
 * children are made once per (kind, exposed name) and kept: a call costs two map lookups,
 * an observe and an inc. Names are keyed only once they routed (the catalog bounds them);
 * a name that routed nowhere is counted under one placeholder series, since a client
 * could otherwise make up unbounded label values.
 */
export class CallRecorder {
  /** Tools by exposed name; resources (URIs: unbounded) and prompts by upstream only. */
  private readonly byKind: Record<CallKind, Map<string, Series>> = { tool: new Map(), resource: new Map(), prompt: new Map() };
  private readonly upstreams = new Map<string, Histogram.Internal<string>>();
  private readonly policyDenials = new Map<CallKind, Counter.Internal>();

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly virtualServer: string,
  ) {}

  record(kind: CallKind, name: string, route: CallRoute | undefined, outcome: string, errorCode: string | null, seconds: number): void {
    const series = this.series(kind, name, route);
    series.duration.observe(seconds);
    (series.outcomes.get(outcome) ?? series.labels(outcome)).inc();
    if (route && !REFUSED.has(outcome)) series.upstreamDuration.observe(seconds);
    if (errorCode === 'policy') this.policyDenial(kind).inc();
  }

  private series(kind: CallKind, name: string, route: CallRoute | undefined): Series {
    const upstream = route?.upstreamName ?? UNROUTED.upstream;
    const map = this.byKind[kind];
    const key = kind === 'tool' ? (route ? name : UNROUTED.tool) : upstream;
    const known = map.get(key);
    // (a re-routed name — another upstream now serves it — gets fresh children)
    if (known && known.upstream === upstream) return known;
    const made = kind === 'tool' ? this.toolSeries(upstream, route ? name : UNROUTED.tool) : this.itemSeries(kind, upstream);
    map.set(key, made);
    return made;
  }

  private toolSeries(upstream: string, tool: string): Series {
    const { toolCalls, toolCallDuration } = this.metrics;
    const vs = this.virtualServer;
    return this.seriesOf(upstream, toolCallDuration.labels(vs, upstream, tool), (outcome) => toolCalls.labels(vs, upstream, tool, outcome));
  }

  private itemSeries(kind: CallKind, upstream: string): Series {
    const { itemRequests, itemRequestDuration } = this.metrics;
    const vs = this.virtualServer;
    return this.seriesOf(upstream, itemRequestDuration.labels(vs, upstream, kind), (outcome) => itemRequests.labels(vs, upstream, kind, outcome));
  }

  private seriesOf(upstream: string, duration: Histogram.Internal<string>, counter: (outcome: string) => Counter.Internal): Series {
    const outcomes = new Map<string, Counter.Internal>();
    return {
      upstream,
      duration,
      upstreamDuration: this.upstreamDuration(upstream),
      outcomes,
      labels(outcome) {
        const child = counter(outcome);
        outcomes.set(outcome, child);
        return child;
      },
    };
  }

  private upstreamDuration(upstream: string) {
    let child = this.upstreams.get(upstream);
    if (!child) {
      child = this.metrics.upstreamCallDuration.labels(upstream);
      this.upstreams.set(upstream, child);
    }
    return child;
  }

  private policyDenial(kind: CallKind) {
    let child = this.policyDenials.get(kind);
    if (!child) {
      child = this.metrics.policyDenials.labels(this.virtualServer, kind);
      this.policyDenials.set(kind, child);
    }
    return child;
  }
}
