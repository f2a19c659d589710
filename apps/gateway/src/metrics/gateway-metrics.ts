import { CallRecorder } from './call-recorder.ts';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Metric, type OpenMetricsContentType, Registry } from 'prom-client';

/**
 * Seconds. From a sub-millisecond in-memory refusal to a minute-long tool run: the
 * dashboard's percentiles are interpolated inside these, so they are dense where most
 * calls land (1 ms – 1 s).
 */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What a refused call was over (the rate-limit rules' scopes; bounded, never a person's id). */
/** What refused: a call's rule (limits stage) or the authorization server's registration/sign-in limits; and which kind of limit. */
export type RateLimitScope = 'call' | 'registration' | 'login';
export type RateLimitKind = 'rate' | 'quota' | 'concurrency';

/** Events of the authorization server, counted by kind (never by client or person). */
export type OAuthEvent = 'client_registered' | 'login' | 'login_failed' | 'token_issued' | 'token_refreshed' | 'token_failed';

/** What `switchboard_oauth_events_total` counts: the one sink the OAuth routes call. */
export interface OAuthEventSink {
  oauthEvent(event: OAuthEvent): void;
}

/**
 * The process's metrics: every family, registered in a Registry of its own (not
 * prom-client's global one, so two gateways in one test process do not collide), and a
 * second registry holding the same metric objects for OpenMetrics scrapes (a registry's
 * format is its own; see renderOpenMetrics for the one catch). Families whose value is
 * state (upstreams, sessions, queues) are read at scrape time by collect() callbacks
 * (live-gauges.ts); per-call ones are recorded by call-recorder.ts on children bound once.
 */
export class GatewayMetrics implements OAuthEventSink {
  readonly registry = new Registry();
  readonly openMetricsRegistry = new Registry<OpenMetricsContentType>();
  private readonly registers: Registry<never>[] = [this.registry, this.openMetricsRegistry] as Registry<never>[];
  /** When this process began counting: the stats API's "since". */
  readonly since = new Date();

  /** Each virtual server's recorder, kept across its runtime being rebuilt (their counts outlive it). */
  private readonly recorders = new Map<string, CallRecorder>();

  readonly toolCalls = new Counter({
    name: 'switchboard_tool_calls_total',
    help: 'tools/call requests by virtual server (id), upstream, exposed tool name and outcome',
    labelNames: ['virtual_server', 'upstream', 'tool', 'outcome'] as const,
    registers: this.registers,
    // counted on the hot path in plain numbers, handed over when scraped (call-recorder.ts)
    collect: () => {
      for (const recorder of this.recorders.values()) recorder.flush('tool');
    },
  });
  readonly toolCallDuration = new Histogram({
    name: 'switchboard_tool_call_duration_seconds',
    help: 'Time to answer a tools/call that was sent to the upstream (refusals are counted, not timed), by virtual server, upstream and tool',
    labelNames: ['virtual_server', 'upstream', 'tool'] as const,
    buckets: DURATION_BUCKETS,
    registers: this.registers,
  });
  readonly itemRequests = new Counter({
    name: 'switchboard_resource_prompt_requests_total',
    help: 'resources/read (kind=resource) and prompts/get (kind=prompt) requests by virtual server, upstream and outcome',
    labelNames: ['virtual_server', 'upstream', 'kind', 'outcome'] as const,
    registers: this.registers,
    collect: () => {
      for (const recorder of this.recorders.values()) recorder.flush('item');
    },
  });
  readonly itemRequestDuration = new Histogram({
    name: 'switchboard_resource_prompt_request_duration_seconds',
    help: 'Time to answer a resources/read or prompts/get that was sent to the upstream',
    labelNames: ['virtual_server', 'upstream', 'kind'] as const,
    buckets: DURATION_BUCKETS,
    registers: this.registers,
  });
  readonly policyDenials = new Counter({
    name: 'switchboard_policy_denials_total',
    help: 'Calls refused by the access policy, by virtual server and kind (tool, resource, prompt)',
    labelNames: ['virtual_server', 'kind'] as const,
    registers: this.registers,
  });
  readonly rateLimited = new Counter({
    name: 'switchboard_rate_limited_total',
    help: 'Requests refused by a rate limit, quota or concurrency cap: calls, client registrations, sign-ins',
    labelNames: ['scope', 'limit'] as const,
    registers: this.registers,
  });
  readonly oauthEvents = new Counter({
    name: 'switchboard_oauth_events_total',
    help: 'Authorization server events: client_registered, login, login_failed, token_issued, token_refreshed, token_failed',
    labelNames: ['event'] as const,
    registers: this.registers,
  });
  readonly auditBatchDuration = new Histogram({
    name: 'switchboard_db_audit_insert_duration_seconds',
    help: 'Time of the audit writer\u2019s multi-row inserts (the database write every call leads to)',
    buckets: DURATION_BUCKETS,
    registers: this.registers,
  });

