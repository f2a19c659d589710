import { bigint, bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';

export const mcpSessionTransports = ['streamable', 'sse'] as const;

/**
 * 2025-era MCP sessions (Streamable HTTP and HTTP+SSE), so any replica can serve one: written
 * at `initialize`, read once by a replica that has not seen the session yet, touched in
 * batches while in use and deleted when it ends or stays idle past the TTL. The session id
 * is not a credential: a replica serves it only to the principal recorded here.
 */
export const mcpSessions = pgTable(
  'mcp_sessions',
  {
    id: text('id').primaryKey(),
    virtualServerId: uuid('virtual_server_id').notNull(),
    transport: text('transport', { enum: mcpSessionTransports }).notNull(),
    principalKey: text('principal_key').notNull(),
    /** Whose share of the per-caller session cap it counts against: the principal, or an anonymous caller's address. */
    quotaKey: text('quota_key'),
    principalKind: text('principal_kind').notNull(),
    userId: uuid('user_id'),
    clientId: text('client_id'),
    /** The client's initialize params (protocol version, capabilities, clientInfo): replayed to rebuild the session elsewhere. */
    initialize: jsonb('initialize').$type<Record<string, unknown>>().notNull(),
    logLevel: text('log_level'),
    /** The replica holding the session's stream, for HTTP+SSE (its POSTs are routed there). */
    streamReplica: text('stream_replica'),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('mcp_sessions_last_seen_idx').on(t.lastSeenAt),
    index('mcp_sessions_user_idx').on(t.userId),
    index('mcp_sessions_quota_idx').on(t.virtualServerId, t.quotaKey),
  ],
);

/**
 * Events of sessions' SSE streams, so a client that reconnects with `Last-Event-ID` to any
 * replica receives what it missed. Bounded per session and expiring (see the reaper).
 */
export const mcpStreamEvents = pgTable(
  'mcp_stream_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sessionId: text('session_id').notNull(),
    streamId: text('stream_id').notNull(),
    /** Order within a request stream (ids made by the replica that owns it); 0 for the standalone stream (ordered by id). */
    seq: bigint('seq', { mode: 'number' }).notNull().default(0),
    message: jsonb('message').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('mcp_stream_events_stream_idx').on(t.sessionId, t.streamId, t.seq), index('mcp_stream_events_created_idx').on(t.createdAt)],
);

/** Replica-to-replica messages too large for a NOTIFY payload: the notification names the row. */
export const mcpRelayMessages = pgTable('mcp_relay_messages', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  payload: text('payload').notNull(),
  createdAt: createdAt(),
});
