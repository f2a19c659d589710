import { index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.ts';
import { users } from './identity.ts';
import { virtualServers } from './virtual-servers.ts';

export const oauthClientKinds = ['dcr', 'cimd'] as const;
export const tokenEndpointAuthMethods = ['none', 'client_secret_basic', 'client_secret_post'] as const;

/**
 * A client of our authorization server: registered through DCR (we pick the random
 * `client_id`) or identified by its metadata document URL (CIMD, `client_id` is the URL).
 * Confidential clients keep only the SHA-256 of their secret.
 */
export const oauthClients = pgTable('oauth_clients', {
  id: id(),
  clientId: text('client_id').notNull().unique(),
  kind: text('kind', { enum: oauthClientKinds }).notNull(),
  clientName: text('client_name'),
  redirectUris: text('redirect_uris').array().notNull(),
  tokenEndpointAuthMethod: text('token_endpoint_auth_method', { enum: tokenEndpointAuthMethods }).notNull().default('none'),
  clientSecretHash: text('client_secret_hash'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  /** For CIMD clients: when the document was last fetched, so it is re-fetched when stale. */
  fetchedAt: timestamp('fetched_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** Who a grant is for: the client, the user and the virtual server (columns of codes, refresh tokens and consents). */
const grantParties = () => ({
  clientId: uuid('client_id')
    .notNull()
    .references(() => oauthClients.id, { onDelete: 'cascade' }),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  virtualServerId: uuid('virtual_server_id')
    .notNull()
    .references(() => virtualServers.id, { onDelete: 'cascade' }),
});

/** Authorization codes: stored hashed, single use, bound to everything the token request must repeat. */
export const oauthCodes = pgTable(
  'oauth_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    ...grantParties(),
    redirectUri: text('redirect_uri').notNull(),
    codeChallenge: text('code_challenge').notNull(),
    resource: text('resource').notNull(),
    scope: text('scope').notNull(),
    /** The refresh-token family this code produced, revoked if the code is replayed. */
    familyId: uuid('family_id'),
    /** OpenID Connect: the request's `nonce`, echoed in the ID token. */
    nonce: text('nonce'),
    /** OpenID Connect: when the user logged in (the ID token's `auth_time`). */
    authTime: timestamp('auth_time', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('oauth_codes_expires_idx').on(t.expiresAt)],
);

/**
 * Refresh tokens, hashed. Each use rotates: the old row is marked used and a new one is
 * issued in the same family. Presenting a used token revokes the whole family (RFC 9700).
 */
export const oauthRefreshTokens = pgTable(
  'oauth_refresh_tokens',
  {
    id: id(),
    tokenHash: text('token_hash').notNull().unique(),
    familyId: uuid('family_id').notNull(),
    ...grantParties(),
    resource: text('resource').notNull(),
    scope: text('scope').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('oauth_refresh_tokens_family_idx').on(t.familyId), index('oauth_refresh_tokens_user_idx').on(t.userId)],
);

/** A user's consent for one client on one virtual server; revocable. */
export const oauthConsents = pgTable(
  'oauth_consents',
  {
    id: id(),
    ...grantParties(),
    scope: text('scope').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [unique('oauth_consents_unique').on(t.userId, t.clientId, t.virtualServerId)],
);

export const signingAlgorithms = ['ES256', 'RS256'] as const;

/**
 * Access-token signing keys. The private JWK is a key-ring ciphertext. A key signs from
 * `activatesAt` until the next one activates, and is published until `expiresAt` so
 * tokens it signed keep verifying through the overlap.
 */
export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg', { enum: signingAlgorithms }).notNull(),
  publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
  privateJwk: text('private_jwk').notNull(),
  activatesAt: timestamp('activates_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});
