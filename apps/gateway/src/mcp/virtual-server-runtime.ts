import type { ServerResponse } from 'node:http';
import type { Context } from '@opentelemetry/api';
import { classifyInboundRequest, createMcpHandler, isInitializeRequest, type McpHttpHandler, type Server } from '@modelcontextprotocol/server';
import { VirtualServerRouter, type Visibility } from '@switchboard/core/federation/router';
import { clientResourceUri, type RoutingTable } from '@switchboard/core/federation/routing-table';
import type { CallerContext, CallHandler } from '../pipeline/call.ts';
import { createCallPipeline } from '../pipeline/pipeline.ts';
import { rpcErrorResponse } from './errors.ts';
import { createGatewayServer } from './gateway-server.ts';
import { LegacySessions, type SessionState } from './legacy-sessions.ts';
import { serveModernLean } from './lean/modern-call.ts';
import { ALL_LISTS, type ListChanges, tableChanges } from './list-changes.ts';
import type { McpPost } from './mcp-post.ts';
import { type Principal, principalOf, toAuthInfo } from './principal.ts';
import type { RuntimeOptions } from './runtime-options.ts';
import { SessionCluster } from './sessions/session-cluster.ts';

/** What `serve` did: answered on the Node response itself, or the answer for the entry to write. */
export type Served = Response | 'answered';

/**
 * One virtual server's MCP endpoint. One URL serves both protocol eras: 2026-07-28
 * requests (stateless, per-request envelope) go to the SDK's strict handler; 2025-era
 * traffic (initialize, `Mcp-Session-Id`, GET stream, DELETE) to sessions, each bound to
 * the principal that opened it. Hot `tools/call`s of either era take the lean adapter
 * (mcp/lean/); both adapters call the same pipeline.
 */
export class VirtualServerRuntime {
  readonly router: VirtualServerRouter;
  /** tools/call, resources/read and prompts/get of every caller: see pipeline/pipeline.ts. */
  readonly call: CallHandler;
  private readonly modern: McpHttpHandler;
  /** The 2025-era sessions held here (any replica serves any of them). */
  private readonly legacy: LegacySessions;
  /** Who answers, as 2026-07-28 results name it in `_meta` (the SDK path's Server says the same). */
  private readonly serverInfo: { name: string; version: string };
  /** Sessions shared with the other replicas: their rows, the relay, the standalone streams held here. */
  private readonly cluster: SessionCluster;
  /** Listeners outside any session (the console playground's subscriptions): every update, by the URI clients know. */
  private readonly updateWatchers = new Set<(uri: string) => void>();

  constructor(private readonly options: RuntimeOptions) {
    this.router = new VirtualServerRouter(options.directory, options.table);
    this.call = createCallPipeline({
      virtualServerId: options.id,
      router: () => this.router,
      logger: options.logger,
      prepare: options.prepare,
      inFlight: options.inFlight,
      bridge: options.bridge,
      limiter: options.limiter,
      audit: options.audit,
      metrics: options.metrics,
      tracer: options.tracer,
      credentials: options.credentials,
    });
    this.serverInfo = { name: `switchboard/${options.name}`, version: options.version };
    this.modern = createMcpHandler((ctx) => this.newServer(this.callerOf(principalOf(ctx.authInfo))), { legacy: 'reject' });
    this.cluster = options.sessions ?? new SessionCluster({ logger: options.logger, idleMs: options.sessionIdleMs ?? 30 * 60_000 });
    this.legacy = new LegacySessions({
      options,
      cluster: this.cluster,
      call: this.call,
      callerOf: (principal) => this.callerOf(principal),
      newServer: (caller, session) => this.newServer(caller, session),
    });
  }

  /** Connects the server's lazy upstreams (what the pipeline's route stage does before routing a name). */
  async prepare(): Promise<void> {
    await this.options.prepare?.();
  }

  /** Hears every resource update of this server until the returned function is called. */
  watchResourceUpdates(listener: (uri: string) => void): () => void {
    this.updateWatchers.add(listener);
    return () => this.updateWatchers.delete(listener);
  }

  /** A caller's context on this server: their live visibility, as the registry knows it. */
  callerOf(principal: Principal): CallerContext {
    return this.options.caller(principal);
  }

