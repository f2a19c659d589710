/**
 * One upstream MCP server behind ONE shared SDK `Client`, serving every downstream session
 * (no process per client session). The SDK gives each request its own JSON-RPC id, so
 * concurrent calls multiplex safely; this class adds the lifecycle around it: lazy connect,
 * era negotiation with a remembered verdict, catalog, crash detection, health pings and
 * reconnects with backoff. The calls themselves and what comes back for them are
 * call-router.ts's; resource subscriptions are resource-subscriptions.ts's. Sessions whose
 * clients must be asked things the upstream cannot attribute to a call get dedicated
 * connections of the same class, as do people calling with their own credentials
 * (dedicated-connections.ts).
 */
import type { PriorDiscovery } from '@modelcontextprotocol/client';
import { createBackoff } from './backoff.ts';
import { CallRouter } from './call-router.ts';
import type { UpstreamConnectionOptions } from './connection-options.ts';
import { ConnectionStatus } from './connection-status.ts';
import { emptyCatalog, sameCatalog } from './catalog.ts';
import { describeError, mayBeStaleVerdict, SessionExpiredError, toUpstreamError, unavailable } from './errors.ts';
import { DedicatedConnections } from './dedicated-connections.ts';
import { asksUnattributed } from './isolated-connections.ts';
import {
  closeLive,
  connectLive,
  createLive,
  fetchLiveCatalog,
  type Live,
  type LiveEvents,
  listenOnLive,
  settleLive,
  startLiveHealth,
} from './live-session.ts';
import { type Logger, noopLogger } from './logger.ts';
import { ResourceSubscriptions } from './resource-subscriptions.ts';
import { type Catalog, type ForwardOptions, UpstreamError, type UpstreamSpec, type UpstreamStatus } from './types.ts';
import { coalesced, within } from './wait.ts';

export type { UpstreamConnectionOptions } from './connection-options.ts';

/** A connection that stayed up this long resets the backoff; shorter ones are a crash loop. */
const STABLE_AFTER_MS = 10_000;

export class UpstreamConnection {
  private readonly log: Logger;
  private readonly health: ConnectionStatus;
  private current?: Live;
  private connecting?: Promise<void>;
  private reconnectTimer?: NodeJS.Timeout;
  /** Bumped whenever the current client is abandoned, so late events from it are ignored. */
  private generation = 0;
  /** The era verdict of the last successful connect: reconnects skip the probe. */
  private prior?: PriorDiscovery;
  private cat: Catalog = emptyCatalog();
  private readonly calls: CallRouter;
  private readonly resources = new ResourceSubscriptions();
  /** Each session's and person's own connections; absent on a dedicated connection (they do not nest). */
  private readonly ownConnections?: DedicatedConnections;
  /** The client of a connect attempt still under way (stop() must not leave it behind). */
  private attempting?: Live;
  private stopping?: Promise<void>;
  private readonly backoff;
  /**
   * Open from a failed connect or a lost connection until the next successful connect:
   * calls fail at once meanwhile instead of each waiting on a reconnect that may hang as
   * the last one did (issue 20, #3). The reconnects go on in the background (backoff).
   */
  private circuitOpen = false;
  /** Teardowns under way (a child may take seconds to end): stop() waits for them too. */
  private readonly closing = new Set<Promise<void>>();

  constructor(
    readonly spec: UpstreamSpec,
    private readonly options: UpstreamConnectionOptions = {},
  ) {
    this.log = options.logger ?? noopLogger;
    this.health = new ConnectionStatus(spec.name, () => this.options.onStatus?.(this.status()));
    this.backoff = createBackoff(options.backoff);
    this.calls = new CallRouter(options.dedicated !== undefined);
    this.prior = options.dedicated?.prior;
    if (!options.dedicated) {
      this.ownConnections = new DedicatedConnections({ spec, options, logger: this.log, create: (onLost, dedicatedSpec) => this.dedicatedConnection(onLost, dedicatedSpec) });
    }
  }

