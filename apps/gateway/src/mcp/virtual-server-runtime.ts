import { clientResourceUri } from '@switchboard/core/federation/routing-table';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  classifyInboundRequest,
  createMcpHandler,
  isInitializeRequest,
  isJsonContentType,
  type McpHttpHandler,
  type Server,
} from '@modelcontextprotocol/server';
import { VirtualServerRouter, type Visibility } from '@switchboard/core/federation/router';
import type { RoutingTable } from '@switchboard/core/federation/routing-table';
import type { CallerContext, CallHandler } from '../pipeline/call.ts';
import { createCallPipeline } from '../pipeline/pipeline.ts';
import { createGatewayServer } from './gateway-server.ts';
import { serveLegacyLean } from './lean/legacy-call.ts';
import { serveModernLean } from './lean/modern-call.ts';
import { ALL_LISTS, announceChanges, type ListChanges, mergeChanges, notifyAccessChanges, tableChanges } from './list-changes.ts';
import type { LogLevel } from './logging.ts';
import type { McpPost } from './mcp-post.ts';
import { type Principal, principalOf, toAuthInfo } from './principal.ts';
import { SseServerTransport } from './sse-server-transport.ts';
import { rpcErrorResponse } from './errors.ts';
import type { RuntimeOptions } from './runtime-options.ts';
import { parseRequestEventId } from './sessions/pg-event-store.ts';
import type { RoutedTransport } from './sessions/routed-transport.ts';
import { SessionCluster } from './sessions/session-cluster.ts';
import type { RelayMessage } from './sessions/session-relay.ts';
import type { SessionRecord } from './sessions/session-store.ts';
import { replayInitialize, streamableTransport } from './sessions/streamable-copy.ts';

/** A 2025-era session: Streamable HTTP (`/mcp`) or the old HTTP+SSE transport (`/sse`). */
type LegacySession = {
  id: string;
  /** Whose share of the session cap it counts against (see capProblem). */
  quotaKey: string;
  server: Server;
  principal: Principal;
  caller: CallerContext;
  subscriptions: Set<string>;
  state: { logLevel?: LogLevel };
  leanCalls: Map<string | number, AbortController>;
  lastSeen: number;
  /** Lists that changed while this replica held no stream of the session: told when one opens here. */
  missed?: ListChanges;
} & ({ kind: 'streamable'; transport: RoutedTransport } | { kind: 'sse'; transport: SseServerTransport });

const sessionNotFound = () => rpcErrorResponse(404, -32001, 'Session not found');
const storeUnavailable = () => rpcErrorResponse(503, -32000, 'Sessions cannot be opened right now (the database is unavailable); try again shortly', { 'Retry-After': '2' });
/** Session ids known not to exist (bounded): a client repeating a dead id costs one database read, not one per request. */
const MAX_UNKNOWN = 10_000;
const tooManySessions = () =>
  rpcErrorResponse(503, -32000, 'Too many open sessions on this virtual server; try again later', { 'Retry-After': '5' });
const tooManyOfYours = (limit: number) =>
  rpcErrorResponse(429, -32000, `You have ${limit} open sessions on this virtual server, the most one caller may hold; end some (DELETE) or let idle ones expire`, {
    'Retry-After': '30',
  });

