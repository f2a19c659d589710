import { liveVisibility } from '@switchboard/core/policy/policy-snapshot';
import { buildRoutingTable, type UpstreamView, type VirtualServerSpec } from '@switchboard/core/federation/routing-table';
import { UpstreamPool } from '@switchboard/core/upstream/pool';
import { type Catalog, UpstreamError, type UpstreamSpec, type UpstreamStatus } from '@switchboard/core/upstream/types';
import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '@switchboard/db/client';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/audit-writer.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { PipelineOptions } from '../pipeline/pipeline.ts';
import type { Principal } from '../mcp/principal.ts';
import type { CallerContext } from '../pipeline/call.ts';
import type { Limiter } from '../limits/limiter.ts';
import { InFlightCalls } from '../pipeline/drain.ts';
import type { SessionCluster } from '../mcp/sessions/session-cluster.ts';
import type { Credentials } from '../credentials/credentials.ts';
import { VirtualServerRuntime } from '../mcp/virtual-server-runtime.ts';
import type { FederationView, ServiceContext } from '../services/context.ts';
import { loadLimitRules } from '../services/rate-limits.ts';
import { catalogsFor, saveCatalog } from '../services/upstream-catalogs.ts';
import { type AccessChange, AccessControl } from './access-control.ts';
import { ApiKeyDirectory } from './api-keys.ts';
import { createHeldCallBridge } from './held-call-bridge.ts';
import { bumpConfigVersion } from './replica-sync.ts';
import { listUpstreams } from './upstream-listing.ts';
import { type GatewayServerSpec, loadFederationSpecs } from './specs.ts';
import { UpstreamReadiness } from './upstream-readiness.ts';

export const CONFIG_CHANNEL = 'switchboard_config';

export interface RegistryOptions {
  /** The database and key ring (the registry is part of the services' context, built after it). */
  ctx: Pick<ServiceContext, 'db' | 'secrets'>;
  logger: Logger;
  version: string;
  /** LISTEN/NOTIFY of the shared database: tells the other replicas to reload. */
  signals?: Pick<DatabaseHandle, 'listen' | 'notify'>;
  /** Passed to the pool (tests shorten health checks and backoff). */
  pool?: ConstructorParameters<typeof UpstreamPool>[0];
  /** Where tools/call, resources/read and prompts/get are recorded; absent = not audited. */
  audit?: AuditSink & { flush?(): Promise<void> };
  /** The process's metrics: each virtual server's pipeline records its calls there; absent = metrics off. */
  metrics?: GatewayMetrics;
  /** Hot tools/call take the lean adapter (default) or the SDK's (see Config.leanMcp). */
  leanMcp?: boolean;
  /** Session caps and idle time of every virtual server (see Config.sessions). */
  sessions?: { max: number; perCaller: number; idleMs: number };
  /** 2025-era sessions shared with the other replicas (rows, relay, standalone streams). */
  sessionCluster?: SessionCluster;
  /** Per-person upstream credentials (the credentials stage; catalog credentials at each load). Absent: every upstream is shared. */
  credentials?: Credentials;
  /**
   * How long a request may wait, at most, for an upstream of its virtual server whose tools
   * are not known yet (neither live nor stored) to connect. Default 5 s.
   */
  connectWaitMs?: number;
  /** Set when tracing is on: every virtual server's pipeline is traced (pipeline/traced-stages.ts). */
  tracer?: PipelineOptions['tracer'];
  /** Rate limits: its rules follow the configuration like policies do. */
  limiter?: Limiter;
}

/**
 * The live federation: every upstream connection (one shared pool) and every enabled
 * virtual server's runtime. Built from the database at boot and rebuilt by `reload()`
 * after each configuration change; catalog changes re-route without a reload.
 */
export class FederationRegistry implements FederationView {
  readonly pool: UpstreamPool;
  /** Policies, users and roles in memory: every list and call is decided from here. */
  readonly access = new AccessControl();
  /** Every pipeline call in flight in this process: graceful shutdown drains them. */
  readonly inFlight = new InFlightCalls();
  /** API keys in memory: `api-key` servers admit without a database read. */
  readonly apiKeys = new ApiKeyDirectory();
  /** Calls held while a 2026-07-28 client answers a 2025-era upstream's questions (pipeline/input-bridge.ts). */
  private readonly held: ReturnType<typeof createHeldCallBridge>;
  private upstreams = new Map<string, UpstreamSpec>();
  private servers = new Map<string, GatewayServerSpec>();
  private allServers = new Map<string, GatewayServerSpec>();
  private readonly runtimes = new Map<string, VirtualServerRuntime>();
  /** Catalogs of upstreams not connected here yet, and the bounded waits for them. */
  private readonly readiness: UpstreamReadiness;
  private reloading: Promise<void> = Promise.resolve();
  private readonly replicaId = randomUUID();
  private unlisten?: () => Promise<void>;

