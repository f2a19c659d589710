import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Context } from '@opentelemetry/api';
import type { Server } from '@modelcontextprotocol/server';
import type { VirtualServerRouter, Visibility } from '@switchboard/core/federation/router';
import type { CallerContext, CallHandler } from '../pipeline/call.ts';
import { rpcErrorResponse } from './errors.ts';
import { serveLegacyLean } from './lean/legacy-call.ts';
import { ALL_LISTS, announceChanges, type ListChanges, mergeChanges, notifyAccessChanges } from './list-changes.ts';
import type { LogLevel } from './logging.ts';
import type { McpPost } from './mcp-post.ts';
import { type Principal, toAuthInfo } from './principal.ts';
import type { RuntimeOptions } from './runtime-options.ts';
import { parseRequestEventId } from './sessions/pg-event-store.ts';
import { RemoteSseSessions } from './sessions/remote-sse.ts';
import type { RoutedTransport } from './sessions/routed-transport.ts';
import type { SessionCluster } from './sessions/session-cluster.ts';
import type { RelayMessage } from './sessions/session-relay.ts';
import type { SessionRecord } from './sessions/session-store.ts';
import { type LegacySession, quotaKeyOf, SessionTable, sessionNotFound, storeUnavailable, tooManyOfYours } from './sessions/session-table.ts';
import { replayInitialize, streamableTransport } from './sessions/streamable-copy.ts';
import { SseServerTransport } from './sse-server-transport.ts';

/** What a session's Server keeps per session (its subscriptions, its log level). */
export interface SessionState {
  subscriptions: Set<string>;
  state: { logLevel?: LogLevel };
}

export interface LegacySessionsDeps {
  options: RuntimeOptions;
  cluster: SessionCluster;
  /** The virtual server's pipeline (the lean adapter calls it). */
  call: CallHandler;
  callerOf(principal: Principal): CallerContext;
  newServer(caller: CallerContext, session: SessionState): Server;
}

/**
 * The 2025-era sessions of one virtual server on this replica: Streamable HTTP
 * (`Mcp-Session-Id`, the GET stream, DELETE) and HTTP+SSE (`/sse`). Each is bound to the
 * principal that opened it and stored in Postgres, so any replica serves it: a replica
 * that has not seen a session rebuilds a copy from its row.
 */
export class LegacySessions {
  private readonly sessions: SessionTable;
  /** Sessions being restored from their rows (one read per session, however many requests wait). */
  private readonly loading = new Map<string, Promise<LegacySession | Response | undefined>>();
  /** HTTP+SSE sessions whose stream another replica holds. */
  private readonly remoteSse: RemoteSseSessions;
  private readonly sweeper: NodeJS.Timeout;
  private readonly stopRelay: () => void;

  constructor(private readonly deps: LegacySessionsDeps) {
    const { options, cluster } = deps;
    this.sessions = new SessionTable({ max: options.maxSessions ?? 10_000, perCaller: options.maxSessionsPerCaller ?? 200 });
    this.remoteSse = new RemoteSseSessions(options.id, cluster, this.sessions);
    // Sweep at half the idle limit (at most every minute): a session outlives it by < 50 %.
    const sweepMs = Math.min(60_000, Math.max(10, this.idleMs / 2));
    this.sweeper = setInterval(() => this.closeIdleSessions(), sweepMs);
    this.sweeper.unref();
    this.stopRelay = cluster.onRelay((message) => this.relayed(message));
  }

  private get cluster() {
    return this.deps.cluster;
  }

  private get idleMs() {
    return this.deps.options.sessionIdleMs ?? 30 * 60_000;
  }

  get count() {
    return this.sessions.size;
  }

  /** Open sessions by transport (Streamable HTTP, HTTP+SSE). */
  byTransport(): { streamable: number; sse: number } {
    return this.sessions.byTransport();
  }

