import { bigint, integer, pgTable } from 'drizzle-orm/pg-core';

/**
 * One row, bumped with every configuration change. LISTEN/NOTIFY tells replicas at once,
 * but a notification sent while a replica's connection was down is lost; each replica
 * also reads this counter periodically and reloads when it moved, so staleness is bounded.
 */
export const configVersion = pgTable('config_version', {
  id: integer('id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull(),
});