  constructor(private readonly options: RegistryOptions) {
    this.held = createHeldCallBridge({ secrets: options.ctx.secrets, cluster: options.sessionCluster, logger: options.logger });
    this.pool = new UpstreamPool({
      logger: options.logger.child({ component: 'upstreams' }),
      clientInfo: { name: 'switchboard', version: options.version },
      ...options.pool,
      onCatalogChanged: (upstreamId, catalog) => {
        this.readiness.remember(upstreamId, catalog);
        this.reroute(upstreamId);
        saveCatalog(options.ctx.db, upstreamId, catalog).catch((err) =>
          options.logger.warn({ err, upstreamId }, 'could not store the upstream catalog'),
        );
      },
      onNotification: (upstreamId, method, params) => this.onUpstreamNotification(upstreamId, method, params),
    });
    this.readiness = new UpstreamReadiness(this.pool, options.connectWaitMs);
  }

  /** Follows configuration changes made through other replicas sharing the database. */
  async followReplicas() {
    if (!this.options.signals) return;
    const reload = () => this.reload().catch((err) => this.options.logger.error({ err }, 'reload after a change on another replica failed'));
    this.unlisten = await this.options.signals.listen(
      CONFIG_CHANNEL,
      (payload) => {
        if (payload !== this.replicaId) void reload();
      },
      // notifications sent while the listener was down are lost: catch up on everything
      () => {
        this.options.logger.info('replica listener reconnected; reloading the configuration');
        void reload();
      },
    );
  }

  /** After a configuration change here: reload, and tell the other replicas to. */
  async configChanged() {
    await this.reload();
    // (a replica that misses the notification sees the counter move: replica-sync.ts)
    await bumpConfigVersion(this.options.ctx.db).catch((err) => this.options.logger.warn({ err }, 'could not bump the configuration version'));
    await this.options.signals
      ?.notify(CONFIG_CHANNEL, this.replicaId)
      .catch((err) => this.options.logger.warn({ err }, 'could not notify the other replicas'));
  }

  /** Reads the configuration and converges the live state onto it; serialised. */
  reload(): Promise<void> {
    this.reloading = this.reloading.catch(() => {}).then(() => this.apply());
    return this.reloading;
  }

  private async apply() {
    const specs = await loadFederationSpecs(this.options.ctx.db, this.options.ctx.secrets);
    const credentials = this.options.credentials;
    if (credentials) specs.upstreams = await credentials.apply(this.options.ctx.db, specs.upstreams, specs.credentialUpstreams);
    const accessChange = await this.access.reload(this.options.ctx.db);
    await this.apiKeys.reload(this.options.ctx.db);
    this.options.limiter?.setRules(await loadLimitRules(this.options.ctx.db));
    const nextUpstreams = new Map(specs.upstreams.map((u) => [u.id, u]));
    this.readiness.setStored(await catalogsFor(this.options.ctx.db, [...nextUpstreams.keys()]));
    for (const id of this.upstreams.keys()) if (!nextUpstreams.has(id)) void this.pool.remove(id);
    for (const spec of nextUpstreams.values()) this.pool.upsert(spec);
    this.upstreams = nextUpstreams;

    this.allServers = new Map(specs.servers.map((s) => [s.id, s]));
    this.servers = new Map(specs.servers.filter((s) => s.enabled).map((s) => [s.id, s]));
    for (const [id, runtime] of this.runtimes) {
      if (!this.servers.has(id)) {
        this.runtimes.delete(id);
        void runtime.close();
      }
    }
    for (const spec of this.servers.values()) {
      const runtime = this.runtimes.get(spec.id);
      if (runtime) runtime.updateTable(this.tableFor(spec));
      else this.runtimes.set(spec.id, this.createRuntime(spec));
    }
    if (accessChange) this.applyAccessChange(accessChange);
    // A re-enabled (or newly added) upstream is lazy: open sessions would not hear of its
    // tools until someone lists them. Connect what they can see now; the new table announces it.
    for (const [id, runtime] of this.runtimes) if (runtime.sessionCount > 0) void this.connectUpstreamsOf(id);
  }

