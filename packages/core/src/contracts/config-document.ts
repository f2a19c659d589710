import { z } from 'zod';
import { slugSchema, uuidSchema } from './common.ts';
import { emailSchema } from './identity.ts';
import { policyEffectSchema, policyKindSchema, policyPatternSchema } from './policies.ts';
import { maxMessageBytesSchema, upstreamProtocolSchema } from './upstreams.ts';
import { accessDefaultSchema, authModeSchema, exposedNameSchema, prefixModeSchema } from './virtual-servers.ts';

/**
 * The configuration document: `--config` file, `POST /api/v1/import`, `GET /api/v1/export`.
 * `mcpServers` is exactly Claude's format so an existing client config can be pasted in;
 * unknown keys other clients add (e.g. `autoApprove`) are ignored rather than rejected.
 */
const switchboardExtras = z.object({
  description: z.string().max(1000).optional(),
  disabled: z.boolean().optional(),
  connectAtBoot: z.boolean().optional(),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  /** `legacy` pins a 2025-era session; absent means `auto` (see upstreamProtocolSchema). */
  protocol: upstreamProtocolSchema.optional(),
});

const stdioServer = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
  /** The largest single message accepted from this upstream, in bytes (default 10 MiB). */
  maxMessageBytes: maxMessageBytesSchema.optional(),
});

const remoteServer = z.object({
  /** `http` is Claude Code's name for Streamable HTTP. */
  type: z.enum(['sse', 'streamable-http', 'http']),
  url: z.url({ protocol: /^https?$/ }),
  headers: z.record(z.string(), z.string()).default({}),
  bearerToken: z.string().optional(),
});

/**
 * The extras are checked beside the transport union, not inside each branch: a bad
 * `protocol` or `timeoutMs` is then reported at its own path rather than as the union's
 * "Invalid input" for the whole entry.
 */
export const mcpServerConfigSchema = z.intersection(switchboardExtras, z.union([stdioServer, remoteServer]));
export type McpServerConfig = z.infer<typeof mcpServerConfigSchema>;

const singleEntry = z.union([
  z.string().regex(/^[A-Za-z0-9_-]+:.+$/, 'must be "upstream:name"'),
  z.object({
    upstream: slugSchema,
    name: z.string().min(1),
    exposedName: exposedNameSchema.optional(),
    description: z.string().max(4000).optional(),
  }),
]);

export const virtualServerConfigSchema = z.object({
  id: uuidSchema.optional(),
  description: z.string().max(1000).optional(),
  upstreams: z.array(slugSchema).default([]),
  tools: z.array(singleEntry).default([]),
  resources: z.array(singleEntry).default([]),
  prompts: z.array(singleEntry).default([]),
  prefix: prefixModeSchema.default('always'),
  auth: authModeSchema.default('oauth'),
  defaultAccess: accessDefaultSchema.default('deny'),
  /** Store call arguments and results in the audit trail (redacted, size-capped). */
  auditPayloads: z.boolean().optional(),
  disabled: z.boolean().optional(),
});
export type VirtualServerConfig = z.infer<typeof virtualServerConfigSchema>;

const patterns = z.array(policyPatternSchema).default([]);

export const userConfigSchema = z.object({
  name: z.string().max(200).optional(),
  password: z.string().min(8).max(1024).optional(),
  admin: z.boolean().optional(),
  disabled: z.boolean().optional(),
  roles: z.array(slugSchema).default([]),
  allowed_tools: patterns,
  denied_tools: patterns,
});

export const roleConfigSchema = z.object({
  description: z.string().max(1000).optional(),
  allowed_tools: patterns,
  denied_tools: patterns,
});

/** Rules that `allowed_tools`/`denied_tools` cannot express (one server, resources, prompts). */
export const policyConfigSchema = z.object({
  subject: z.string().regex(/^(user|role):.+$/, 'must be "user:<email>" or "role:<name>"'),
  virtualServer: slugSchema.optional(),
  effect: policyEffectSchema.default('allow'),
  kind: policyKindSchema.default('tool'),
  pattern: policyPatternSchema,
});

export const configDocumentSchema = z
  .object({
    mcpServers: z.record(slugSchema, mcpServerConfigSchema).default({}),
    virtualServers: z.record(slugSchema, virtualServerConfigSchema).default({}),
    users: z.record(emailSchema, userConfigSchema).default({}),
    roles: z.record(slugSchema, roleConfigSchema).default({}),
    policies: z.array(policyConfigSchema).default([]),
  })
  .strict()
  .meta({ id: 'ConfigDocument' });
export type ConfigDocument = z.infer<typeof configDocumentSchema>;
export type ConfigDocumentInput = z.input<typeof configDocumentSchema>;
