import { z } from 'zod';
import { slugSchema, uuidSchema } from './common.ts';
import { nearestKey, strictSection } from './config-document-keys.ts';
import { emailSchema } from './identity.ts';
import { policyEffectSchema, policyKindSchema, policyPatternSchema } from './policies.ts';
import { credentialsConfigSchema } from './credentials.ts';
import { maxMessageBytesSchema, upstreamProtocolSchema } from './upstreams.ts';
import { accessDefaultSchema, authModeSchema, exposedNameSchema, prefixModeSchema } from './virtual-servers.ts';

/**
 * The configuration document: `--config` file, `POST /api/v1/import`, `GET /api/v1/export`.
 * `mcpServers` is exactly Claude's format so an existing client config can be pasted in;
 * unknown keys other clients add (e.g. `autoApprove`) are ignored rather than rejected,
 * and named as warnings (mcpServerKeyWarnings). Our own sections reject unknown keys.
 */
const switchboardExtras = z.object({
  description: z.string().max(1000).optional(),
  disabled: z.boolean().optional(),
  connectAtBoot: z.boolean().optional(),
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  /** `legacy` pins a 2025-era session; absent means `auto` (see upstreamProtocolSchema). */
  protocol: upstreamProtocolSchema.optional(),
  /**
   * Whose credentials reach the upstream: `"per-user"` (with `${user:NAME}` in headers/env,
   * kept as written), `"identity-assertion"`, `"oauth"`, `"token-exchange"`, or an object
   * `{ "mode": …, options }`. Absent: `shared`.
   */
  credentials: credentialsConfigSchema.optional(),
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
export const mcpServerConfigSchema = z.intersection(
  switchboardExtras,
  z.union([stdioServer, remoteServer], { error: (issue) => (issue.code === 'invalid_union' ? describeTransport(issue) : undefined) }),
);

const TRANSPORTS = 'either "command" (a stdio server, with optional args, env, cwd) or "type" + "url" (type "http", "streamable-http" or "sse")';

/** The union's "Invalid input" says what an entry needs: the problem in the branch the entry was meant for. */
function describeTransport(issue: { input?: unknown; errors: { path: PropertyKey[]; message: string }[][] }): string {
  const input = issue.input;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return `expected an object with ${TRANSPORTS}`;
  const branch = 'command' in input ? issue.errors[0] : 'url' in input || 'type' in input ? issue.errors[1] : undefined;
  const first = branch?.[0];
  if (!first) return `expected ${TRANSPORTS}`;
  const key = first.path[0];
  const problem =
    first.path.length === 1 && typeof key === 'string' && !(key in input)
      ? `missing "${key}"`
      : `${first.path.join('.')}${first.path.length ? ': ' : ''}${first.message}`;
  return `${problem} (expected ${TRANSPORTS})`;
}

const EXTRA_KEYS = Object.keys(switchboardExtras.shape);
const STDIO_KEYS = [...Object.keys(stdioServer.shape), ...EXTRA_KEYS];
const REMOTE_KEYS = [...Object.keys(remoteServer.shape), ...EXTRA_KEYS];

/**
 * Keys of `mcpServers` entries that Switchboard ignores (other clients' extensions such as
 * `autoApprove`, or typos such as `enviroment`): one warning per entry, naming each key.
 * `raw` is the document as given (after `${VAR}` substitution), before parsing strips them.
 */
export function mcpServerKeyWarnings(raw: unknown): string[] {
  const servers = (raw as { mcpServers?: unknown } | null)?.mcpServers;
  if (typeof servers !== 'object' || servers === null) return [];
  const warnings: string[] = [];
  for (const [name, entry] of Object.entries(servers)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const valid = 'command' in entry ? STDIO_KEYS : REMOTE_KEYS;
    const ignored = Object.keys(entry).filter((key) => !valid.includes(key));
    if (!ignored.length) continue;
    const described = ignored.map((key) => {
      const near = nearestKey(key, valid);
      return near ? `"${key}" (did you mean "${near}"?)` : `"${key}"`;
    });
    warnings.push(`mcpServers.${name}: ignored key${ignored.length === 1 ? '' : 's'} ${described.join(', ')}`);
  }
  return warnings;
}
export type McpServerConfig = z.infer<typeof mcpServerConfigSchema>;

const singleEntry = z.union([
  z.string().regex(/^[A-Za-z0-9_-]+:.+$/, 'must be "upstream:name"'),
  strictSection({
    upstream: slugSchema,
    name: z.string().min(1),
    exposedName: exposedNameSchema.optional(),
    description: z.string().max(4000).optional(),
  }),
]);

export const virtualServerConfigSchema = strictSection({
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

export const userConfigSchema = strictSection({
  name: z.string().max(200).optional(),
  password: z.string().min(8).max(1024).optional(),
  admin: z.boolean().optional(),
  disabled: z.boolean().optional(),
  roles: z.array(slugSchema).default([]),
  allowed_tools: patterns,
  denied_tools: patterns,
});

export const roleConfigSchema = strictSection({
  description: z.string().max(1000).optional(),
  allowed_tools: patterns,
  denied_tools: patterns,
});

/** Rules that `allowed_tools`/`denied_tools` cannot express (one server, resources, prompts). */
export const policyConfigSchema = strictSection({
  subject: z.string().regex(/^(user|role):.+$/, 'must be "user:<email>" or "role:<name>"'),
  virtualServer: slugSchema.optional(),
  effect: policyEffectSchema.default('allow'),
  kind: policyKindSchema.default('tool'),
  pattern: policyPatternSchema,
});

/** A record keyed by names: a bad name says which rule it breaks, not "Invalid key in record". */
const namedRecord = <V extends z.ZodType>(what: string, key: z.ZodType<string, string>, value: V) =>
  z.record(key, value, {
    error: (issue) =>
      issue.code === 'invalid_key' ? `invalid ${what}: ${issue.issues[0]?.message ?? 'not valid'}` : undefined,
  });

export const configDocumentSchema = strictSection({
  mcpServers: namedRecord('upstream name', slugSchema, mcpServerConfigSchema).default({}),
  virtualServers: namedRecord('virtual server name', slugSchema, virtualServerConfigSchema).default({}),
  users: namedRecord('user email', emailSchema, userConfigSchema).default({}),
  roles: namedRecord('role name', slugSchema, roleConfigSchema).default({}),
  policies: z.array(policyConfigSchema).default([]),
}).meta({ id: 'ConfigDocument' });
export type ConfigDocument = z.infer<typeof configDocumentSchema>;
export type ConfigDocumentInput = z.input<typeof configDocumentSchema>;
