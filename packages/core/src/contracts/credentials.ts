import { z } from 'zod';
import { secretStateSchema, slugSchema, timestampSchema, uuidSchema } from './common.ts';

/**
 * Whose credentials reach an upstream. `shared`: the upstream's own headers/env/token, for
 * everybody (the default). The others are per person: `per-user` (values each person
 * supplies, `${user:NAME}` in headers/env), `oauth` (a token the gateway obtained as an
 * OAuth client of the upstream's authorization server), `token-exchange` (RFC 8693, from
 * the person's login), `identity-assertion` (a short-lived JWT the gateway signs).
 */
export const credentialModeSchema = z.enum(['shared', 'per-user', 'oauth', 'token-exchange', 'identity-assertion']);
export type CredentialMode = z.infer<typeof credentialModeSchema>;

export const userValueNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid name (letters, digits, "_")');
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid HTTP header name');
const secretValue = z.string().min(1).max(65_536);

/**
 * Options of each mode, as the API and the configuration document take them. A secret in
 * them (a service credential value) is write-only: reads show `{ hasValue: true }`; on
 * update a string sets it, `null` removes it, an absent key keeps it.
 */
export const perUserOptionsSchema = z
  .object({
    /**
     * Values the gateway itself uses to list the upstream's tools (a service account), by
     * the same names as `${user:NAME}`. Without them the catalog is listed with the first
     * connected person's values.
     */
    serviceCredential: z.record(userValueNameSchema, secretValue.nullable()).optional(),
  })
  .strict();

export const identityAssertionOptionsSchema = z
  .object({
    /** The header that carries the assertion. `Authorization` (the default) gets `Bearer <jwt>`, any other the bare JWT. */
    header: headerName.optional(),
    /** The JWT's `aud`. Default: the upstream's URL (stdio: `urn:switchboard:upstream:<name>`). */
    audience: z.string().min(1).max(2000).optional(),
    /** How long each assertion is valid; renewed before it expires. Default 300. */
    lifetimeSeconds: z.number().int().min(30).max(3600).optional(),
  })
  .strict();

/**
 * `oauth`: the gateway is an OAuth client of the upstream's authorization server. All
 * optional: `clientId`/`clientSecret` of a client the admin registered there (the secret is
 * write-only; null removes it), else a Client ID Metadata Document or Dynamic Client
 * Registration is used; `scopes` to ask for (default: what the upstream's metadata lists);
 * `authorizationServer` pins the AS (it must be one the upstream lists) and is an address
 * the gateway may contact even when it is private (an admin typed it).
 */
export const oauthOptionsSchema = z
  .object({
    clientId: z.string().min(1).max(2000).optional(),
    clientSecret: secretValue.nullable().optional(),
    scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
    authorizationServer: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();

/**
 * `token-exchange` (RFC 8693): the slug of the identity provider people log in with (the
 * upstream trusts it), and what to ask it for: `audience` (default: the upstream's URL),
 * optionally a `resource` and `scopes`.
 */
export const tokenExchangeOptionsSchema = z
  .object({
    identityProvider: slugSchema,
    audience: z.string().min(1).max(2000).optional(),
    resource: z.url().optional(),
    scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
  })
  .strict();

const openOptions = z.record(z.string(), z.unknown());

/** An upstream's credentials as set through the API or the configuration document. */
export const upstreamCredentialsInputSchema = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('shared') }).strict(),
    perUserOptionsSchema.extend({ mode: z.literal('per-user') }).strict(),
    identityAssertionOptionsSchema.extend({ mode: z.literal('identity-assertion') }).strict(),
    oauthOptionsSchema.extend({ mode: z.literal('oauth') }).strict(),
    tokenExchangeOptionsSchema.extend({ mode: z.literal('token-exchange') }).strict(),
  ])
  .meta({ id: 'UpstreamCredentialsInput' });
export type UpstreamCredentialsInput = z.infer<typeof upstreamCredentialsInputSchema>;

/** The config document's `"credentials"`: a mode name alone, or the object with its options. */
export const credentialsConfigSchema = z.union([credentialModeSchema, upstreamCredentialsInputSchema]);

export function normalizeCredentialsConfig(value: z.infer<typeof credentialsConfigSchema> | undefined): UpstreamCredentialsInput {
  if (value === undefined) return { mode: 'shared' };
  return typeof value === 'string' ? ({ mode: value } as UpstreamCredentialsInput) : value;
}

/** An upstream's credentials as the API shows them: the mode, the names people supply, options with secrets hidden. */
export const upstreamCredentialsSchema = z
  .object({
    mode: credentialModeSchema,
    /** The `${user:NAME}` names in the upstream's headers/env: what each person supplies (`per-user`). */
    userValues: z.array(z.string()),
    /** The mode's settings; secrets appear as `{ hasValue: true }`. */
    options: openOptions,
  })
  .meta({ id: 'UpstreamCredentials' });
export type UpstreamCredentials = z.infer<typeof upstreamCredentialsSchema>;

export const connectionStatusSchema = z.enum(['connected', 'needs_authorization', 'expired', 'not_connected']);
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

/** One upstream that needs the person's own credential, and where they stand with it. Never a value. */
export const connectionSchema = z
  .object({
    upstream: z.object({ id: uuidSchema, name: z.string(), description: z.string().nullable() }),
    mode: credentialModeSchema,
    status: connectionStatusSchema,
    /** `per-user`: each value the upstream needs, and whether this person has set it. */
    values: z.array(z.object({ name: z.string(), hasValue: z.boolean() })),
    /** The console page where the person connects (also what a client is sent when the connection is missing). */
    connectUrl: z.string(),
    /** Non-secret facts about the connection (scopes granted, the authorization server, …). */
    metadata: z.record(z.string(), z.unknown()),
    connectedAt: timestampSchema.nullable(),
    updatedAt: timestampSchema.nullable(),
    expiresAt: timestampSchema.nullable(),
  })
  .meta({ id: 'Connection' });
export type Connection = z.infer<typeof connectionSchema>;

export const connectionListSchema = z.object({ items: z.array(connectionSchema) }).meta({ id: 'ConnectionList' });

/** `PUT …/connections/{upstream}`: the person's values, all of them (write-only). */
export const connectionValuesSchema = z
  .object({ values: z.record(userValueNameSchema, secretValue) })
  .strict()
  .meta({ id: 'ConnectionValues' });
export type ConnectionValues = z.infer<typeof connectionValuesSchema>;

export { secretStateSchema };
