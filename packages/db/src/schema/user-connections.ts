import { index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { users } from './identity.ts';
import { upstreams } from './upstreams.ts';

/** What a person connected: their own secret values, or a token obtained for them (OAuth, token exchange). */
export const userConnectionKinds = ['secrets', 'oauth', 'token-exchange'] as const;
export type UserConnectionKind = (typeof userConnectionKinds)[number];

/** `needs_authorization`: the upstream or its AS refused what we hold (a failed refresh); the person must connect again. */
export const userConnectionStatuses = ['connected', 'needs_authorization', 'expired'] as const;
export type UserConnectionStatus = (typeof userConnectionStatuses)[number];

/**
 * One person's credential for one upstream. `payload` is ONE ciphertext from the key ring
 * (`sb1.<kid>....`) of a JSON document whose shape is the kind's (secret values, a token
 * set); nothing secret is stored anywhere else. `metadata` is non-secret (scopes granted,
 * the authorization server's issuer, …) and may be shown to the person and admins.
 */
export const userConnections = pgTable(
  'user_connections',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    upstreamId: uuid('upstream_id')
      .notNull()
      .references(() => upstreams.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: userConnectionKinds }).notNull(),
    status: text('status', { enum: userConnectionStatuses }).notNull().default('connected'),
    payload: text('payload').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique('user_connections_user_upstream_key').on(t.userId, t.upstreamId), index('user_connections_upstream_idx').on(t.upstreamId, t.createdAt)],
);
