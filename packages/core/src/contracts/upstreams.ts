import { z } from 'zod';
import { secretStateSchema, slugSchema, timestampSchema, uuidSchema } from './common.ts';
import { upstreamCredentialsInputSchema, upstreamCredentialsSchema } from './credentials.ts';

export const upstreamTransportSchema = z.enum(['stdio', 'sse', 'streamable-http']);
export type UpstreamTransportName = z.infer<typeof upstreamTransportSchema>;

/**
 * `auto`: 2026-07-28 when the upstream offers it, else a 2025-era session. `legacy` pins a
 * 2025-era session (`initialize`), for upstreams whose 2026-07-28 support is broken or
 * costlier than their sessions. SSE upstreams are 2025-era either way.
 */
export const upstreamProtocolSchema = z.enum(['auto', 'legacy']);
export type UpstreamProtocolName = z.infer<typeof upstreamProtocolSchema>;

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid environment variable name');
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be a valid HTTP header name');
const httpUrl = z.url({ protocol: /^https?$/ });
/**
 * The largest single message a stdio upstream may send, in bytes; a bigger one fails only
 * the request it answers. Null: 10 MiB (the MCP SDK's buffer cap).
 */
export const maxMessageBytesSchema = z.number().int().min(65_536).max(1_073_741_824);

const upstreamBase = {
  name: slugSchema,
  description: z.string().max(1000).nullish(),
  enabled: z.boolean().default(true),
  connectAtBoot: z.boolean().default(false),
  timeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
  protocol: upstreamProtocolSchema.default('auto'),
  /** Whose credentials reach the upstream (see contracts/credentials.ts); default `shared`. */
  credentials: upstreamCredentialsInputSchema.default({ mode: 'shared' }),
};

export const upstreamCreateSchema = z
  .discriminatedUnion('transport', [
    z.object({
      ...upstreamBase,
      transport: z.literal('stdio'),
      command: z.string().min(1).max(4096),
      args: z.array(z.string().max(4096)).max(256).default([]),
      cwd: z.string().max(4096).nullish(),
      env: z.record(envName, z.string().max(65_536)).default({}),
      maxMessageBytes: maxMessageBytesSchema.nullish(),
    }),
    z.object({
      ...upstreamBase,
      transport: z.enum(['sse', 'streamable-http']),
      url: httpUrl,
      headers: z.record(headerName, z.string().max(65_536)).default({}),
      bearerToken: z.string().min(1).max(65_536).nullish(),
    }),
  ])
  .meta({ id: 'UpstreamCreate' });
export type UpstreamCreate = z.infer<typeof upstreamCreateSchema>;

/**
 * Partial update. Secret maps merge: a string sets a value, `null` removes the key, keys
 * not mentioned keep their (unseen) value — so a console can edit one header safely.
 */
export const upstreamUpdateSchema = z
  .object({
    name: slugSchema,
    description: z.string().max(1000).nullable(),
    enabled: z.boolean(),
    connectAtBoot: z.boolean(),
    timeoutMs: upstreamBase.timeoutMs.unwrap(),
    protocol: upstreamProtocolSchema,
    transport: upstreamTransportSchema,
    command: z.string().min(1).max(4096),
    args: z.array(z.string().max(4096)).max(256),
    cwd: z.string().max(4096).nullable(),
    url: httpUrl,
    env: z.record(envName, z.string().max(65_536).nullable()),
    headers: z.record(headerName, z.string().max(65_536).nullable()),
    bearerToken: z.string().min(1).max(65_536).nullable(),
    maxMessageBytes: maxMessageBytesSchema.nullable(),
    /** Replaces the mode and its options; a per-user service credential merges like the secret maps. */
    credentials: upstreamCredentialsInputSchema,
  })
  .partial()
  .strict()
  .meta({ id: 'UpstreamUpdate' });
export type UpstreamUpdate = z.infer<typeof upstreamUpdateSchema>;

export const upstreamStatusSchema = z
  .object({
    state: z.enum(['idle', 'starting', 'connected', 'failing', 'stopped']),
    since: timestampSchema,
    lastError: z.string().nullable(),
    protocolVersion: z.string().nullable(),
    restarts: z.number().int(),
    inFlight: z.number().int(),
    /** Client sessions served by a dedicated connection (2025-era stdio/SSE upstreams asking for input). */
    isolatedSessions: z.number().int(),
    /** People's own connections (per-person credentials; on stdio, one process each). */
    personalConnections: z.number().int(),
    tools: z.number().int(),
    resources: z.number().int(),
    prompts: z.number().int(),
  })
  .meta({ id: 'UpstreamStatus' });
export type UpstreamStatusDto = z.infer<typeof upstreamStatusSchema>;

/** What an upstream offered when last listed (items exactly as the upstream sent them). */
export const upstreamCatalogSchema = z
  .object({
    tools: z.array(z.record(z.string(), z.unknown())),
    resources: z.array(z.record(z.string(), z.unknown())),
    resourceTemplates: z.array(z.record(z.string(), z.unknown())),
    prompts: z.array(z.record(z.string(), z.unknown())),
    serverInfo: z.record(z.string(), z.unknown()).nullable(),
    instructions: z.string().nullable(),
    /** When the lists last changed. */
    refreshedAt: timestampSchema,
    /** When the upstream was last listed, whether or not anything changed. */
    checkedAt: timestampSchema,
  })
  .meta({ id: 'UpstreamCatalog' });
export type UpstreamCatalogDto = z.infer<typeof upstreamCatalogSchema>;

export const upstreamSchema = z
  .object({
    id: uuidSchema,
    name: z.string(),
    description: z.string().nullable(),
    transport: upstreamTransportSchema,
    command: z.string().nullable(),
    args: z.array(z.string()),
    cwd: z.string().nullable(),
    url: z.string().nullable(),
    env: z.record(z.string(), secretStateSchema),
    headers: z.record(z.string(), secretStateSchema),
    bearerToken: secretStateSchema,
    enabled: z.boolean(),
    connectAtBoot: z.boolean(),
    timeoutMs: z.number().int(),
    protocol: upstreamProtocolSchema,
    /** stdio: the largest single message accepted, in bytes; null = 10 MiB. */
    maxMessageBytes: z.number().int().nullable(),
    credentials: upstreamCredentialsSchema,
    /** Live connection state in this gateway process; null when it is not running here. */
    status: upstreamStatusSchema.nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: 'Upstream' });
export type Upstream = z.infer<typeof upstreamSchema>;
