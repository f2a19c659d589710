import type { Database } from '@switchboard/db/client';
import { mcpRelayMessages, mcpSessions, mcpStreamEvents } from '@switchboard/db/schema';
import { and, asc, count, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Principal } from '../principal.ts';

/** What a replica needs to serve a session it did not open. */
export interface SessionRecord {
  id: string;
  virtualServerId: string;
  transport: 'streamable' | 'sse';
  principal: Principal;
  /** The client's initialize params, replayed to rebuild the session's protocol state. */
  initialize: Record<string, unknown>;
  logLevel: string | null;
  /** HTTP+SSE: the replica holding the stream (its POSTs are relayed there). */
  streamReplica: string | null;
}

export interface RequestStreamEvent {
  sessionId: string;
  streamId: string;
  seq: number;
  message: Record<string, unknown>;
}

export interface SessionStoreOptions {
  db: Database;
  logger: Logger;
  /** Events kept per session at most (older ones go at the next sweep). */
  maxEventsPerSession?: number;
  /** Events older than this go at the next sweep. */
  eventTtlMs?: number;
}

/** Beyond this, events waiting to be written are dropped (the database is away): resumption degrades, calls go on. */
const MAX_PENDING_EVENTS = 20_000;

/**
 * The Postgres side of any-replica sessions: the session rows, their stream events and the
 * relay's large messages. Nothing here runs per MCP call on a warm replica: rows are
 * read once per session and replica, touches and request-stream events are written in
 * batches behind the calls (a database outage delays them, never a call).
 */
export class SessionStore {
  private touched = new Set<string>();
  private pendingEvents: RequestStreamEvent[] = [];
  private flushing?: Promise<void>;

  constructor(private readonly options: SessionStoreOptions) {}

  private get db() {
    return this.options.db;
  }

