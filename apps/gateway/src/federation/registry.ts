import type { VirtualServerRouter } from '@switchboard/core/federation/router';
import { liveVisibility } from '@switchboard/core/policy/policy-snapshot';
import { buildRoutingTable, type UpstreamView, type VirtualServerSpec } from '@switchboard/core/federation/routing-table';
import { UpstreamPool } from '@switchboard/core/upstream/pool';
import { type Catalog, UpstreamError, type UpstreamSpec, type UpstreamStatus } from '@switchboard/core/upstream/types';
import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '@switchboard/db/client';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/audit-writer.ts';
import { createCallAuditor } from '../mcp/call-audit.ts';
import type { Principal } from '../mcp/principal.ts';
import type { Caller } from '../mcp/runtime-options.ts';
import { VirtualServerRuntime } from '../mcp/virtual-server-runtime.ts';
import type { FederationView, ServiceContext } from '../services/context.ts';
import { saveCatalog } from '../services/upstream-catalogs.ts';
import { type AccessChange, AccessControl } from './access-control.ts';
import { bumpConfigVersion } from './replica-sync.ts';
import { type GatewayServerSpec, loadFederationSpecs } from './specs.ts';

const CONFIG_CHANNEL = 'switchboard_config';

export interface RegistryOptions {
  ctx: ServiceContext;
  logger: Logger;
  version: string;
  /** LISTEN/NOTIFY of the shared database: tells the other replicas to reload. */
  signals?: Pick<DatabaseHandle, 'listen' | 'notify'>;
  /** Passed to the pool (tests shorten health checks and backoff). */
  pool?: ConstructorParameters<typeof UpstreamPool>[0];
  /** Where tools/call, resources/read and prompts/get are recorded; absent = not audited. */
  audit?: AuditSink;
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
  private upstreams = new Map<string, UpstreamSpec>();
  private servers = new Map<string, GatewayServerSpec>();
  private allServers = new Map<string, GatewayServerSpec>();
  private readonly runtimes = new Map<string, VirtualServerRuntime>();
  private reloading: Promise<void> = Promise.resolve();
  private readonly replicaId = randomUUID();
  private unlisten?: () => Promise<void>;

  constructor(private readonly options: RegistryOptions) {
    this.pool = new UpstreamPool({
      logger: options.logger.child({ component: 'upstreams' }),
      clientInfo: { name: 'switchboard', version: options.version },
      ...options.pool,
      onCatalogChanged: (upstreamId, catalog) => {
        this.reroute(upstreamId);
        saveCatalog(options.ctx.db, upstreamId, catalog).catch((err) =>
          options.logger.warn({ err, upstreamId }, 'could not store the upstream catalog'),
        );
      },
      onNotification: (upstreamId, method, params) => this.onUpstreamNotification(upstreamId, method, params),
    });
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
    const accessChange = await this.access.reload(this.options.ctx.db);
    const nextUpstreams = new Map(specs.upstreams.map((u) => [u.id, u]));
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

  /** A caller's live visibility and audit recorder on one server. */
  private callerFor(serverId: string, principal: Principal, router: VirtualServerRouter): Caller {
    const visibility = liveVisibility(() => this.access.current, serverId, principal.userId);
    const sink = this.options.audit;
    if (!sink) return { visibility };
    const audit = createCallAuditor({
      sink,
      virtualServerId: serverId,
      principal,
      router: () => router,
      visibility,
      userEmail: () => (principal.userId ? (this.access.current.user(principal.userId)?.email ?? null) : null),
      payloads: () => this.servers.get(serverId)?.auditPayloads ?? false,
    });
    return { visibility, audit };
  }

  private createRuntime(spec: VirtualServerSpec) {
    return new VirtualServerRuntime({
      name: spec.name,
      version: this.options.version,
      directory: this.pool,
      table: this.tableFor(spec),
      prepare: () => this.connectUpstreamsOf(spec.id),
      caller: (principal, router) => this.callerFor(spec.id, principal, router),
    });
  }

  private tableFor(spec: VirtualServerSpec) {
    const views = new Map<string, UpstreamView>();
    for (const entry of spec.entries) {
      const upstream = this.upstreams.get(entry.upstreamId);
      const connection = this.pool.get(entry.upstreamId);
      if (upstream && connection && upstream.enabled) {
        views.set(upstream.id, { id: upstream.id, name: upstream.name, catalog: connection.catalog() });
      }
    }
    return buildRoutingTable(spec, views);
  }

  /**
   * Lazy upstreams connect on first use of a virtual server that needs them. A failing
   * upstream does not block the others: its tools are simply absent until it recovers.
   */
  private async connectUpstreamsOf(serverId: string) {
    const spec = this.servers.get(serverId);
    if (!spec) return;
    // runs before every call: the common case (all connected) allocates nothing
    if (spec.entries.every((e) => {
      const connection = this.pool.get(e.upstreamId);
      return !connection || connection.connected;
    })) return;
    const ids = [...new Set(spec.entries.map((e) => e.upstreamId))];
    const pending = ids.map((id) => this.pool.get(id)).filter((c) => c && !c.connected);
    if (pending.length === 0) return;
    await Promise.allSettled(pending.map((c) => c!.ensureConnected()));
    const current = this.servers.get(serverId);
    if (current) this.runtimes.get(serverId)?.updateTable(this.tableFor(current));
  }

  /** An upstream's catalog changed: re-route every virtual server that uses it. */
  private reroute(upstreamId: string) {
    for (const spec of this.servers.values()) {
      if (spec.entries.some((e) => e.upstreamId === upstreamId)) this.runtimes.get(spec.id)?.updateTable(this.tableFor(spec));
    }
  }

  private onUpstreamNotification(upstreamId: string, method: string, params: Record<string, unknown> | undefined) {
    if (method === 'notifications/resources/updated' && typeof params?.uri === 'string') {
      for (const spec of this.servers.values()) {
        if (spec.entries.some((e) => e.upstreamId === upstreamId)) this.runtimes.get(spec.id)?.resourceUpdated(params.uri);
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

  /** An enabled virtual server's router, its lazy upstreams connected first (the admin playground). */
  async routerFor(serverId: string): Promise<VirtualServerRouter | undefined> {
    await this.connectUpstreamsOf(serverId);
    return this.runtimes.get(serverId)?.router;
  }

  /** What an access explanation reads: the server's routing table (disabled servers too) and the policy snapshot. */
  accessState(serverId: string) {
    const spec = this.allServers.get(serverId);
    if (!spec) return undefined;
    return { table: this.runtimes.get(serverId)?.router.routingTable ?? this.tableFor(spec), policy: this.access.current };
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
    await Promise.allSettled([...this.runtimes.values()].map((r) => r.close()));
  }

  async close() {
    await this.unlisten?.().catch(() => {});
    await this.closeSessions();
    this.runtimes.clear();
    await this.pool.stopAll();
  }
}
