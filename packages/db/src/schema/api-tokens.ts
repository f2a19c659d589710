import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.ts';
import { users } from './identity.ts';

export const apiTokenScopes = ['admin', 'admin:read', 'mcp'] as const;
export type ApiTokenScope = (typeof apiTokenScopes)[number];

/**
 * Automation tokens. Only the SHA-256 of the token is stored; the token is shown once.
 * `admin`/`admin:read` tokens use the admin API; `mcp` keys are a person's own and work
 * only on MCP endpoints of `api-key` virtual servers, acting as that person (`userId`),
 * on every such server or only on those in `virtualServerIds`.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    scopes: text('scopes').array().$type<ApiTokenScope[]>().notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** An `mcp` key limited to these virtual servers; null = every `api-key` server. */
    virtualServerIds: uuid('virtual_server_ids').array(),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);
