import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import {
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
  type McpHttpHandler,
  type Server,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import { VirtualServerRouter, type Visibility } from '@switchboard/core/federation/router';
import type { RoutingTable } from '@switchboard/core/federation/routing-table';
import type { FastPost } from './fast-call.ts';
import { type FastPathOutcome, tryFastToolCall } from './fast-path.ts';
import { isModernToolCall, type ModernFastOutcome, tryModernFastToolCall } from './modern-fast-path.ts';
import { readMcpBody } from './request-body.ts';
import { createGatewayServer } from './gateway-server.ts';
import { ALL_LISTS, announceChanges, type ListChanges, notifyAccessChanges, tableChanges } from './list-changes.ts';
import type { LogLevel } from './logging.ts';
import { type Principal, principalOf, toAuthInfo } from './principal.ts';
import { SseServerTransport } from './sse-server-transport.ts';
import { rpcErrorResponse } from './errors.ts';
import type { Caller, RuntimeOptions } from './runtime-options.ts';

/** A 2025-era session: Streamable HTTP (`/mcp`) or the old HTTP+SSE transport (`/sse`). */
type LegacySession = {
  server: Server;
  principal: Principal;
  caller: Caller;
  subscriptions: Set<string>;
  state: { logLevel?: LogLevel };
  fastCalls: Map<string | number, AbortController>;
  lastSeen: number;
} & ({ kind: 'streamable'; transport: WebStandardStreamableHTTPServerTransport } | { kind: 'sse'; transport: SseServerTransport });

/** A fast path tried: on a 2025-era session (its fallback is that session's transport) or a 2026-07-28 request. */
type FastAttempt =
  | { session: LegacySession & { kind: 'streamable' }; outcome: FastPathOutcome }
  | { session?: undefined; outcome: ModernFastOutcome };

/** The fast paths' view of a request served through Hono (its body read straight from the socket). */
const postOf = (request: Request, outgoing: ServerResponse): FastPost => ({
  header: (name) => request.headers.get(name),
  body: () => readMcpBody(request, undefined, outgoing.req),
});

const sessionNotFound = () => rpcErrorResponse(404, -32001, 'Session not found');
const tooManySessions = () => rpcErrorResponse(503, -32000, 'Too many open sessions on this virtual server; try again later');

/**
 * One virtual server's MCP endpoint. One URL serves both protocol eras: 2026-07-28
 * requests (stateless, per-request envelope) go to the SDK's strict handler; 2025-era
 * traffic (initialize, `Mcp-Session-Id`, GET stream, DELETE) to sessions, each bound to
 * the principal that opened it.
 */
export class VirtualServerRuntime {
  readonly router: VirtualServerRouter;
  private readonly modern: McpHttpHandler;
  private readonly sessions = new Map<string, LegacySession>();
  private readonly sweeper: NodeJS.Timeout;
  /** Who answers, as 2026-07-28 results name it in `_meta` (the SDK path's Server says the same). */
  private readonly serverInfo: { name: string; version: string };

  constructor(private readonly options: RuntimeOptions) {
    this.router = new VirtualServerRouter(options.directory, options.table);
    this.serverInfo = { name: `switchboard/${options.name}`, version: options.version };
    this.modern = createMcpHandler((ctx) => this.newServer(this.callerOf(principalOf(ctx.authInfo))), { legacy: 'reject' });
    // Sweep at half the idle limit (at most every minute): a session outlives it by < 50 %.
    const sweepMs = Math.min(60_000, Math.max(10, this.idleMs / 2));
    this.sweeper = setInterval(() => this.closeIdleSessions(), sweepMs);
    this.sweeper.unref();
  }

  private callerOf(principal: Principal): Caller {
    return this.options.caller?.(principal, this.router) ?? {};
  }

  private newServer(caller: Caller, session?: { subscriptions: Set<string>; state: { logLevel?: LogLevel } }): Server {
    return createGatewayServer({
      visibility: caller.visibility,
      audit: caller.audit,
      sessionState: session?.state,
      ...this.serverInfo,
      router: () => this.router,
      prepare: this.options.prepare,
      onSubscribe: (uri) => session?.subscriptions.add(uri),
      onUnsubscribe: (uri) => session?.subscriptions.delete(uri),
    });
  }

  private get idleMs() {
    return this.options.sessionIdleMs ?? 30 * 60_000;
  }

  get sessionCount() {
    return this.sessions.size;
  }

  /**
   * A POST the fast lane (fast-lane.ts) has read and admitted: true when a fast path
   * answered it; false leaves it to the Hono route, which serves it in full.
   */
  async serveFast(post: FastPost, principal: Principal, outgoing: ServerResponse): Promise<boolean> {
    const attempt = await this.fast(post, 'POST', principal, outgoing);
    return attempt?.outcome.handled === true;
  }

  /** The fast path this request may take (a `tools/call` on an open session, or a 2026-07-28 one), tried. */
  private async fast(post: FastPost, method: string, principal: Principal, outgoing: ServerResponse): Promise<FastAttempt | undefined> {
    const sessionId = post.header('mcp-session-id');
    if (method === 'POST' && sessionId) {
      const session = this.sessions.get(sessionId);
      if (session?.kind !== 'streamable' || session.principal.key !== principal.key) return undefined;
      session.lastSeen = Date.now();
      await this.options.prepare?.();
      const fast = { id: sessionId, server: session.server, state: session.state, calls: session.fastCalls };
      return { session, outcome: await tryFastToolCall(post, outgoing, fast, this.router, session.caller.visibility, session.caller.audit) };
    }
    if (!isModernToolCall(method, post.header)) return undefined;
    await this.options.prepare?.();
    const caller = this.callerOf(principal);
    return { outcome: await tryModernFastToolCall(post, outgoing, this.router, this.serverInfo, caller.visibility, caller.audit) };
  }

  /**
   * @param outgoing the Node response, when serving over a real socket: enables the fast
   * paths for `tools/call` (fast-path.ts, modern-fast-path.ts).
   */
  async fetch(request: Request, principal: Principal, outgoing?: ServerResponse): Promise<Response> {
    const attempt = outgoing && (await this.fast(postOf(request, outgoing), request.method, principal, outgoing));
    if (attempt) {
      const { outcome } = attempt;
      if (outcome.handled) return RESPONSE_ALREADY_SENT;
      if ('response' in outcome) return outcome.response;
      const authInfo = toAuthInfo(principal);
      if (attempt.session) {
        if ('parsedBody' in outcome) return attempt.session.transport.handleRequest(request, { parsedBody: outcome.parsedBody, authInfo });
      } else if ('body' in outcome) {
        // the body is read: hand the SDK what it holds (a body that is not JSON as it came)
        if (outcome.parsed !== undefined) return this.modern.fetch(request, { authInfo, parsedBody: outcome.parsed });
        return this.modern.fetch(new Request(request.url, { method: 'POST', headers: request.headers, body: outcome.body }), { authInfo });
      }
    }
    if (request.method === 'POST' && !(await isLegacyRequest(request))) {
      return this.modern.fetch(request, { authInfo: toAuthInfo(principal) });
    }
    return this.legacy(request, principal);
  }

  private async legacy(request: Request, principal: Principal): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) {
      const session = this.sessions.get(sessionId);
      // A session id is not a credential: presented by anyone else, it does not exist.
      if (session?.kind !== 'streamable' || session.principal.key !== principal.key) return sessionNotFound();
      session.lastSeen = Date.now();
      return session.transport.handleRequest(request, { authInfo: toAuthInfo(principal) });
    }
    if (request.method !== 'POST') return rpcErrorResponse(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    let body: unknown;
    try {
      body = JSON.parse(await request.clone().text());
    } catch {
      return rpcErrorResponse(400, -32700, 'Parse error: the body is not valid JSON');
    }
    if (!isInitializeRequest(body)) return rpcErrorResponse(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    if (this.atCapacity()) return tooManySessions();
    return this.openSession(request, body, principal);
  }

  /** What every 2025-era session starts with, whatever its transport: its caller and its own Server. */
  private sessionBasis(principal: Principal) {
    const subscriptions = new Set<string>();
    const state: { logLevel?: LogLevel } = {};
    const caller = this.callerOf(principal);
    const server = this.newServer(caller, { subscriptions, state });
    return { server, principal, caller, subscriptions, state, fastCalls: new Map<string | number, AbortController>(), lastSeen: Date.now() };
  }

  private async openSession(request: Request, body: unknown, principal: Principal): Promise<Response> {
    const basis = this.sessionBasis(principal);
    const { server } = basis;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { ...basis, kind: 'streamable', transport, lastSeen: Date.now() });
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
    this.sessions.delete(id);
    // upstream connections dedicated to it (isolationKey) stop with it
    this.options.directory.releaseSession?.(id);
  }

  private atCapacity() {
    return this.sessions.size >= (this.options.maxSessions ?? 10_000);
  }

  /**
   * GET `/sse` (HTTP+SSE, protocol 2024-11-05): opens a legacy session whose event stream
   * is the response; its first event names `messagesPath?sessionId=…` for the POSTs.
   * The session ends when the stream does (client gone, idle sweep, runtime closed).
   */
  async openSse(principal: Principal, messagesPath: string): Promise<Response> {
    if (this.atCapacity()) return tooManySessions();
    const basis = this.sessionBasis(principal);
    const { server } = basis;
    const transport = new SseServerTransport({ messagesPath, keepAliveMs: this.options.sseKeepAliveMs });
    const id = transport.sessionId;
    this.sessions.set(id, { ...basis, kind: 'sse', transport });
    server.onclose = () => this.forget(id);
    await server.connect(transport);
    return transport.response;
  }

  /** POST `/messages?sessionId=…`: a message for an SSE session of the same principal. */
  async postSse(request: Request, sessionId: string, principal: Principal): Promise<Response> {
    const session = this.sessions.get(sessionId);
    // As on /mcp, a session id presented by another principal does not exist.
    if (session?.kind !== 'sse' || session.principal.key !== principal.key) return sessionNotFound();
    session.lastSeen = Date.now();
    return session.transport.handlePost(request, toAuthInfo(principal));
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
