import type { UpstreamState, UpstreamStatus } from '@switchboard/core/upstream/types';
import type { DatabaseHandle } from '@switchboard/db/client';
import type { AuditWriterStats } from '../audit/audit-writer.ts';
import type { FederationRegistry } from '../federation/registry.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';

const STATES: UpstreamState[] = ['idle', 'starting', 'connected', 'failing', 'stopped'];
/** A scrape never waits longer than this for the database's answer. */
const PING_DEADLINE_MS = 2000;

/** Where the state read at scrape time lives; each is asked only when Prometheus scrapes. */
export interface LiveSources {
  /** Every upstream connection: its name, the connection object (a replaced one restarts its count), its status. */
  upstreams(): Iterable<{ name: string; connection: object; status: UpstreamStatus }>;
  /** Open 2025-era MCP sessions, by transport. */
  sessions(): { streamable: number; sse: number };
  /** Pipeline calls in flight in this process. */
  callsInFlight(): number;
  audit(): AuditWriterStats;
  database: Pick<DatabaseHandle, 'ping' | 'health' | 'kind'>;
}

/** The live federation's part of the sources: its upstream connections, sessions and calls in flight. */
export function federationSources(registry: FederationRegistry): Pick<LiveSources, 'upstreams' | 'sessions' | 'callsInFlight'> {
  return {
    *upstreams() {
      for (const [id, status] of registry.pool.statuses()) {
        const connection = registry.pool.get(id);
        if (connection) yield { name: connection.spec.name, connection, status };
      }
    },
    sessions: () => registry.sessionsByTransport(),
    callsInFlight: () => registry.inFlight.size,
  };
}

/**
 * The families whose value is state: registered with collect() callbacks that read it
 * when scraped, so nothing on the request path or in the upstreams' state machine is
 * instrumented for them.
 */
export function observeLiveState(metrics: GatewayMetrics, sources: LiveSources): void {
  metrics.gauge({
    name: 'switchboard_upstream_state',
    help: 'Each upstream connection\u2019s state: 1 for the current one (idle, starting, connected, failing, stopped), 0 for the others',
    labelNames: ['upstream', 'state'] as const,
    collect() {
      this.reset();
      for (const { name, status } of sources.upstreams()) for (const state of STATES) this.set({ upstream: name, state }, status.state === state ? 1 : 0);
    },
  });
  metrics.gauge({
    name: 'switchboard_upstream_in_flight_calls',
    help: 'Requests in flight on each upstream\u2019s shared connection',
    labelNames: ['upstream'] as const,
    collect() {
      this.reset();
      for (const { name, status } of sources.upstreams()) this.set({ upstream: name }, status.inFlight);
    },
  });
  // A connection counts its own automatic reconnects; a counter must only grow, so each
  // scrape adds what a connection counted since the previous one (a new connection starts at 0).
  const seenRestarts = new WeakMap<object, number>();
  metrics.counter({
    name: 'switchboard_upstream_restarts_total',
    help: 'Automatic reconnects of each upstream after its connection failed',
    labelNames: ['upstream'] as const,
    collect() {
      for (const { name, connection, status } of sources.upstreams()) {
        const delta = status.restarts - (seenRestarts.get(connection) ?? 0);
        seenRestarts.set(connection, status.restarts);
        this.inc({ upstream: name }, Math.max(0, delta));
      }
    },
  });
  metrics.gauge({
    name: 'switchboard_sessions_open',
    help: 'Open MCP sessions in this process by protocol era and transport (2026-07-28 clients are stateless and hold none)',
    labelNames: ['era', 'transport'] as const,
    collect() {
      const { streamable, sse } = sources.sessions();
      this.set({ era: '2025', transport: 'streamable-http' }, streamable);
      this.set({ era: '2025', transport: 'sse' }, sse);
    },
  });
  metrics.gauge({
    name: 'switchboard_calls_in_flight',
    help: 'Tool calls, resource reads and prompt gets in flight in this process',
    collect() {
      this.set(sources.callsInFlight());
    },
  });
  observeAudit(metrics, sources.audit);
  observeDatabase(metrics, sources.database);
}

function observeAudit(metrics: GatewayMetrics, stats: () => AuditWriterStats) {
  metrics.gauge({
    name: 'switchboard_audit_queue_depth',
    help: 'Audit events waiting in memory to be written',
    collect() {
      this.set(stats().queued);
    },
  });
  const fromStats = (name: string, help: string, pick: (s: AuditWriterStats) => number) =>
    metrics.counter({
      name,
      help,
      collect() {
        // the writer keeps the totals: the counter mirrors them (collect runs synchronously, no scrape sees the reset)
        this.reset();
        this.inc(pick(stats()));
      },
    });
  fromStats('switchboard_audit_events_written_total', 'Audit events written to the database', (s) => s.written);
  fromStats('switchboard_audit_events_dropped_total', 'Audit events dropped because the queue was full (database unreachable for long)', (s) => s.dropped);
  fromStats('switchboard_audit_events_dead_lettered_total', 'Audit events the database refused on their own (logged, set aside)', (s) => s.deadLettered);
  fromStats('switchboard_audit_write_failures_total', 'Audit inserts that failed and were kept for retry', (s) => s.failedWrites);
}

function observeDatabase(metrics: GatewayMetrics, database: LiveSources['database']) {
  metrics.gauge({
    name: 'switchboard_db_up',
    help: 'Whether the database answers (the health watchdog\u2019s view; the embedded database is always up)',
    labelNames: ['kind'] as const,
    collect() {
      this.set({ kind: database.kind }, database.health.available ? 1 : 0);
    },
  });
  // One `select 1` per scrape, through the pool the requests use: its time includes waiting for a free connection.
  metrics.gauge({
    name: 'switchboard_db_ping_seconds',
    help: 'The last scrape\u2019s `select 1` round trip through the request pool (absent when it failed or took over 2 s)',
    async collect() {
      this.reset();
      if (!database.health.available) return;
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const answered = await Promise.race([
        database.ping().then(
          () => true,
          () => false,
        ),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), PING_DEADLINE_MS);
        }),
      ]);
      clearTimeout(timer);
      if (!answered) return;
      this.set((performance.now() - started) / 1000);
    },
  });
}