  /**
   * Open sessions follow a policy change at their next request (their visibility is
   * live); here they hear list_changed at once, and a disabled or deleted user's end.
   */
  private applyAccessChange({ before, after }: AccessChange) {
    for (const [id, runtime] of this.runtimes) {
      runtime.closeSessionsOf((p) => p.userId !== null && !after.userActive(p.userId));
      runtime.accessChanged(
        (p) => before.visibility(id, p.userId),
        (p) => after.visibility(id, p.userId),
      );
    }
  }

  /** A caller's context on one server: their live visibility (policy), their e-mail for the audit trail. */
  callerFor(serverId: string, principal: Principal): CallerContext {
    const { userId } = principal;
    return {
      principal,
      visibility: liveVisibility(() => this.access.current, serverId, userId),
      userEmail: () => (userId ? (this.access.current.user(userId)?.email ?? null) : null),
    };
  }

  private createRuntime(spec: VirtualServerSpec) {
    const sink = this.options.audit;
    return new VirtualServerRuntime({
      id: spec.id,
      name: spec.name,
      version: this.options.version,
      logger: this.options.logger,
      directory: this.pool,
      table: this.tableFor(spec),
      audit: sink && { sink, payloads: () => this.servers.get(spec.id)?.auditPayloads ?? false },
      lean: this.options.leanMcp,
      inFlight: this.inFlight,
      bridge: this.held.bridge,
      metrics: this.options.metrics?.recorderFor(spec.id),
      tracer: this.options.tracer,
      limiter: this.options.limiter,
      maxSessions: this.options.sessions?.max,
      maxSessionsPerCaller: this.options.sessions?.perCaller,
      sessionIdleMs: this.options.sessions?.idleMs,
      sessions: this.options.sessionCluster,
      prepare: () => this.connectUpstreamsOf(spec.id),
      caller: (principal) => this.callerFor(spec.id, principal),
      credentials: this.options.credentials,
    });
  }

  private tableFor(spec: VirtualServerSpec) {
    const views = new Map<string, UpstreamView>();
    for (const entry of spec.entries) {
      const upstream = this.upstreams.get(entry.upstreamId);
      const connection = this.pool.get(entry.upstreamId);
      if (upstream && connection && upstream.enabled) {
        views.set(upstream.id, { id: upstream.id, name: upstream.name, catalog: this.readiness.catalogOf(upstream.id, connection) });
      }
    }
    return buildRoutingTable(spec, views);
  }

  /** Before each request of a virtual server: its lazy upstreams connect (see UpstreamReadiness.prepare). */
  private connectUpstreamsOf(serverId: string): Promise<void> | undefined {
    const spec = this.servers.get(serverId);
    const waiting = spec && this.readiness.prepare(spec.entries);
    return waiting?.then((waited) => {
      const current = this.servers.get(serverId);
      if (waited && current) this.runtimes.get(serverId)?.updateTable(this.tableFor(current));
    });
  }

  /** An upstream's catalog changed: re-route every virtual server that uses it. */
  private reroute(upstreamId: string) {
    for (const spec of this.servers.values()) {
      if (spec.entries.some((e) => e.upstreamId === upstreamId)) this.runtimes.get(spec.id)?.updateTable(this.tableFor(spec));
    }
  }

  private onUpstreamNotification(upstreamId: string, method: string, params: Record<string, unknown> | undefined) {
    const upstream = this.upstreams.get(upstreamId);
    if (method === 'notifications/resources/updated' && typeof params?.uri === 'string' && upstream) {
      for (const spec of this.servers.values()) {
        if (spec.entries.some((e) => e.upstreamId === upstreamId)) this.runtimes.get(spec.id)?.resourceUpdated(upstream.name, params.uri);
      }
    }
  }

  runtime(id: string): VirtualServerRuntime | undefined {
    return this.runtimes.get(id);
  }

  /** Open 2025-era MCP sessions (Streamable HTTP and SSE) per running virtual server, in this process. */
  openSessions(): Array<{ virtualServerId: string; sessions: number }> {
    return [...this.runtimes].map(([virtualServerId, runtime]) => ({ virtualServerId, sessions: runtime.sessionCount }));
  }