  /** Same spec and client settings; none of this one's callbacks (catalog, notifications, status). */
  private dedicatedConnection(onLost: () => void, spec: UpstreamSpec): UpstreamConnection {
    const { onCatalogChanged, onNotification, onStatus, ...shared } = this.options;
    return new UpstreamConnection(spec, {
      ...shared,
      // a dead one fails its calls and is dropped (onLost); health pings would only add traffic
      healthIntervalMs: 0,
      dedicated: { prior: this.prior },
      onStatus: (status) => status.state === 'failing' && onLost(),
    });
  }

  status(): UpstreamStatus {
    return this.health.snapshot({
      inFlight: this.calls.size,
      isolatedSessions: this.ownConnections?.sessions ?? 0,
      personalConnections: this.ownConnections?.people ?? 0,
      tools: this.cat.tools.length,
      resources: this.cat.resources.length,
      prompts: this.cat.prompts.length,
    });
  }

  catalog(): Catalog {
    return this.cat;
  }

  /** The state alone: status() builds a whole object (and a date string) on every call. */
  get connected(): boolean {
    return this.health.connected;
  }

  /** Failed since it last served (see circuitOpen): callers should not wait on its reconnects. */
  get failing(): boolean {
    return this.circuitOpen;
  }

  /** Connects if needed; concurrent callers share one attempt. Fails fast while backing off. */
  ensureConnected(): Promise<void> {
    if (!this.spec.enabled) return Promise.reject(unavailable(`upstream ${this.spec.name} is disabled`));
    if (this.stopping) return Promise.reject(unavailable(`upstream ${this.spec.name} is stopped`));
    if (this.spec.awaitingCredential) {
      return Promise.reject(unavailable(`upstream ${this.spec.name} lists its tools once a service credential is set or a person connects`));
    }
    if (this.current && this.health.connected) return Promise.resolve();
    if (this.connecting) return this.connecting;
    if (this.reconnectTimer) return Promise.reject(this.health.unavailable());
    return this.connect();
  }

  /** Connects now (connectAtBoot). Never rejects: failures land in status() and retry with backoff. */
  async start(): Promise<void> {
    if (!this.spec.enabled) return;
    await this.ensureConnected().catch(() => {});
  }

