import { z } from 'zod';
import { secretStateSchema, slugSchema, timestampSchema, uuidSchema } from './common.ts';

const claimNameSchema = z.string().min(1).max(100);

/** Grants `role` to whoever logs in through the provider with `claim` containing `value`. */
export const roleMappingSchema = z
  .object({ claim: claimNameSchema, value: z.string().min(1).max(200), role: slugSchema })
  .strict()
  .meta({ id: 'RoleMapping' });
export type RoleMapping = z.infer<typeof roleMappingSchema>;

/**
 * An upstream OpenID Connect provider. The issuer must be https (http only for loopback,
 * which tests and local development use). `slug` names the callback URL
 * `/oauth/callback/{slug}` registered at the provider.
 */
export const identityProviderCreateSchema = z
  .object({
    slug: slugSchema,
    displayName: z.string().min(1).max(100),
    issuer: z.url().max(2000),
    clientId: z.string().min(1).max(500),
    /** Write-only; absent for public clients (PKCE only). */
    clientSecret: z.string().min(1).max(2000).optional(),
    scopes: z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/)).min(1).max(20).default(['openid', 'email', 'profile']),
    emailClaim: claimNameSchema.default('email'),
    nameClaim: claimNameSchema.default('name'),
    groupsClaim: claimNameSchema.default('groups'),
    enabled: z.boolean().default(true),
    roleMappings: z.array(roleMappingSchema).max(200).default([]),
  })
  .strict()
  .meta({ id: 'IdentityProviderCreate' });
export type IdentityProviderCreate = z.infer<typeof identityProviderCreateSchema>;

/**
 * The create fields without their defaults: zod applies a default even inside `.partial()`,
 * so deriving this from the create schema would reset every omitted field on PATCH.
 */
export const identityProviderUpdateSchema = identityProviderCreateSchema
  .extend({
    clientSecret: z.string().min(1).max(2000).nullable(),
    scopes: identityProviderCreateSchema.shape.scopes.removeDefault(),
    emailClaim: claimNameSchema,
    nameClaim: claimNameSchema,
    groupsClaim: claimNameSchema,
    enabled: z.boolean(),
    roleMappings: identityProviderCreateSchema.shape.roleMappings.removeDefault(),
  })
  .partial()
  .strict()
  .meta({ id: 'IdentityProviderUpdate' });
export type IdentityProviderUpdate = z.infer<typeof identityProviderUpdateSchema>;

export const identityProviderSchema = z
  .object({
    id: uuidSchema,
    slug: z.string(),
    displayName: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    clientSecret: secretStateSchema,
    scopes: z.array(z.string()),
    emailClaim: z.string(),
    nameClaim: z.string(),
    groupsClaim: z.string(),
    enabled: z.boolean(),
    roleMappings: z.array(roleMappingSchema),
    /** The redirect URI to register at the provider. */
    callbackUrl: z.string(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'IdentityProvider' });
export type IdentityProvider = z.infer<typeof identityProviderSchema>;
