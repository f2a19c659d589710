import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  classifyInboundRequest,
  createMcpHandler,
  isInitializeRequest,
  type McpHttpHandler,
  type Server,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { VirtualServerRouter, type Visibility } from '@switchboard/core/federation/router';
import type { RoutingTable } from '@switchboard/core/federation/routing-table';
import type { CallerContext, CallHandler } from '../pipeline/call.ts';
import { createCallPipeline } from '../pipeline/pipeline.ts';
import { createGatewayServer } from './gateway-server.ts';
import { serveLegacyLean } from './lean/legacy-call.ts';
import { serveModernLean } from './lean/modern-call.ts';
import { ALL_LISTS, announceChanges, type ListChanges, notifyAccessChanges, tableChanges } from './list-changes.ts';
import type { LogLevel } from './logging.ts';
import type { McpPost } from './mcp-post.ts';
import { type Principal, principalOf, toAuthInfo } from './principal.ts';
import { SseServerTransport } from './sse-server-transport.ts';
import { rpcErrorResponse } from './errors.ts';
import type { RuntimeOptions } from './runtime-options.ts';

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
} & ({ kind: 'streamable'; transport: WebStandardStreamableHTTPServerTransport } | { kind: 'sse'; transport: SseServerTransport });

const sessionNotFound = () => rpcErrorResponse(404, -32001, 'Session not found');
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

  constructor(private readonly options: RuntimeOptions) {
    this.router = new VirtualServerRouter(options.directory, options.table);
    this.call = createCallPipeline({
      virtualServerId: options.id,
      router: () => this.router,
      logger: options.logger,
      prepare: options.prepare,
      inFlight: options.inFlight,
      audit: options.audit,
      credentials: options.credentials,
    });
    this.serverInfo = { name: `switchboard/${options.name}`, version: options.version };
    this.modern = createMcpHandler((ctx) => this.newServer(this.callerOf(principalOf(ctx.authInfo))), { legacy: 'reject' });
    // Sweep at half the idle limit (at most every minute): a session outlives it by < 50 %.
    const sweepMs = Math.min(60_000, Math.max(10, this.idleMs / 2));
    this.sweeper = setInterval(() => this.closeIdleSessions(), sweepMs);
    this.sweeper.unref();
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

  /**
   * A request to `/mcp`, admitted and read by the entry: a hot `tools/call` on the lean
   * adapter of its era, everything else on the SDK's (built from the same body).
   */
  async serve(post: McpPost, principal: Principal, res: ServerResponse, request: () => Request): Promise<Served> {
    const sessionId = post.header('mcp-session-id');
    if (sessionId) {
      const session = this.ownedSession(sessionId, 'streamable', principal);
      if (!session) return sessionNotFound();
      if (post.method === 'POST' && this.lean && (await serveLegacyLean(post, res, session, this.call))) return 'answered';
      return session.transport.handleRequest(request(), { authInfo: toAuthInfo(principal), parsedBody: post.parsed });
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
    return session as LegacySession & { kind: K };
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
    const basis = this.sessionBasis(principal, clientAddress);
    const { server } = basis;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.remember({ ...basis, id, kind: 'streamable', transport, lastSeen: Date.now() });
      },
      onsessionclosed: (id) => this.forget(id),
    });
    server.onclose = () => {
      if (transport.sessionId) this.forget(transport.sessionId);
    };
    await server.connect(transport);
    return transport.handleRequest(request, { parsedBody: body, authInfo: toAuthInfo(principal) });
  }

  /** A session ended (DELETE, its stream or transport closed, idle sweep, runtime closed). */
  private forget(id: string) {
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
    this.remember({ ...basis, id, kind: 'sse', transport });
    server.onclose = () => this.forget(id);
    await server.connect(transport);
    return transport.response;
  }

  /** POST `/messages?sessionId=…`: a message for an SSE session of the same principal. */
  postSse(body: { contentType: string | null; parsed: unknown }, sessionId: string, principal: Principal): Response {
    const session = this.ownedSession(sessionId, 'sse', principal);
    if (!session) return sessionNotFound();
    return session.transport.handlePost(body, toAuthInfo(principal));
  }

  private closeIdleSessions() {
    const cutoff = Date.now() - this.idleMs;
    for (const session of this.sessions.values()) if (session.lastSeen < cutoff) void session.server.close();
  }

  /** Swaps in a new routing table and tells connected clients what changed. */
  updateTable(table: RoutingTable) {
    const change = tableChanges(this.router.routingTable, table);
    this.router.replaceTable(table);
    for (const session of this.sessions.values()) announceChanges(session.server, change);
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
    notifyAccessChanges(this.router, [...this.sessions.values()], before, after);
    this.announceToListeners(ALL_LISTS);
  }

  /** Ends every session of the principals `predicate` selects (a disabled or deleted user). */
  closeSessionsOf(predicate: (principal: Principal) => boolean) {
    for (const session of this.sessions.values()) if (predicate(session.principal)) void session.server.close();
  }

  /** An upstream said a resource changed: tell the sessions subscribed to it. */
  resourceUpdated(uri: string) {
    for (const session of this.sessions.values()) {
      if (session.subscriptions.has(uri)) void session.server.sendResourceUpdated({ uri }).catch(() => {});
    }
    this.modern.notify.resourceUpdated(uri);
  }

  async close() {
    clearInterval(this.sweeper);
    await this.modern.close();
    await Promise.allSettled([...this.sessions.values()].map((s) => s.server.close()));
    for (const id of [...this.sessions.keys()]) this.forget(id);
  }
}