  private newServer(caller: CallerContext, session?: SessionState): Server {
    return createGatewayServer({
      caller,
      call: this.call,
      sessionState: session?.state,
      ...this.serverInfo,
      router: () => this.router,
      prepare: this.options.prepare,
      onSubscribe: (uri) => session?.subscriptions.add(uri),
      onUnsubscribe: (uri) => session?.subscriptions.delete(uri),
      onLogLevel: (level, sessionId) => {
        if (!sessionId) return;
        this.cluster.store?.setLogLevel(sessionId, level).catch(() => {});
        this.cluster.publish({ k: 'level', s: sessionId, level });
      },
    });
  }

  get sessionCount() {
    return this.legacy.count;
  }

  /** Open sessions by transport (Streamable HTTP, HTTP+SSE), for the sessions gauge at scrape time. */
  sessionsByTransport(): { streamable: number; sse: number } {
    return this.legacy.byTransport();
  }

  /**
   * A request to `/mcp`, admitted and read by the entry: a hot `tools/call` on the lean
   * adapter of its era, everything else on the SDK's (built from the same body).
   */
  async serve(post: McpPost, principal: Principal, res: ServerResponse, request: () => Request): Promise<Served> {
    const sessionId = post.header('mcp-session-id');
    if (sessionId) return this.legacy.serve(sessionId, post, principal, res, request);
    if (post.method !== 'POST') return rpcErrorResponse(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    const authInfo = toAuthInfo(principal, post.trace);
    if (post.parsed === undefined) return this.modern.fetch(request(), { authInfo });
    const route = classifyInboundRequest({
      httpMethod: 'POST',
      protocolVersionHeader: post.header('mcp-protocol-version') ?? undefined,
      mcpMethodHeader: post.header('mcp-method') ?? undefined,
      mcpNameHeader: post.header('mcp-name') ?? undefined,
      body: post.parsed,
    });
    if (route.kind !== 'legacy') {
      const lean = this.options.lean !== false;
      if (route.kind === 'modern' && lean && (await serveModernLean(post, res, this.callerOf(principal), this.call, this.serverInfo))) return 'answered';
      // the SDK's strict handler owns every other 2026-07-28 answer, its refusals included
      return this.modern.fetch(request(), { authInfo, parsedBody: post.parsed });
    }
    if (!isInitializeRequest(post.parsed)) return rpcErrorResponse(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    return this.legacy.open(request(), post.parsed, principal, post.clientAddress);
  }

  /** GET `/sse`: opens an HTTP+SSE (2024-11-05) session (see LegacySessions.openSse). */
  openSse(principal: Principal, messagesPath: string, clientAddress: string): Promise<Response> {
    return this.legacy.openSse(principal, messagesPath, clientAddress);
  }

  /** POST `/messages?sessionId=…`: a message for an HTTP+SSE session of the same principal. */
  postSse(body: { contentType: string | null; parsed: unknown }, sessionId: string, principal: Principal, trace?: Context): Promise<Response> {
    return this.legacy.postSse(body, sessionId, principal, trace);
  }

  /** Swaps in a new routing table and tells connected clients what changed. */
  updateTable(table: RoutingTable) {
    const change = tableChanges(this.router.routingTable, table);
    this.router.replaceTable(table);
    this.legacy.tableChanged(change);
    this.announceToListeners(change);
  }

  /** 2026-07-28 clients listening for changes (`subscriptions/listen`). */
  private announceToListeners(change: ListChanges) {
    if (change.tools) this.modern.notify.toolsChanged();
    if (change.prompts) this.modern.notify.promptsChanged();
    if (change.resources) this.modern.notify.resourcesChanged();
  }

  /**
   * Access rules changed: sessions whose lists differ under `before` and `after` hear
   * list_changed now (their next request already uses the new rules); 2026-07-28
   * listeners are not tied to a caller, so they all hear of it.
   */
  accessChanged(before: (p: Principal) => Visibility, after: (p: Principal) => Visibility) {
    this.legacy.accessChanged(this.router, before, after);
    this.announceToListeners(ALL_LISTS);
  }

  /** Ends every session of the principals `predicate` selects (a disabled or deleted user). */
  closeSessionsOf(predicate: (principal: Principal) => boolean) {
    this.legacy.closeSessionsOf(predicate);
  }

  /** An upstream said one of its resources changed: tell the sessions subscribed to it (by the URI they know). */
  resourceUpdated(upstreamName: string, upstreamUri: string) {
    const uri = clientResourceUri(this.router.routingTable, upstreamName, upstreamUri);
    this.legacy.resourceUpdated(uri);
    this.modern.notify.resourceUpdated(uri);
    for (const watcher of this.updateWatchers) watcher(uri);
  }

  async close() {
    await this.modern.close();
    await this.legacy.close();
  }
}
