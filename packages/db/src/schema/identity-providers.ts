import { boolean, index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { roles, users } from './identity.ts';

/**
 * An upstream OpenID Connect provider people can log in with. Switchboard is one
 * confidential client at the provider ("DCR proxy"); `client_secret` is a key-ring
 * ciphertext. `slug` names the callback URL `/oauth/callback/{slug}`.
 */
export const identityProviders = pgTable('identity_providers', {
  id: id(),
  slug: text('slug').notNull().unique(),
  displayName: text('display_name').notNull(),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  clientSecret: text('client_secret'),
  scopes: text('scopes').array().notNull().default(['openid', 'email', 'profile']),
  emailClaim: text('email_claim').notNull().default('email'),
  nameClaim: text('name_claim').notNull().default('name'),
  groupsClaim: text('groups_claim').notNull().default('groups'),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A person's account at a provider, linked to our user. Claims are the last seen at login. */
export const userIdentities = pgTable(
  'user_identities',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    identityProviderId: uuid('identity_provider_id')
      .notNull()
      .references(() => identityProviders.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    claims: jsonb('claims').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * The person's tokens at the provider from their last login (a key-ring ciphertext of
     * `{ access_token, refresh_token?, expires_at? }`), for token exchange (RFC 8693) to
     * upstreams that trust the same provider. Null until they log in again.
     */
    tokens: text('tokens'),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [unique('user_identities_subject').on(t.identityProviderId, t.subject), index('user_identities_user_idx').on(t.userId)],
);

/**
 * Grants a role to whoever logs in with a claim holding a value (e.g. `groups` contains
 * `eng`). A null provider means the mapping applies to every provider.
 */
export const idpRoleMappings = pgTable(
  'idp_role_mappings',
  {
    id: id(),
    identityProviderId: uuid('identity_provider_id').references(() => identityProviders.id, { onDelete: 'cascade' }),
    claim: text('claim').notNull(),
    value: text('value').notNull(),
    roleId: uuid('role_id')
      .notNull()
      .references(() => roles.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [unique('idp_role_mappings_unique').on(t.identityProviderId, t.claim, t.value, t.roleId).nullsNotDistinct()],
);
