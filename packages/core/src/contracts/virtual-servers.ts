import { z } from 'zod';
import { slugSchema, timestampSchema, uuidSchema } from './common.ts';

export const prefixModeSchema = z.enum(['always', 'never']);
/** Resource URIs as upstreams list them, or each under `switchboard://{upstream}/` (reversible; no conflicts between upstreams). */
export const resourceUriModeSchema = z.enum(['original', 'namespaced']);
export const authModeSchema = z.enum(['oauth', 'none', 'api-key']);
export const accessDefaultSchema = z.enum(['deny', 'allow']);
export const entryKindSchema = z.enum(['upstream', 'tool', 'resource', 'prompt']);

/** MCP tool-name rule (1–128 of A–Z a–z 0–9 _ - .), and ≤ 64 because clients reject longer. */
export const exposedNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 characters of letters, digits, "_", "-" or "."');

export const virtualServerEntrySchema = z
  .object({
    upstreamId: uuidSchema,
    kind: entryKindSchema.default('upstream'),
    /** The upstream's own name of the tool/resource/prompt; absent for a whole upstream. */
    name: z.string().min(1).max(1024).nullish(),
    exposedName: exposedNameSchema.nullish(),
    description: z.string().max(4000).nullish(),
  })
  .refine((e) => (e.kind === 'upstream') === (e.name == null), {
    message: 'name is required for a single tool/resource/prompt and must be absent for a whole upstream',
    path: ['name'],
  })
  .refine((e) => e.kind !== 'upstream' || (e.exposedName == null && e.description == null), {
    message: 'a whole-upstream entry cannot be renamed or re-described; add single entries for that',
    path: ['exposedName'],
  });
export type VirtualServerEntry = z.infer<typeof virtualServerEntrySchema>;

const fields = {
  name: slugSchema,
  description: z.string().max(1000).nullish(),
  prefixMode: prefixModeSchema.default('always'),
  resourceUris: resourceUriModeSchema.default('original'),
  authMode: authModeSchema.default('oauth'),
  defaultAccess: accessDefaultSchema.default('deny'),
  enabled: z.boolean().default(true),
  /** Store (redacted, size-capped) call arguments and results in the audit trail. */
  auditPayloads: z.boolean().default(false),
  entries: z.array(virtualServerEntrySchema).max(1000).default([]),
};

export const virtualServerCreateSchema = z
  .object({ id: uuidSchema.optional(), ...fields })
  .strict()
  .meta({ id: 'VirtualServerCreate' });
export type VirtualServerCreate = z.infer<typeof virtualServerCreateSchema>;

export const virtualServerUpdateSchema = z
  .object({
    name: fields.name,
    description: z.string().max(1000).nullable(),
    prefixMode: prefixModeSchema,
    resourceUris: resourceUriModeSchema,
    authMode: authModeSchema,
    defaultAccess: accessDefaultSchema,
    enabled: z.boolean(),
    auditPayloads: z.boolean(),
    entries: z.array(virtualServerEntrySchema).max(1000),
  })
  .partial()
  .strict()
  .meta({ id: 'VirtualServerUpdate' });
export type VirtualServerUpdate = z.infer<typeof virtualServerUpdateSchema>;

export const virtualServerSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    description: z.string().nullable(),
    prefixMode: prefixModeSchema,
    resourceUris: resourceUriModeSchema,
    authMode: authModeSchema,
    defaultAccess: accessDefaultSchema,
    enabled: z.boolean(),
    auditPayloads: z.boolean(),
    /** The MCP endpoint clients connect to. */
    url: z.string(),
    entries: z.array(
      z.object({
        upstreamId: uuidSchema,
        upstreamName: z.string(),
        kind: entryKindSchema,
        name: z.string().nullable(),
        exposedName: z.string().nullable(),
        description: z.string().nullable(),
      }),
    ),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'VirtualServer' });
export type VirtualServer = z.infer<typeof virtualServerSchema>;
