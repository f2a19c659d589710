import { boolean, doublePrecision, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { virtualServers } from './virtual-servers.ts';

export const limitSubjects = ['user', 'role'] as const;
export const ratePeriods = ['second', 'minute'] as const;
export const quotaPeriods = ['hour', 'day'] as const;

/**
 * One rate-limit rule: who (a user, a role, or everybody when the subject is null) ×
 * where (a virtual server or all) × what (a pattern over `upstream:name` as in policies),
 * and how much: a rate (token bucket), a quota (calls per fixed window) and/or a cap on
 * calls in flight. Counted per person unless `shared` (one budget for everybody it matches).
 */
export const rateLimits = pgTable('rate_limits', {
  id: id(),
  name: text('name').notNull().unique(),
  subjectType: text('subject_type', { enum: limitSubjects }),
  subjectId: uuid('subject_id'),
  virtualServerId: uuid('virtual_server_id').references(() => virtualServers.id, { onDelete: 'cascade' }),
  pattern: text('pattern').notNull().default('*'),
  rateCount: integer('rate_count'),
  ratePer: text('rate_per', { enum: ratePeriods }),
  rateBurst: integer('rate_burst'),
  quotaCount: integer('quota_count'),
  quotaPer: text('quota_per', { enum: quotaPeriods }),
  concurrency: integer('concurrency'),
  shared: boolean('shared').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * The shared budgets behind the rules (and the registration and login limits): one row
 * per bucket (rule × key × window). Replicas take leases of `tokens` with one atomic
 * UPDATE and serve calls from them in memory (see apps/gateway/src/limits/). Rows of
 * replicas' heartbeats live here too (`replica:<id>`). Expired rows are swept.
 */
export const limitCounters = pgTable(
  'limit_counters',
  {
    bucket: text('bucket').primaryKey(),
    tokens: doublePrecision('tokens').notNull(),
    /** What the last take handed out (read back by RETURNING: SET sees only the old row). */
    taken: doublePrecision('taken').notNull().default(0),
    refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('limit_counters_expires_idx').on(t.expiresAt)],
);
