import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { upstreams } from './upstreams.ts';

type Json = Record<string, unknown>;

/**
 * What each upstream offered when last listed. Lets the gateway check virtual-server name
 * conflicts at save time and show an upstream's tools without connecting to it.
 */
export const upstreamCatalogs = pgTable('upstream_catalogs', {
  upstreamId: uuid('upstream_id')
    .primaryKey()
    .references(() => upstreams.id, { onDelete: 'cascade' }),
  tools: jsonb('tools').$type<Json[]>().notNull().default([]),
  resources: jsonb('resources').$type<Json[]>().notNull().default([]),
  resourceTemplates: jsonb('resource_templates').$type<Json[]>().notNull().default([]),
  prompts: jsonb('prompts').$type<Json[]>().notNull().default([]),
  capabilities: jsonb('capabilities').$type<Json>().notNull().default({}),
  serverInfo: jsonb('server_info').$type<Json | null>(),
  instructions: text('instructions'),
  /** SHA-256 of the lists, to skip writes when nothing changed. */
  schemaHash: text('schema_hash').notNull(),
  /** When the lists last changed. */
  refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull().defaultNow(),
  /** When the upstream was last listed, changed or not ("Listed N min ago" in the console). */
  checkedAt: timestamp('checked_at', { withTimezone: true }).notNull().defaultNow(),
});