  private scraping: Promise<void> = Promise.resolve();
  private readonly oauthChildren = new Map<OAuthEvent, Counter.Internal>();
  private readonly rateLimitedChildren = new Map<string, Counter.Internal>();

  constructor() {
    this.openMetricsRegistry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    collectDefaultMetrics({ register: this.registry });
    // (getMetricsAsArray hands out the metric objects themselves: the same ones then serve both formats)
    for (const metric of this.registry.getMetricsAsArray()) {
      if (!this.openMetricsRegistry.getSingleMetric(metric.name)) this.openMetricsRegistry.registerMetric(metric as unknown as Metric);
    }
  }

  /** Families whose owner reads them at scrape time (live-gauges.ts), in both registries. */
  gauge<T extends string>(config: ConstructorParameters<typeof Gauge<T>>[0]): Gauge<T> {
    return new Gauge<T>({ ...config, registers: this.registers });
  }

  counter<T extends string>(config: ConstructorParameters<typeof Counter<T>>[0]): Counter<T> {
    return new Counter<T>({ ...config, registers: this.registers });
  }

  /** The per-call metrics of one virtual server (its pipeline's metrics stage records there). */
  recorderFor(virtualServerId: string): CallRecorder {
    let recorder = this.recorders.get(virtualServerId);
    if (!recorder) {
      recorder = new CallRecorder(this, virtualServerId);
      this.recorders.set(virtualServerId, recorder);
    }
    return recorder;
  }

  /** One refusal by the limiter (its `refused` events: calls, registrations, sign-ins). */
  countRateLimited(scope: RateLimitScope, limit: RateLimitKind): void {
    const key = `${scope}/${limit}`;
    let child = this.rateLimitedChildren.get(key);
    if (!child) {
      child = this.rateLimited.labels(scope, limit);
      this.rateLimitedChildren.set(key, child);
    }
    child.inc();
  }

  oauthEvent(event: OAuthEvent): void {
    let child = this.oauthChildren.get(event);
    if (!child) {
      child = this.oauthEvents.labels(event);
      this.oauthChildren.set(event, child);
    }
    child.inc();
  }

  /** The exposition in the format asked for: Prometheus text (default) or OpenMetrics. One scrape at a time. */
  scrape(openMetrics: boolean): Promise<{ body: string; contentType: string }> {
    const run = this.scraping.then(() => (openMetrics ? this.renderOpenMetrics() : this.renderPrometheus()));
    this.scraping = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  private async renderPrometheus(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  /**
   * prom-client's OpenMetrics rendering renames each counter object in place (`x_total` →
   * `x`, prom-client 15.1), which would leave later Prometheus-format scrapes without the
   * `_total` suffix: the names are put back afterwards, and scrapes are serialised
   * (`scrape`) so no Prometheus scrape renders in between.
   */
  private async renderOpenMetrics(): Promise<{ body: string; contentType: string }> {
    const metrics = this.openMetricsRegistry.getMetricsAsArray() as unknown as Array<{ name: string }>;
    const names = metrics.map((m) => m.name);
    try {
      return { body: await this.openMetricsRegistry.metrics(), contentType: this.openMetricsRegistry.contentType };
    } finally {
      metrics.forEach((m, i) => {
        m.name = names[i]!;
      });
    }
  }
}
