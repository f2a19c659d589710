import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Who made an administrative change: an API token, a person in the console, the watched config file. */
export const adminActorKinds = ['token', 'person', 'config-file'] as const;

/**
 * One change to the gateway's configuration or state made by an administrator (admin API,
 * console, configuration document). Like audit_events, no foreign keys: the trail outlives
 * the tokens, people and objects it names, so their names are copied in. `before`/`after`
 * are the object as the API shows it, secrets masked.
 */
export const adminEvents = pgTable(
  'admin_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actorKind: text('actor_kind', { enum: adminActorKinds }).notNull(),
    /** The token's or person's id; null for the config file. */
    actorId: text('actor_id'),
    /** The token's name, the person's e-mail, the file's path. */
    actorName: text('actor_name').notNull(),
    /** create, update, delete, import, revoke, restart, … */
    action: text('action').notNull(),
    /** The resource, as the API names it: upstreams, virtual-servers, users, config, … */
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    objectName: text('object_name'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
  },
  (t) => [
    index('admin_events_occurred_idx').on(t.occurredAt),
    index('admin_events_object_idx').on(t.objectType, t.objectId, t.seq),
    index('admin_events_actor_idx').on(t.actorId, t.seq),
  ],
);
