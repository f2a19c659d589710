import { z } from 'zod';
import { timestampSchema, uuidSchema } from './common.ts';

/**
 * `admin`: full admin API. `admin:read`: GET only. `mcp`: a person's own key for MCP
 * endpoints of `api-key` virtual servers (never the admin API), minted at `/api/v1/me/keys`.
 */
export const apiTokenScopeSchema = z.enum(['admin', 'admin:read', 'mcp']);
export type ApiTokenScopeName = z.infer<typeof apiTokenScopeSchema>;

/** The scopes an administrator gives an automation token; `mcp` keys are minted by their owner. */
export const adminTokenScopeSchema = z.enum(['admin', 'admin:read'], {
  error: 'must be "admin" or "admin:read" (personal MCP keys are minted at POST /api/v1/me/keys)',
});

export const apiTokenCreateSchema = z
  .object({
    name: z.string().min(1).max(100),
    scopes: z.array(adminTokenScopeSchema).min(1).max(2).default(['admin']),
    expiresAt: timestampSchema.nullish(),
  })
  .strict()
  .meta({ id: 'ApiTokenCreate' });
export type ApiTokenCreate = z.infer<typeof apiTokenCreateSchema>;

/** `POST /api/v1/me/keys`: a personal MCP key, optionally limited to some virtual servers and expiring. */
export const mcpKeyCreateSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(100),
    expiresAt: timestampSchema.nullish().refine((at) => !at || Date.parse(at) > Date.now(), 'must be in the future'),
    /** Only these virtual servers accept the key; absent or null = every `api-key` server the owner may use. */
    virtualServerIds: z.array(uuidSchema).min(1, 'must name at least one virtual server (or be left out)').max(100).nullish(),
  })
  .strict()
  .meta({ id: 'McpKeyCreate' });
export type McpKeyCreate = z.infer<typeof mcpKeyCreateSchema>;

export const apiTokenSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    /** The first characters of the token, to recognise it; the token itself is never shown again. */
    prefix: z.string(),
    scopes: z.array(apiTokenScopeSchema),
    /** The person the token belongs to (an `mcp` key acts as them); null for a token of no person. */
    owner: z.object({ id: uuidSchema, email: z.string() }).nullable(),
    /** An `mcp` key limited to these virtual servers; null = not limited. */
    virtualServerIds: z.array(uuidSchema).nullable(),
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