/** A caller's share of the session cap: their identity, or for anonymous callers their address. */
const quotaKeyOf = (principal: Principal, clientAddress: string) => (principal.kind === 'anonymous' ? `address:${clientAddress}` : principal.key);

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
  private readonly sessions = new Map<string, LegacySession>();
  /** Open sessions per caller (quota key), for the per-caller cap. */
  private readonly perCaller = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;
  /** Who answers, as 2026-07-28 results name it in `_meta` (the SDK path's Server says the same). */
  private readonly serverInfo: { name: string; version: string };
  /** Sessions shared with the other replicas: their rows, the relay, the standalone streams held here. */
  private readonly cluster: SessionCluster;
  /** Sessions being restored from their rows (one read per session, however many requests wait). */
  private readonly loading = new Map<string, Promise<LegacySession | Response | undefined>>();
  private readonly unknown = new Set<string>();
  /** HTTP+SSE sessions whose stream another replica holds (their rows, read once). */
  private readonly remoteSse = new Map<string, SessionRecord>();
  private readonly stopRelay: () => void;
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
    // Sweep at half the idle limit (at most every minute): a session outlives it by < 50 %.
    const sweepMs = Math.min(60_000, Math.max(10, this.idleMs / 2));
    this.sweeper = setInterval(() => this.closeIdleSessions(), sweepMs);
    this.sweeper.unref();
    this.cluster = options.sessions ?? new SessionCluster({ logger: options.logger, idleMs: this.idleMs });
    this.stopRelay = this.cluster.onRelay((message) => this.relayed(message));
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

  private newServer(caller: CallerContext, session?: { subscriptions: Set<string>; state: { logLevel?: LogLevel } }): Server {
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

  private get lean() {
    return this.options.lean !== false;
  }

  private get idleMs() {
    return this.options.sessionIdleMs ?? 30 * 60_000;
  }

  get sessionCount() {
    return this.sessions.size;
  }

  /** Open sessions by transport (Streamable HTTP, HTTP+SSE), for the sessions gauge at scrape time. */
  sessionsByTransport(): { streamable: number; sse: number } {
    let sse = 0;
    for (const session of this.sessions.values()) if (session.kind === 'sse') sse += 1;
    return { streamable: this.sessions.size - sse, sse };
  }

  /**
   * A request to `/mcp`, admitted and read by the entry: a hot `tools/call` on the lean
   * adapter of its era, everything else on the SDK's (built from the same body).
   */
  async serve(post: McpPost, principal: Principal, res: ServerResponse, request: () => Request): Promise<Served> {
    const sessionId = post.header('mcp-session-id');
    if (sessionId) {
      const session = this.ownedSession(sessionId, 'streamable', principal) ?? (await this.restore(sessionId, 'streamable', principal));
      if (session instanceof Response) return session;
      if (!session) return sessionNotFound();
      if (post.method === 'POST' && this.lean && (await serveLegacyLean(post, res, session, this.call))) return 'answered';
      if (post.method === 'GET') return this.openStream(session, post, request);
      return session.transport.inner.handleRequest(request(), { authInfo: toAuthInfo(principal), parsedBody: post.parsed });
    }
    if (post.method !== 'POST') return rpcErrorResponse(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    if (post.parsed === undefined) return this.modern.fetch(request(), { authInfo: toAuthInfo(principal) });
    const route = classifyInboundRequest({
      httpMethod: 'POST',
      protocolVersionHeader: post.header('mcp-protocol-version') ?? undefined,
      mcpMethodHeader: post.header('mcp-method') ?? undefined,
      mcpNameHeader: post.header('mcp-name') ?? undefined,
      body: post.parsed,
    });
    if (route.kind !== 'legacy') {
      if (route.kind === 'modern' && this.lean && (await serveModernLean(post, res, this.callerOf(principal), this.call, this.serverInfo))) return 'answered';
      // the SDK's strict handler owns every other 2026-07-28 answer, its refusals included
      return this.modern.fetch(request(), { authInfo: toAuthInfo(principal), parsedBody: post.parsed });
    }
    if (!isInitializeRequest(post.parsed)) return rpcErrorResponse(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    const refused = this.capProblem(principal, post.clientAddress);
    if (refused) return refused;
    return this.openSession(request(), post.parsed, principal, post.clientAddress);
  }

  /**
   * The session `id` names, if it is of that transport and `principal` opened it — marked
   * as seen. A session id is not a credential: presented by anyone else, it does not exist.
   */
  private ownedSession<K extends LegacySession['kind']>(id: string, kind: K, principal: Principal) {
    const session = this.sessions.get(id);
    if (session?.kind !== kind || session.principal.key !== principal.key) return undefined;
    session.lastSeen = Date.now();
    this.cluster.store?.touch(id);
    return session as LegacySession & { kind: K };
  }

  /**
   * A streamable session opened on another replica (or before this one restarted): read
   * once from its row, bound to the same principal, and rebuilt here as a copy.
   */
  private async restore(id: string, kind: 'streamable', principal: Principal): Promise<(LegacySession & { kind: 'streamable' }) | Response | undefined> {
    if (this.sessions.has(id) || !this.cluster.store || this.unknown.has(id)) return undefined;
    let loading = this.loading.get(id);
    if (!loading) {
      loading = this.rebuild(id).finally(() => this.loading.delete(id));
      this.loading.set(id, loading);
    }
    const session = await loading;
    if (!session || session instanceof Response) return session;
    return this.ownedSession(id, kind, principal);
  }

  private async rebuild(id: string): Promise<LegacySession | Response | undefined> {
    let record: SessionRecord | undefined;
    try {
      record = await this.cluster.store!.load(id);
    } catch {
      return storeUnavailable();
    }
    if (!record || record.virtualServerId !== this.options.id || record.transport !== 'streamable') {
      if (this.unknown.size >= MAX_UNKNOWN) this.unknown.clear();
      this.unknown.add(id);
      return undefined;
    }
    if (this.sessions.size >= (this.options.maxSessions ?? 10_000)) return tooManySessions();
    const basis = this.sessionBasis(record.principal, '');
    if (record.logLevel) basis.state.logLevel = record.logLevel as LogLevel;
    const transport = this.newTransport(id);
    const session: LegacySession = { ...basis, id, kind: 'streamable', transport };
    basis.server.onclose = () => this.forget(id);
    await basis.server.connect(transport);
    await replayInitialize(transport, record.initialize, toAuthInfo(record.principal));
    this.remember(session);
    return session;
  }

  private newTransport(id: string): RoutedTransport {
    return streamableTransport({ id, cluster: this.cluster, onDeleted: (sessionId) => this.forget(sessionId, true) });
  }

  /**
   * GET on a session: its standalone stream, held here (events from every replica reach
   * it), or — with the `Last-Event-ID` of a request's stream — the SDK's replay of that.
   */
  private async openStream(session: LegacySession & { kind: 'streamable' }, post: McpPost, request: () => Request): Promise<Response> {
    const last = post.header('last-event-id');
    if (last && parseRequestEventId(last)) return session.transport.inner.handleRequest(request(), { authInfo: toAuthInfo(session.principal) });
    if (!(post.header('accept') ?? '').includes('text/event-stream')) return rpcErrorResponse(406, -32000, 'Not Acceptable: Client must accept text/event-stream');
    const lastId = last && /^\d+$/.test(last) ? Number(last) : undefined;
    const stream = await this.cluster.streams.connect(session.id, lastId, (post.header('mcp-protocol-version') ?? '') >= '2025-11-25');
    if (stream.status !== 200) return stream;
    // Lists may have changed while no replica held the stream (only the holder announces):
    // a resumed stream is told to list again, a new one what changed since the session
    // began here — nothing it should know is lost.
    const missed = lastId !== undefined ? ALL_LISTS : session.missed;
    session.missed = undefined;
    if (missed) announceChanges(session.server, missed);
    return stream;
  }

  /** What every 2025-era session starts with, whatever its transport: its caller and its own Server. */
  private sessionBasis(principal: Principal, clientAddress: string) {
    const quotaKey = quotaKeyOf(principal, clientAddress);
    const subscriptions = new Set<string>();
    const state: { logLevel?: LogLevel } = {};
    const caller = this.callerOf(principal);
    const server = this.newServer(caller, { subscriptions, state });
    return { server, principal, quotaKey, caller, subscriptions, state, leanCalls: new Map<string | number, AbortController>(), lastSeen: Date.now() };
  }

  private remember(session: LegacySession) {
    this.sessions.set(session.id, session);
    this.perCaller.set(session.quotaKey, (this.perCaller.get(session.quotaKey) ?? 0) + 1);
  }

  private async openSession(request: Request, body: unknown, principal: Principal, clientAddress: string): Promise<Response> {
    const id = randomUUID();
    // Stored before the client learns the id: its next request may land on any replica.
    const stored = await this.record(id, 'streamable', principal, body, null);
    if (!stored) return storeUnavailable();
    const basis = this.sessionBasis(principal, clientAddress);
    const transport = this.newTransport(id);
    this.remember({ ...basis, id, kind: 'streamable', transport });
    basis.server.onclose = () => this.forget(id);
    await basis.server.connect(transport);
    const answer = await transport.inner.handleRequest(request, { parsedBody: body, authInfo: toAuthInfo(principal) });
    // the SDK refused the initialize: no session was opened after all
    if (answer.status !== 200) this.forget(id, true);
    return answer;
  }

  /** Writes a new session's row (true when stored, or when there is no shared store). */
  private async record(id: string, transport: 'streamable' | 'sse', principal: Principal, body: unknown, streamReplica: string | null) {
    const initialize = ((body as { params?: Record<string, unknown> } | undefined)?.params ?? {}) as Record<string, unknown>;
    try {
      await this.cluster.store?.insert({ id, virtualServerId: this.options.id, transport, principal, initialize, logLevel: null, streamReplica });
      return true;
    } catch (err) {
      this.options.logger.warn({ err: { message: (err as Error).message } }, 'could not store a new MCP session');
      return false;
    }
  }

  /**
   * This replica's copy of a session is gone (its transport or stream closed, idle sweep,
   * runtime closed); `ended`: the session itself ended (DELETE, its user disabled, its
   * HTTP+SSE stream closed), so its row goes and every replica drops its copy.
   */
  private forget(id: string, ended = false) {
    if (ended) {
      this.cluster.store?.remove(id).catch(() => {});
      this.cluster.publish({ k: 'end', s: id });
      this.cluster.streams.end(id);
    }
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    const left = (this.perCaller.get(session.quotaKey) ?? 1) - 1;
    if (left > 0) this.perCaller.set(session.quotaKey, left);
    else this.perCaller.delete(session.quotaKey);
    // upstream connections dedicated to it (isolationKey) stop with it
    this.options.directory.releaseSession?.(id);
  }

  /**
   * Why a new session is refused, if it is: this server holds its cap (503), or this
   * caller its share (429), so one client cannot take every session from the others.
   */
  private capProblem(principal: Principal, clientAddress: string): Response | undefined {
    if (this.sessions.size >= (this.options.maxSessions ?? 10_000)) return tooManySessions();
    const perCaller = this.options.maxSessionsPerCaller ?? 200;
    if ((this.perCaller.get(quotaKeyOf(principal, clientAddress)) ?? 0) >= perCaller) return tooManyOfYours(perCaller);
    return undefined;
  }

  /**
   * GET `/sse` (HTTP+SSE, protocol 2024-11-05): opens a legacy session whose event stream
   * is the response; its first event names `messagesPath?sessionId=…` for the POSTs.
   * The session ends when the stream does (client gone, idle sweep, runtime closed).
   */
  async openSse(principal: Principal, messagesPath: string, clientAddress: string): Promise<Response> {
    const refused = this.capProblem(principal, clientAddress);
    if (refused) return refused;
    const basis = this.sessionBasis(principal, clientAddress);
    const { server } = basis;
    const transport = new SseServerTransport({ messagesPath, keepAliveMs: this.options.sseKeepAliveMs });
    const id = transport.sessionId;
    if (!(await this.record(id, 'sse', principal, undefined, this.cluster.replica))) return storeUnavailable();
    this.remember({ ...basis, id, kind: 'sse', transport });
    // an HTTP+SSE session lives as long as its one stream
    server.onclose = () => this.forget(id, true);
    await server.connect(transport);
    return transport.response;
  }

  /** POST `/messages?sessionId=…`: a message for an SSE session of the same principal. */
  async postSse(body: { contentType: string | null; parsed: unknown }, sessionId: string, principal: Principal): Promise<Response> {
    const session = this.ownedSession(sessionId, 'sse', principal);
    if (session) return session.transport.handlePost(body, toAuthInfo(principal));
    return this.relaySse(body, sessionId, principal);
  }

  /**
   * POST `/messages` for an HTTP+SSE session whose stream another replica holds: checked
   * against the session's row (read once), then relayed there; the answers travel on it.
   */
  private async relaySse(body: { contentType: string | null; parsed: unknown }, sessionId: string, principal: Principal): Promise<Response> {
    const { store, relay } = this.cluster;
    if (!store || !relay || this.unknown.has(sessionId)) return sessionNotFound();
    let record = this.remoteSse.get(sessionId);
    if (!record) {
      try {
        record = await store.load(sessionId);
      } catch {
        return storeUnavailable();
      }
      if (record?.transport !== 'sse' || record.virtualServerId !== this.options.id || !record.streamReplica) {
        if (this.unknown.size >= MAX_UNKNOWN) this.unknown.clear();
        this.unknown.add(sessionId);
        return sessionNotFound();
      }
      if (this.remoteSse.size >= MAX_UNKNOWN) this.remoteSse.clear();
      this.remoteSse.set(sessionId, record);
    }
    if (record.principal.key !== principal.key) return sessionNotFound();
    if (!isJsonContentType(body.contentType)) return rpcErrorResponse(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    if (body.parsed === undefined) return rpcErrorResponse(400, -32700, 'Parse error: the body is not valid JSON');
    const sent = await relay.publish({ k: 'sse', to: record.streamReplica!, s: sessionId, m: body.parsed });
    return sent ? new Response(null, { status: 202 }) : storeUnavailable();
  }

  /** What another replica says about a session this one may hold a copy of. */
  private relayed(message: RelayMessage) {
    if (message.k === 'event' || message.k === 'held' || message.k === 'held-reply') return;
    const session = this.sessions.get(message.s);
    if (message.k === 'end') {
      this.remoteSse.delete(message.s);
      if (session) void session.server.close();
      return;
    }
    if (!session) return;
    if (message.k === 'level') session.state.logLevel = message.level as LogLevel;
    else if (message.k === 'answer' && session.kind === 'streamable') session.transport.deliverAnswer(message.m);
    else if (message.k === 'sse' && session.kind === 'sse') session.transport.handlePost({ contentType: 'application/json', parsed: message.m }, toAuthInfo(session.principal));
    else if (message.k === 'cancel') {
      const requestId = (message.m.params as { requestId?: string | number } | undefined)?.requestId;
      if (requestId !== undefined) session.leanCalls.get(requestId)?.abort(new Error('cancelled by the client'));
      if (session.kind === 'streamable') session.transport.deliverCancel(message.m);
    }
  }

  /**
   * Whether this replica tells the session's client of list changes: every replica hears
   * of a change, the one holding the session's stream speaks (HTTP+SSE: its one replica).
   */
  private announces(session: LegacySession): boolean {
    return session.kind === 'sse' || this.cluster.streams.holds(session.id);
  }

  private closeIdleSessions() {
    const cutoff = Date.now() - this.idleMs;
    for (const session of this.sessions.values()) if (session.lastSeen < cutoff) void session.server.close();
  }

  /** Swaps in a new routing table and tells connected clients what changed. */
  updateTable(table: RoutingTable) {
    const change = tableChanges(this.router.routingTable, table);
    this.router.replaceTable(table);
    for (const session of this.sessions.values()) {
      if (this.announces(session)) announceChanges(session.server, change);
      else session.missed = mergeChanges(session.missed, change);
    }
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
    const sessions = [...this.sessions.values()];
    notifyAccessChanges(this.router, sessions.filter((s) => this.announces(s)), before, after);
    // (for a session without a stream here, telling it to list again costs less than comparing its lists)
    for (const session of sessions) if (!this.announces(session)) session.missed = ALL_LISTS;
    this.announceToListeners(ALL_LISTS);
  }

  /** Ends every session of the principals `predicate` selects (a disabled or deleted user). */
  closeSessionsOf(predicate: (principal: Principal) => boolean) {
    for (const session of [...this.sessions.values()]) {
      if (!predicate(session.principal)) continue;
      this.forget(session.id, true);
      void session.server.close();
    }
  }

  /** An upstream said one of its resources changed: tell the sessions subscribed to it (by the URI they know). */
  resourceUpdated(upstreamName: string, upstreamUri: string) {
    const uri = clientResourceUri(this.router.routingTable, upstreamName, upstreamUri);
    for (const session of this.sessions.values()) {
      if (session.subscriptions.has(uri)) void session.server.sendResourceUpdated({ uri }).catch(() => {});
    }
    this.modern.notify.resourceUpdated(uri);
    for (const watcher of this.updateWatchers) watcher(uri);
  }

  async close() {
    clearInterval(this.sweeper);
    this.stopRelay();
    await this.modern.close();
    await Promise.allSettled([...this.sessions.values()].map((s) => s.server.close()));
    for (const id of [...this.sessions.keys()]) this.forget(id);
  }
}