  /** A request on a Streamable HTTP session: a hot `tools/call` on the lean adapter, the GET stream, or the SDK's transport. */
  async serve(sessionId: string, post: McpPost, principal: Principal, res: ServerResponse, request: () => Request): Promise<Response | 'answered'> {
    const session = this.ownedSession(sessionId, 'streamable', principal) ?? (await this.restore(sessionId, 'streamable', principal));
    if (session instanceof Response) return session;
    if (!session) return sessionNotFound();
    if (post.method === 'POST' && this.deps.options.lean !== false && (await serveLegacyLean(post, res, session, this.deps.call))) return 'answered';
    if (post.method === 'GET') return this.openStream(session, post, request);
    return session.transport.inner.handleRequest(request(), { authInfo: toAuthInfo(principal, post.trace), parsedBody: post.parsed });
  }

  /** An `initialize` without a session: opens a Streamable HTTP session, unless a cap refuses it. */
  async open(request: Request, body: unknown, principal: Principal, clientAddress: string): Promise<Response> {
    const refused = this.capProblem(principal, clientAddress);
    if (refused) return refused;
    const id = randomUUID();
    // Stored before the client learns the id: its next request may land on any replica.
    const refusedRow = await this.record(id, 'streamable', principal, body, null, clientAddress);
    if (refusedRow) return refusedRow;
    const basis = this.sessionBasis(principal, clientAddress);
    const transport = this.newTransport(id);
    this.sessions.add({ ...basis, id, kind: 'streamable', transport });
    basis.server.onclose = () => this.forget(id);
    await basis.server.connect(transport);
    const answer = await transport.inner.handleRequest(request, { parsedBody: body, authInfo: toAuthInfo(principal) });
    // the SDK refused the initialize: no session was opened after all
    if (answer.status !== 200) this.forget(id, true);
    return answer;
  }

  /**
   * GET `/sse` (HTTP+SSE, protocol 2024-11-05): opens a session whose event stream is the
   * response; its first event names `messagesPath?sessionId=…` for the POSTs. The session
   * ends when the stream does (client gone, idle sweep, runtime closed).
   */
  async openSse(principal: Principal, messagesPath: string, clientAddress: string): Promise<Response> {
    const refused = this.capProblem(principal, clientAddress);
    if (refused) return refused;
    const basis = this.sessionBasis(principal, clientAddress);
    const { server } = basis;
    const transport = new SseServerTransport({ messagesPath, keepAliveMs: this.deps.options.sseKeepAliveMs });
    const id = transport.sessionId;
    const refusedRow = await this.record(id, 'sse', principal, undefined, this.cluster.replica, clientAddress);
    if (refusedRow) return refusedRow;
    this.sessions.add({ ...basis, id, kind: 'sse', transport });
    // an HTTP+SSE session lives as long as its one stream
    server.onclose = () => this.forget(id, true);
    await server.connect(transport);
    return transport.response;
  }

  /** POST `/messages?sessionId=…`: a message for an HTTP+SSE session of the same principal, held here or elsewhere. */
  async postSse(body: { contentType: string | null; parsed: unknown }, sessionId: string, principal: Principal, trace?: Context): Promise<Response> {
    const session = this.ownedSession(sessionId, 'sse', principal);
    if (session) return session.transport.handlePost(body, toAuthInfo(principal, trace));
    return this.remoteSse.post(body, sessionId, principal);
  }

  /** The session `id` names, if `principal` opened it (see SessionTable.owned); its row is touched. */
  private ownedSession<K extends LegacySession['kind']>(id: string, kind: K, principal: Principal) {
    const session = this.sessions.owned(id, kind, principal);
    if (session) this.cluster.store?.touch(id);
    return session;
  }

  /**
   * A streamable session opened on another replica (or before this one restarted): read
   * once from its row, bound to the same principal, and rebuilt here as a copy.
   */
  private async restore(id: string, kind: 'streamable', principal: Principal): Promise<(LegacySession & { kind: 'streamable' }) | Response | undefined> {
    if (this.sessions.get(id) || !this.cluster.store || this.sessions.isUnknown(id)) return undefined;
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
    if (!record || record.virtualServerId !== this.deps.options.id || record.transport !== 'streamable') {
      this.sessions.markUnknown(id);
      return undefined;
    }
    const full = this.sessions.full();
    if (full) return full;
    const basis = this.sessionBasis(record.principal, '');
    if (record.logLevel) basis.state.logLevel = record.logLevel as LogLevel;
    const transport = this.newTransport(id);
    const session: LegacySession = { ...basis, id, kind: 'streamable', transport };
    basis.server.onclose = () => this.forget(id);
    await basis.server.connect(transport);
    await replayInitialize(transport, record.initialize, toAuthInfo(record.principal));
    this.sessions.add(session);
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
    const caller = this.deps.callerOf(principal);
    const server = this.deps.newServer(caller, { subscriptions, state });
    return { server, principal, quotaKey, caller, subscriptions, state, leanCalls: new Map<string | number, AbortController>(), lastSeen: Date.now() };
  }

