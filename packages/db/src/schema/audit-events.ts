import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const auditOutcomes = ['ok', 'tool_error', 'denied', 'upstream_failure', 'timeout'] as const;
export const auditKinds = ['tool', 'resource', 'prompt'] as const;

/**
 * One call through a virtual server. Deliberately no foreign keys: the trail must outlive
 * deleted users, clients and servers, so names are copied in. `seq` orders events for
 * cursor pagination.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    userId: uuid('user_id'),
    userEmail: text('user_email'),
    clientId: text('client_id'),
    /** Who really made the call when it was made as someone else (an admin trying tools as user X). */
    actor: text('actor'),
    virtualServerId: uuid('virtual_server_id').notNull(),
    kind: text('kind', { enum: auditKinds }).notNull(),
    exposedName: text('exposed_name').notNull(),
    upstreamName: text('upstream_name'),
    upstreamItem: text('upstream_item'),
    outcome: text('outcome', { enum: auditOutcomes }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    errorCode: text('error_code'),
    /** Whose credential reached the upstream (`shared`, `per-user`, …); never the credential. Null when the call never got that far. */
    credentialMode: text('credential_mode'),
    arguments: jsonb('arguments'),
    result: jsonb('result'),
  },
  (t) => [
    index('audit_events_occurred_idx').on(t.occurredAt),
    index('audit_events_user_idx').on(t.userId, t.seq),
    index('audit_events_server_idx').on(t.virtualServerId, t.seq),
  ],
);