  /**
   * Writes a new session's row — unless `perCaller` is given and its caller already holds
   * that many open sessions of the virtual server, on any replica (false). Counted and
   * written under a lock on the caller's key, so replicas opening sessions for one caller
   * at once cannot pass the cap together.
   */
  async insert(record: SessionRecord, perCaller?: { quotaKey: string; max: number }): Promise<boolean> {
    const { principal } = record;
    return this.db.transaction(async (tx) => {
      if (perCaller) {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${record.virtualServerId} ${perCaller.quotaKey}`}))`);
        const [held] = await tx
          .select({ n: count() })
          .from(mcpSessions)
          .where(and(eq(mcpSessions.virtualServerId, record.virtualServerId), eq(mcpSessions.quotaKey, perCaller.quotaKey)));
        if (held!.n >= perCaller.max) return false;
      }
      await tx.insert(mcpSessions).values({
        id: record.id,
        virtualServerId: record.virtualServerId,
        transport: record.transport,
        principalKey: principal.key,
        principalKind: principal.kind,
        userId: principal.userId,
        clientId: principal.clientId,
        quotaKey: perCaller?.quotaKey,
        initialize: record.initialize,
        logLevel: record.logLevel,
        streamReplica: record.streamReplica,
      });
      return true;
    });
  }

  async load(id: string): Promise<SessionRecord | undefined> {
    const [row] = await this.db.select().from(mcpSessions).where(eq(mcpSessions.id, id));
    if (!row) return undefined;
    return {
      id: row.id,
      virtualServerId: row.virtualServerId,
      transport: row.transport,
      principal: { key: row.principalKey, kind: row.principalKind as Principal['kind'], userId: row.userId, clientId: row.clientId },
      initialize: row.initialize,
      logLevel: row.logLevel,
      streamReplica: row.streamReplica,
    };
  }

  async remove(id: string): Promise<void> {
    await this.db.delete(mcpSessions).where(eq(mcpSessions.id, id));
    await this.db.delete(mcpStreamEvents).where(eq(mcpStreamEvents.sessionId, id));
  }

  async setLogLevel(id: string, level: string): Promise<void> {
    await this.db.update(mcpSessions).set({ logLevel: level }).where(eq(mcpSessions.id, id));
  }

  /** Marks a session used; written with the next flush (the reaper judges idleness by it). */
  touch(id: string): void {
    this.touched.add(id);
  }

  /** A standalone-stream event, stored first: its id (the row's) orders the stream across replicas. */
  async appendStandalone(sessionId: string, streamId: string, message: Record<string, unknown>): Promise<number> {
    const [row] = await this.db.insert(mcpStreamEvents).values({ sessionId, streamId, message }).returning({ id: mcpStreamEvents.id });
    return row!.id;
  }

  /** A request-stream event, its id made by the replica that owns the stream: written behind. */
  queueRequestEvent(event: RequestStreamEvent): void {
    if (this.pendingEvents.length >= MAX_PENDING_EVENTS) this.pendingEvents.shift();
    this.pendingEvents.push(event);
  }

  /** The standalone stream's events after `afterId`, in order. */
  async standaloneAfter(sessionId: string, streamId: string, afterId: number) {
    return this.db
      .select({ id: mcpStreamEvents.id, message: mcpStreamEvents.message })
      .from(mcpStreamEvents)
      .where(and(eq(mcpStreamEvents.sessionId, sessionId), eq(mcpStreamEvents.streamId, streamId), gt(mcpStreamEvents.id, afterId)))
      .orderBy(asc(mcpStreamEvents.id));
  }

  /** A request stream's events after `afterSeq`, in order (pending ones written first). */
  async requestEventsAfter(sessionId: string, streamId: string, afterSeq: number) {
    await this.flush();
    return this.db
      .select({ seq: mcpStreamEvents.seq, message: mcpStreamEvents.message })
      .from(mcpStreamEvents)
      .where(and(eq(mcpStreamEvents.sessionId, sessionId), eq(mcpStreamEvents.streamId, streamId), gt(mcpStreamEvents.seq, afterSeq)))
      .orderBy(asc(mcpStreamEvents.seq));
  }

  /** Writes the touches and queued events; a failure keeps them for the next attempt. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async write() {
    const ids = [...this.touched];
    const events = this.pendingEvents.splice(0, 1000);
    try {
      if (ids.length > 0) {
        this.touched = new Set();
        await this.db.update(mcpSessions).set({ lastSeenAt: new Date() }).where(inArray(mcpSessions.id, ids));
      }
      if (events.length > 0) await this.db.insert(mcpStreamEvents).values(events);
    } catch (err) {
      for (const id of ids) this.touched.add(id);
      this.pendingEvents.unshift(...events.slice(0, MAX_PENDING_EVENTS - this.pendingEvents.length));
      this.options.logger.debug({ err: { message: (err as Error).message } }, 'session store: write deferred');
    }
  }

  /** A relay message too large for NOTIFY: stored, and its row named in the notification. */
  async storeRelay(payload: string): Promise<number> {
    const [row] = await this.db.insert(mcpRelayMessages).values({ payload }).returning({ id: mcpRelayMessages.id });
    return row!.id;
  }

  async readRelay(id: number): Promise<string | undefined> {
    const [row] = await this.db.select({ payload: mcpRelayMessages.payload }).from(mcpRelayMessages).where(eq(mcpRelayMessages.id, id));
    return row?.payload;
  }

  /**
   * Deletes what nobody needs any more: sessions idle past `idleMs` on every replica (with
   * their events), events past their TTL or beyond the per-session bound, relay rows read
   * long ago. Any replica may run it; it is idempotent.
   */
  async reap(idleMs: number): Promise<number> {
    await this.flush();
    const cutoff = new Date(Date.now() - idleMs);
    const gone = await this.db.delete(mcpSessions).where(lt(mcpSessions.lastSeenAt, cutoff)).returning({ id: mcpSessions.id });
    if (gone.length > 0) await this.db.delete(mcpStreamEvents).where(inArray(mcpStreamEvents.sessionId, gone.map((g) => g.id)));
    const eventCutoff = new Date(Date.now() - (this.options.eventTtlMs ?? 10 * 60_000));
    await this.db.delete(mcpStreamEvents).where(lt(mcpStreamEvents.createdAt, eventCutoff));
    const keep = this.options.maxEventsPerSession ?? 1000;
    await this.db.execute(sql`
      delete from ${mcpStreamEvents} e using (
        select id from (
          select id, row_number() over (partition by session_id order by id desc) as n from ${mcpStreamEvents}
        ) ranked where n > ${keep}
      ) old where e.id = old.id`);
    await this.db.delete(mcpRelayMessages).where(lt(mcpRelayMessages.createdAt, new Date(Date.now() - 60_000)));
    return gone.length;
  }
}
