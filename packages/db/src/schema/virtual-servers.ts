import { boolean, index, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { upstreams } from './upstreams.ts';

export const prefixModes = ['always', 'never'] as const;
export const resourceUriModes = ['original', 'namespaced'] as const;
export const authModes = ['oauth', 'none', 'api-key'] as const;
export const accessDefaults = ['deny', 'allow'] as const;
export const entryKinds = ['upstream', 'tool', 'resource', 'prompt'] as const;

export const virtualServers = pgTable('virtual_servers', {
  id: id(),
  name: text('name').notNull().unique(),
  description: text('description'),
  prefixMode: text('prefix_mode', { enum: prefixModes }).notNull().default('always'),
  /** Resource URIs as the upstreams list them, or each under `switchboard://{upstream}/` (core/federation/naming.ts). */
  resourceUris: text('resource_uris', { enum: resourceUriModes }).notNull().default('original'),
  authMode: text('auth_mode', { enum: authModes }).notNull().default('oauth'),
  defaultAccess: text('default_access', { enum: accessDefaults }).notNull().default('deny'),
  enabled: boolean('enabled').notNull().default(true),
  /** Opt-in: store (size-capped, redacted) call arguments and results in the audit trail. */
  auditPayloads: boolean('audit_payloads').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * What a virtual server exposes: a whole upstream (`kind = 'upstream'`, `name` null) or a
 * single tool/resource/prompt of one, optionally renamed and re-described.
 */
export const virtualServerEntries = pgTable(
  'virtual_server_entries',
  {
    id: id(),
    virtualServerId: uuid('virtual_server_id')
      .notNull()
      .references(() => virtualServers.id, { onDelete: 'cascade' }),
    upstreamId: uuid('upstream_id')
      .notNull()
      .references(() => upstreams.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: entryKinds }).notNull(),
    name: text('name'),
    exposedName: text('exposed_name'),
    description: text('description'),
    createdAt: createdAt(),
  },
  (t) => [
    index('virtual_server_entries_server_idx').on(t.virtualServerId),
    unique('virtual_server_entries_unique').on(t.virtualServerId, t.upstreamId, t.kind, t.name).nullsNotDistinct(),
  ],
);
