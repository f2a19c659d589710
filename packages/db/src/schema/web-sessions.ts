import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { users } from './identity.ts';

export const webSessionKinds = ['login', 'console'] as const;

/**
 * Browser sessions: `login` for the authorization server's pages, `console` for the admin
 * console. The cookie holds a random token; only its SHA-256 is stored, so a database
 * leak does not leak sessions. Deleting a user's rows signs them out everywhere.
 */
export const webSessions = pgTable(
  'web_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    kind: text('kind', { enum: webSessionKinds }).notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('web_sessions_user_idx').on(t.userId)],
);
