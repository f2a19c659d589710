import type { KeyRing } from '@switchboard/auth/secret-box';
import type { VirtualServerSpec } from '@switchboard/core/federation/routing-table';
import type { UpstreamSpec } from '@switchboard/core/upstream/types';
import type { Database } from '@switchboard/db/client';
import { upstreams, virtualServerEntries, virtualServers } from '@switchboard/db/schema';
import { userPlaceholders } from '@switchboard/core/credentials/placeholders';
import type { CredentialUpstream } from '../credentials/types.ts';
import { decryptMap } from '../services/secret-fields.ts';

type UpstreamRow = typeof upstreams.$inferSelect;

/** A virtual server's routing spec plus what the HTTP layer needs (its auth mode). */
export type GatewayServerSpec = VirtualServerSpec & { authMode: 'oauth' | 'none' | 'api-key'; auditPayloads: boolean };

/** A stored upstream as the engine runs it: secrets decrypted, in memory only. */
export function toUpstreamSpec(row: UpstreamRow, ring: KeyRing): UpstreamSpec {
  const common = {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    connectAtBoot: row.connectAtBoot,
    timeoutMs: row.timeoutMs,
    protocol: row.protocol,
  };
  if (row.transport === 'stdio') {
    return {
      ...common,
      transport: 'stdio',
      command: row.command ?? '',
      args: row.args,
      env: decryptMap(ring, row.env),
      cwd: row.cwd,
      maxMessageBytes: row.maxMessageBytes,
    };
  }
  return {
    ...common,
    transport: row.transport,
    url: row.url ?? '',
    headers: decryptMap(ring, row.headers),
    bearerToken: row.bearerToken ? ring.decrypt(row.bearerToken) : null,
  };
}

/** A per-person upstream as the credential providers see it; undefined for a shared one. */
export function toCredentialUpstream(row: UpstreamRow, spec: UpstreamSpec): CredentialUpstream | undefined {
  if (row.credentialMode === 'shared') return undefined;
  const template = spec.transport === 'stdio' ? spec.env : spec.headers;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    mode: row.credentialMode,
    transport: row.transport,
    url: row.url,
    template,
    userValues: userPlaceholders(template),
    options: row.credentialOptions,
  };
}

/** Everything federation needs from the database, read in one go. */
export async function loadFederationSpecs(db: Database, ring: KeyRing) {
  const [upstreamRows, serverRows, entryRows] = await Promise.all([
    db.select().from(upstreams),
    db.select().from(virtualServers),
    db.select().from(virtualServerEntries).orderBy(virtualServerEntries.createdAt, virtualServerEntries.id),
  ]);
  const servers: GatewayServerSpec[] = serverRows.map((s) => ({
    id: s.id,
    name: s.name,
    authMode: s.authMode,
    auditPayloads: s.auditPayloads,
    prefixMode: s.prefixMode,
    enabled: s.enabled,
    entries: entryRows
      .filter((e) => e.virtualServerId === s.id)
      .map((e) => ({ upstreamId: e.upstreamId, kind: e.kind, name: e.name, exposedName: e.exposedName, description: e.description })),
  }));
  const upstreamSpecs = upstreamRows.map((row) => toUpstreamSpec(row, ring));
  const credentialUpstreams = upstreamRows.flatMap((row, i) => toCredentialUpstream(row, upstreamSpecs[i]!) ?? []);
  return { upstreams: upstreamSpecs, credentialUpstreams, servers };
}
