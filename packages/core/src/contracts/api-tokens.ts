import { z } from 'zod';
import { timestampSchema, uuidSchema } from './common.ts';

/** `admin`: full admin API. `admin:read`: GET only. */
export const apiTokenScopeSchema = z.enum(['admin', 'admin:read']);
export type ApiTokenScopeName = z.infer<typeof apiTokenScopeSchema>;

export const apiTokenCreateSchema = z
  .object({
    name: z.string().min(1).max(100),
    scopes: z.array(apiTokenScopeSchema).min(1).max(2).default(['admin']),
    expiresAt: timestampSchema.nullish(),
  })
  .strict()
  .meta({ id: 'ApiTokenCreate' });
export type ApiTokenCreate = z.infer<typeof apiTokenCreateSchema>;

export const apiTokenSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    /** The first characters of the token, to recognise it; the token itself is never shown again. */
    prefix: z.string(),
    scopes: z.array(apiTokenScopeSchema),
    createdAt: timestampSchema,
    lastUsedAt: timestampSchema.nullable(),
    expiresAt: timestampSchema.nullable(),
    revokedAt: timestampSchema.nullable(),
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof apiTokenSchema>;

/** The creation response: the only time the token value is ever returned. */
export const apiTokenCreatedSchema = apiTokenSchema.extend({ token: z.string() }).meta({ id: 'ApiTokenCreated' });
export type ApiTokenCreated = z.infer<typeof apiTokenCreatedSchema>;