  /**
   * Writes a new session's row; the answer refusing the session if it could not be (the
   * caller holds its share of sessions on the replicas together, or the database is away).
   */
  private async record(id: string, transport: 'streamable' | 'sse', principal: Principal, body: unknown, streamReplica: string | null, clientAddress: string) {
    const { store } = this.cluster;
    if (!store) return undefined;
    const initialize = ((body as { params?: Record<string, unknown> } | undefined)?.params ?? {}) as Record<string, unknown>;
    const max = this.sessions.caps.perCaller;
    try {
      const record = { id, virtualServerId: this.deps.options.id, transport, principal, initialize, logLevel: null, streamReplica };
      const stored = await store.insert(record, { quotaKey: quotaKeyOf(principal, clientAddress), max });
      return stored ? undefined : tooManyOfYours(max);
    } catch (err) {
      this.deps.options.logger.warn({ err: { message: (err as Error).message } }, 'could not store a new MCP session');
      return storeUnavailable();
    }
  }

  /** Why a new session is refused here, if it is (see SessionTable.refusal). */
  private capProblem(principal: Principal, clientAddress: string): Response | undefined {
    return this.sessions.refusal(quotaKeyOf(principal, clientAddress), !this.cluster.store);
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
    if (!this.sessions.remove(id)) return;
    // upstream connections dedicated to it (isolationKey) stop with it
    this.deps.options.directory.releaseSession?.(id);
  }

  /** What another replica says about a session this one may hold a copy of. */
  private relayed(message: RelayMessage) {
    if (message.k === 'event' || message.k === 'held' || message.k === 'held-reply') return;
    const session = this.sessions.get(message.s);
    if (message.k === 'end') {
      this.remoteSse.ended(message.s);
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
    for (const session of this.sessions.idleSince(Date.now() - this.idleMs)) void session.server.close();
  }

  /** The routing table changed: sessions whose stream is here hear of it now, the others when one opens here. */
  tableChanged(change: ListChanges) {
    for (const session of this.sessions.all()) {
      if (this.announces(session)) announceChanges(session.server, change);
      else session.missed = mergeChanges(session.missed, change);
    }
  }

  /**
   * Access rules changed: sessions whose lists differ under `before` and `after` hear
   * list_changed now (their next request already uses the new rules).
   */
  accessChanged(router: VirtualServerRouter, before: (p: Principal) => Visibility, after: (p: Principal) => Visibility) {
    const sessions = this.sessions.all();
    notifyAccessChanges(router, sessions.filter((s) => this.announces(s)), before, after);
    // (for a session without a stream here, telling it to list again costs less than comparing its lists)
    for (const session of sessions) if (!this.announces(session)) session.missed = ALL_LISTS;
  }

  /** Ends every session of the principals `predicate` selects (a disabled or deleted user). */
  closeSessionsOf(predicate: (principal: Principal) => boolean) {
    for (const session of this.sessions.all()) {
      if (!predicate(session.principal)) continue;
      this.forget(session.id, true);
      void session.server.close();
    }
  }

  /** A resource changed: the sessions subscribed to it (by the URI clients know) hear of it. */
  resourceUpdated(uri: string) {
    for (const session of this.sessions.all()) {
      if (session.subscriptions.has(uri)) void session.server.sendResourceUpdated({ uri }).catch(() => {});
    }
  }

  async close() {
    clearInterval(this.sweeper);
    this.stopRelay();
    await Promise.allSettled(this.sessions.all().map((s) => s.server.close()));
    for (const session of this.sessions.all()) this.forget(session.id);
  }
}
