import { boolean, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';

export const upstreamTransports = ['stdio', 'sse', 'streamable-http'] as const;
export type UpstreamTransport = (typeof upstreamTransports)[number];

/** `auto` negotiates the era (2026-07-28 when offered); `legacy` pins a 2025-era session. */
export const upstreamProtocols = ['auto', 'legacy'] as const;
export type UpstreamProtocol = (typeof upstreamProtocols)[number];

export const credentialModes = ['shared', 'per-user', 'oauth', 'token-exchange', 'identity-assertion'] as const;
export type CredentialModeName = (typeof credentialModes)[number];

/**
 * An upstream MCP server. Secret-bearing fields (`env`, `headers`, `bearer_token`) hold
 * ciphertexts from the key ring (`sb1.<kid>....`), never plaintext.
 */
export const upstreams = pgTable('upstreams', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description'),
  transport: text('transport', { enum: upstreamTransports }).notNull(),
  command: text('command'),
  args: jsonb('args').$type<string[]>().notNull().default([]),
  cwd: text('cwd'),
  url: text('url'),
  env: jsonb('env').$type<Record<string, string>>().notNull().default({}),
  headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
  bearerToken: text('bearer_token'),
  enabled: boolean('enabled').notNull().default(true),
  connectAtBoot: boolean('connect_at_boot').notNull().default(false),
  timeoutMs: integer('timeout_ms').notNull().default(60_000),
  protocol: text('protocol', { enum: upstreamProtocols }).notNull().default('auto'),
  /** stdio: the largest single message accepted, in bytes; null = the default (10 MiB). */
  maxMessageBytes: integer('max_message_bytes'),
  /**
   * Whose credentials reach the upstream: `shared` (the values above, for everybody) or one
   * of the per-person modes (see user_connections). `credential_options` holds the mode's
   * settings; any secret in it (a service credential, a client secret) is a ciphertext.
   */
  credentialMode: text('credential_mode', { enum: credentialModes }).notNull().default('shared'),
  credentialOptions: jsonb('credential_options').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