  /** Stops for good; with `graceMs`, in-flight requests get that long to settle first. */
  stop(graceMs = 0): Promise<void> {
    this.stopping ??= (async () => {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = undefined;
      this.generation += 1;
      // their calls drain alongside ours
      const isolated = this.ownConnections?.stopAll(graceMs);
      const deadline = Date.now() + graceMs;
      while (this.calls.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const live = this.current;
      this.current = undefined;
      this.calls.rejectAll(unavailable(`upstream ${this.spec.name} was stopped`));
      await Promise.all([live, this.attempting].map((it) => it && this.teardown(it)));
      // also those of connections lost just before: no process of ours outlives stop()
      await Promise.all([...this.closing]);
      await isolated;
      this.health.set('stopped');
    })();
    return this.stopping;
  }

  /** A downstream session ended: its dedicated connection, if it has one, stops. */
  releaseSession(key: string): Promise<void> {
    return this.ownConnections?.releaseSession(key) ?? Promise.resolve();
  }

  /** A person's credential was withdrawn or changed: their own connection stops now. */
  releaseCredential(key: string): Promise<void> {
    return this.ownConnections?.releaseCredential(key) ?? Promise.resolve();
  }

  /** A call carrying the person's credential: on their own connection (DedicatedConnections.forPerson). */
  private personalRequest(method: string, params: Record<string, unknown> | undefined, options: ForwardOptions) {
    if (!this.ownConnections) throw unavailable(`upstream ${this.spec.name}: a personal connection cannot have personal connections`);
    if (!this.spec.enabled) throw unavailable(`upstream ${this.spec.name} is disabled`);
    return this.ownConnections.forPerson(method, params, options);
  }

  /** Forwards one request (any method) on behalf of one downstream client. */
  async request(
    method: string,
    params: Record<string, unknown> | undefined,
    options: ForwardOptions = {},
  ): Promise<Record<string, unknown>> {
    if (options.signal?.aborted) throw toUpstreamError(options.signal.reason, true);
    if (options.credential) return this.personalRequest(method, params, options);
    if (this.spec.perPerson && !this.options.dedicated) {
      throw new UpstreamError('upstream_error', `upstream ${this.spec.name} acts as each person: ${method} cannot be sent to it without your credential`, -32600);
    }
    const deadline = Date.now() + (options.timeoutMs ?? this.spec.timeoutMs);
    if (!(this.current && this.health.connected)) {
      if (this.circuitOpen) throw this.health.unavailable();
      await within(this.ensureConnected(), options.signal, deadline - Date.now(), `connecting to ${this.spec.name}`);
    }
    const live = this.current;
    if (!live) throw this.health.unavailable();
    if (method === 'resources/subscribe' || method === 'resources/unsubscribe') return this.subscription(live, method, params);
    if (options.isolationKey !== undefined && asksUnattributed(this.spec, live.client.getProtocolEra(), method, options)) {
      const own = this.ownConnections?.forSession(options.isolationKey, method, params, {
        ...options,
        isolationKey: undefined,
        timeoutMs: Math.max(1, deadline - Date.now()),
      });
      if (own) return own;
    }
    try {
      return await this.calls.send(live, method, params, { ...options, timeoutMs: Math.max(1, deadline - Date.now()) });
    } catch (error) {
      if (!(error instanceof SessionExpiredError)) throw error;
      // The upstream forgot our session (it restarted, or expired it): the request was never
      // processed, so it goes again once on a new session.
      await within(this.renew(live), options.signal, deadline - Date.now(), `reconnecting to ${this.spec.name}`);
      const next = this.current;
      if (!next) throw this.health.unavailable();
      try {
        return await this.calls.send(next, method, params, { ...options, timeoutMs: Math.max(1, deadline - Date.now()) });
      } catch (again) {
        // once only: an upstream that refuses a session it just made will not change its mind
        if (!(again instanceof SessionExpiredError)) throw again;
        const { status, detail } = again;
        throw unavailable(`upstream ${this.spec.name} rejected a new session too: HTTP ${status}${detail ? ` (${detail})` : ''}`);
      }
    }
  }

  /** Replaces `live`, whose session the upstream no longer knows, at once (no backoff: nothing crashed). */
  private renew(live: Live): Promise<void> {
    if (live === this.current && !this.stopping) {
      this.log.info({ upstream: this.spec.id }, 'upstream session expired; initializing a new one');
      this.generation += 1;
      this.current = undefined;
      // calls still running on the old session fail rather than retry: they may have been processed
      void this.teardown(live);
    }
    return this.ensureConnected();
  }

  /** Resource subscriptions are the connection's (resource-subscriptions.ts). */
  private subscription(live: Live, method: string, params: Record<string, unknown> | undefined) {
    return this.resources.change(
      {
        modern: live.client.getProtocolEra() === 'modern',
        send: this.ownRequests(live),
        relisten: async () => {
          const previous = live.subscription;
          await this.subscribeToListChanges(live);
          if (previous && previous !== live.subscription) await previous.close().catch(() => {});
        },
      },
      method,
      params,
    );
  }

  /** Requests the connection makes for itself (catalog, subscriptions): no caller, the upstream's timeout. */
  private ownRequests(live: Live) {
    return (method: string, params: Record<string, unknown> | undefined) => this.calls.send(live, method, params, { timeoutMs: this.spec.timeoutMs });
  }

  /** Re-lists everything now (also runs by itself on the upstream's list_changed). */
  readonly refreshCatalog: () => Promise<Catalog> = coalesced(async () => {
    await this.ensureConnected();
    const live = this.current;
    if (!live) throw this.health.unavailable();
    const catalog = await this.fetchCatalog(live);
    if (live === this.current) this.applyCatalog(catalog);
    return this.cat;
  });

  private connect(): Promise<void> {
    this.connecting ??= this.attempt().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async attempt(): Promise<void> {
    const gen = ++this.generation;
    const started = Date.now();
    this.health.set('starting');
    const events = this.eventsOf(() => live);
    const live = createLive(gen, this.spec, this.options, this.log, this.calls, events);
    this.attempting = live;
    try {
      await connectLive(live, this.options, this.prior);
      if (gen !== this.generation) throw unavailable('connection attempt superseded');
      this.current = live;
      const negotiated = settleLive(live, this.spec, this.options, events);
      this.health.protocolVersion = negotiated.protocolVersion;
      this.prior = negotiated.prior;
      const era = live.client.getProtocolEra();
      if (era === 'modern') await this.subscribeToListChanges(live);
      else this.resources.renew(this.ownRequests(live), (uri, err) => this.log.warn({ upstream: this.spec.id, uri, err: describeError(err) }, 'could not renew a resource subscription'));
      if (!this.options.dedicated) {
        const catalog = await this.fetchCatalog(live);
        if (gen !== this.generation) throw unavailable('connection attempt superseded');
        this.applyCatalog(catalog);
      }
      live.connectedAt = Date.now();
      startLiveHealth(live, this.spec, this.options, this.log, (reason) => this.lost(live, reason));
      this.log.info(
        { upstream: this.spec.id, protocolVersion: this.health.protocolVersion, ms: Date.now() - started },
        'upstream connected',
      );
      this.circuitOpen = false;
      this.health.set('connected');
    } catch (error) {
      // the upstream refused us: re-probe next time in case it changed era (a stale legacy
      // verdict would succeed silently forever, a stale modern one fails loudly like this)
      if (mayBeStaleVerdict(error)) this.prior = undefined;
      if (gen === this.generation) this.lost(live, `connect failed: ${describeError(error)}`);
      else void this.teardown(live);
      throw this.health.unavailable();
    } finally {
      if (this.attempting === live) this.attempting = undefined;
    }
  }

  /** How one attempt reaches this connection (`live` is read late: the attempt is made with its events). */
  private eventsOf(live: () => Live): LiveEvents {
    return {
      isCurrent: () => live() === this.current,
      closed: () => this.lost(live(), 'connection closed'),
      // a dedicated connection's catalog is the shared one's business
      listChanged: () => {
        if (!this.options.dedicated) this.refreshInBackground();
      },
      notification: (method, params) => this.options.onNotification?.(method, params),
    };
  }

  /** The upstream said a list changed: re-list (failures are logged; the old catalog stays). */
  private refreshInBackground(): void {
    this.refreshCatalog().catch((error: unknown) =>
      this.log.warn({ upstream: this.spec.id, err: describeError(error) }, 'catalog refresh failed'),
    );
  }

  private subscribeToListChanges(live: Live): Promise<void> {
    // a stream that ends while we still want it means we may miss changes: start over
    return listenOnLive(live, this.spec, this.options, this.log, this.resources.current, (how) =>
      this.lost(live, `change subscription ended (${how})`),
    );
  }

  private fetchCatalog(live: Live): Promise<Catalog> {
    return fetchLiveCatalog(live, this.ownRequests(live), this.log);
  }

  private applyCatalog(catalog: Catalog): void {
    if (sameCatalog(this.cat, catalog)) return;
    this.cat = catalog;
    this.options.onCatalogChanged?.(catalog);
    this.options.onStatus?.(this.status());
  }

  /** The current client died (or never came up): fail its requests, then retry later. */
  private lost(live: Live, reason: string): void {
    if (live.gen !== this.generation || this.stopping) return;
    this.generation += 1;
    this.circuitOpen = true;
    if (this.current === live) this.current = undefined;
    if (live.connectedAt !== undefined && Date.now() - live.connectedAt > STABLE_AFTER_MS) this.backoff.reset();
    const stderr = live.handle.stderrTail();
    if (stderr) this.log.warn({ upstream: this.spec.id, stderr }, 'upstream stderr before failure');
    const tail = stderr.split('\n').slice(-3).join(' | ');
    this.health.lastError = tail ? `${reason}; stderr: ${tail}` : reason;
    this.log.warn({ upstream: this.spec.id, err: this.health.lastError }, 'upstream unavailable');
    this.calls.rejectAll(this.health.unavailable());
    void this.teardown(live);
    this.health.set('failing');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.reconnectTimer) return;
    const delay = this.backoff.next();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.health.restarts += 1;
      this.connect().catch(() => {});
    }, delay);
    this.reconnectTimer.unref();
  }

  private teardown(live: Live): Promise<void> {
    const closing = closeLive(live, this.spec.name).finally(() => this.closing.delete(closing));
    this.closing.add(closing);
    return closing;
  }
}
