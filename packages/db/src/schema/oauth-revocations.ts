import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.ts';

export const revocationKinds = ['token', 'grant', 'client', 'consent', 'user'] as const;

/**
 * Revoked access: what every replica's bearer check refuses until the tokens it covers
 * have expired (`expires_at`), when the row is useless and may be deleted. `key` is an
 * access token's `jti`, a grant id (refresh-token family), an OAuth `client_id`, a consent
 * (`user|client_id|virtual server`) or a user id. Kept in the database so a replica that
 * starts later knows them; announced to running replicas with NOTIFY.
 */
export const oauthRevocations = pgTable(
  'oauth_revocations',
  {
    id: id(),
    kind: text('kind', { enum: revocationKinds }).notNull(),
    key: text('key').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('oauth_revocations_expires_idx').on(t.expiresAt)],
);