  /** Open 2025-era sessions of every running virtual server in this process, by transport. */
  sessionsByTransport(): { streamable: number; sse: number } {
    const total = { streamable: 0, sse: 0 };
    for (const runtime of this.runtimes.values()) {
      const counts = runtime.sessionsByTransport();
      total.streamable += counts.streamable;
      total.sse += counts.sse;
    }
    return total;
  }

  async flushAudit(): Promise<void> {
    await this.options.audit?.flush?.();
  }

  /** An enabled virtual server's runtime, its lazy upstreams connected first (the console playground). */
  async runtimeFor(serverId: string): Promise<VirtualServerRuntime | undefined> {
    await this.connectUpstreamsOf(serverId);
    return this.runtimes.get(serverId);
  }

  /**
   * What an access explanation reads: the server's upstreams connected first (bounded) and
   * how each one's items are known, its routing table (disabled servers too) and the policy snapshot.
   */
  async accessState(serverId: string) {
    const spec = this.allServers.get(serverId);
    if (!spec) return undefined;
    const upstreams = await listUpstreams(
      spec.entries.map((e) => e.upstreamId),
      {
        upstream: (id) => this.upstreams.get(id),
        connection: (id) => this.pool.get(id),
        stored: (id) => this.readiness.storedCatalog(id),
        waitMs: this.readiness.connectWaitMs,
      },
    );
    return { table: this.tableFor(spec), policy: this.access.current, upstreams };
  }

  /** The server's routing table as it is now (nothing connected first) and the policy snapshot. */
  currentAccess(serverId: string) {
    const spec = this.allServers.get(serverId);
    if (!spec) return undefined;
    return { table: this.runtimes.get(serverId)?.router.routingTable ?? this.tableFor(spec), policy: this.access.current };
  }

  /** The rate-limit rules that apply to a person on a server, with their remaining budgets (explain API). */
  limitsFor(serverId: string, userId: string) {
    return this.options.limiter?.applied(serverId, userId) ?? Promise.resolve([]);
  }

  /**
   * Whether the person can reach the upstream through an enabled virtual server: some tool,
   * prompt or resource of it is visible to them there, or (its catalog not known yet: nobody
   * connected) the server lists it at all.
   */
  upstreamVisibleTo(upstreamId: string, userId: string): boolean {
    for (const spec of this.servers.values()) {
      if (!spec.entries.some((e) => e.upstreamId === upstreamId)) continue;
      const table = this.runtimes.get(spec.id)?.router.routingTable;
      if (!table) continue;
      const visible = this.access.current.visibility(spec.id, userId);
      const tools = [...table.tools.values()].filter((r) => r.upstreamId === upstreamId);
      const prompts = [...table.prompts.values()].filter((r) => r.upstreamId === upstreamId);
      const resources = [...table.resources.values()].filter((r) => r.upstreamId === upstreamId);
      if (tools.length + prompts.length + resources.length === 0) return true;
      if (tools.some((r) => visible.tool(r.upstreamName, r.name)) || prompts.some((r) => visible.prompt(r.upstreamName, r.name))) return true;
      if (resources.some((r) => visible.resource(r.upstreamName, r.resource.uri))) return true;
    }
    return false;
  }

  /** The auth mode of an enabled virtual server (kept in memory: no database read per request). */
  authMode(id: string): GatewayServerSpec['authMode'] | undefined {
    return this.servers.get(id)?.authMode;
  }

  status(upstreamId: string): UpstreamStatus | undefined {
    return this.pool.get(upstreamId)?.status();
  }

  async restart(upstreamId: string): Promise<UpstreamStatus | undefined> {
    return (await this.pool.restart(upstreamId))?.status();
  }

  async refresh(upstreamId: string): Promise<Catalog> {
    const connection = this.pool.get(upstreamId);
    if (!connection) throw new UpstreamError('upstream_unavailable', 'the upstream is not loaded');
    await connection.ensureConnected();
    return connection.refreshCatalog();
  }

  /** Ends every client session and stream (shutdown), keeping upstreams for in-flight calls. */
  async closeSessions() {
    this.held.stop();
    await Promise.allSettled([...this.runtimes.values()].map((r) => r.close()));
  }

  async close() {
    await this.unlisten?.().catch(() => {});
    await this.closeSessions();
    this.runtimes.clear();
    await this.pool.stopAll();
  }
}
