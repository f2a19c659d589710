import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { users } from './identity.ts';
import { upstreams } from './upstreams.ts';

/**
 * How the gateway is known to an upstream's authorization server when it registered itself
 * there (RFC 7591 Dynamic Client Registration): one registration per AS issuer and redirect
 * URI, reused for every upstream and person behind that AS. `client_secret` is a key-ring
 * ciphertext (null for a public client).
 */
export const upstreamOauthClients = pgTable(
  'upstream_oauth_clients',
  {
    issuer: text('issuer').notNull(),
    redirectUri: text('redirect_uri').notNull(),
    clientId: text('client_id').notNull(),
    clientSecret: text('client_secret'),
    /** The token endpoint authentication method the AS registered us with. */
    authMethod: text('auth_method').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.redirectUri] })],
);

/**
 * A person's authorization at an upstream's AS that is under way: between the redirect to
 * the AS and its callback. Keyed by the SHA-256 of `state`; bound to the browser session
 * that started it (`session_hash`, the SHA-256 of its console cookie); the PKCE verifier is
 * a key-ring ciphertext. Used once (`used_at`), valid ~10 minutes.
 */
export const upstreamOauthAuthorizations = pgTable('upstream_oauth_authorizations', {
  stateHash: text('state_hash').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  upstreamId: uuid('upstream_id')
    .notNull()
    .references(() => upstreams.id, { onDelete: 'cascade' }),
  sessionHash: text('session_hash').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  issuer: text('issuer').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
});
