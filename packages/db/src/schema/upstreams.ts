import { boolean, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';

export const upstreamTransports = ['stdio', 'sse', 'streamable-http'] as const;
export type UpstreamTransport = (typeof upstreamTransports)[number];

/** `auto` negotiates the era (2026-07-28 when offered); `legacy` pins a 2025-era session. */
export const upstreamProtocols = ['auto', 'legacy'] as const;
export type UpstreamProtocol = (typeof upstreamProtocols)[number];

/** How the gateway obtains a person's token for an upstream (see the gateway's upstream-oauth/). */
export interface UpstreamOAuthSettings {
  /** A client pre-registered at the upstream's authorization server; absent: CIMD or DCR. */
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
  /** The AS issuer the admin names (pins discovery, and is a trusted origin for it). */
  authorizationServer?: string;
  /** Token exchange: the slug of the identity provider people log in with, whose tokens are exchanged. */
  identityProvider?: string;
  /** Token exchange: the audience (or resource) asked for; default the upstream's URL. */
  audience?: string;
}

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
  /** Per-user OAuth and token-exchange settings (credentials modes `oauth`, `token-exchange`); `clientSecret` is a ciphertext. */
  oauth: jsonb('oauth').$type<UpstreamOAuthSettings>(),
  enabled: boolean('enabled').notNull().default(true),
  connectAtBoot: boolean('connect_at_boot').notNull().default(false),
  timeoutMs: integer('timeout_ms').notNull().default(60_000),
  protocol: text('protocol', { enum: upstreamProtocols }).notNull().default('auto'),
  /** stdio: the largest single message accepted, in bytes; null = the default (10 MiB). */
  maxMessageBytes: integer('max_message_bytes'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
