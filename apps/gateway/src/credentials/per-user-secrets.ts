import { fillUserPlaceholders } from '@switchboard/core/credentials/placeholders';
import type { KeyRing } from '@switchboard/auth/secret-box';
import type { StoredConnection, UserConnectionStore } from './connection-store.ts';
import type { CatalogFromConnection } from './credentials.ts';
import { CredentialRequired, type CredentialProvider, type CredentialUpstream, type ResolvedCredential } from './types.ts';

/** What a `secrets` connection's payload holds. */
export interface SecretsPayload {
  values: Record<string, string>;
}

/** The upstream's templated headers (HTTP) or env (stdio), filled from `values`; undefined when one is missing. */
export function fillTemplate(upstream: CredentialUpstream, values: Record<string, string>) {
  const filled = fillUserPlaceholders(upstream.template, values);
  if (!filled) return undefined;
  return upstream.transport === 'stdio' ? { env: filled } : { headers: filled };
}

/**
 * `per-user`: each person's own values for the `${user:NAME}` placeholders of the
 * upstream's headers/env (`PUT /api/v1/me/connections/{upstream}`). One connection per
 * person (on stdio, one process), replaced when they change their values.
 */
export function perUserSecrets(options: { store: UserConnectionStore; secrets: KeyRing }): CredentialProvider & { catalogFromConnection: CatalogFromConnection } {
  return {
    mode: 'per-user',
    needsConnection: true,
    async resolve(upstream, subject): Promise<ResolvedCredential> {
      const connection = await options.store.get(subject.userId, upstream.id);
      if (connection?.kind !== 'secrets') throw new CredentialRequired(upstream.id, upstream.name, 'not_connected');
      if (connection.status !== 'connected') throw new CredentialRequired(upstream.id, upstream.name, connection.status);
      // a value the upstream started to need after the person connected counts as not connected
      const filled = fillTemplate(upstream, (connection.payload as SecretsPayload).values ?? {});
      if (!filled) throw new CredentialRequired(upstream.id, upstream.name, 'not_connected');
      return { mode: 'per-user', key: subject.userId, version: String(connection.updatedAt.getTime()), ...filled };
    },
    catalogCredential(upstream) {
      const service = upstream.options.serviceCredential as Record<string, string> | undefined;
      if (!service || Object.keys(service).length === 0) return undefined;
      const values = Object.fromEntries(Object.entries(service).map(([name, value]) => [name, options.secrets.decrypt(value)]));
      return fillTemplate(upstream, values);
    },
    catalogFromConnection(upstream, connection: StoredConnection) {
      if (connection.kind !== 'secrets') return undefined;
      return fillTemplate(upstream, (connection.payload as SecretsPayload).values ?? {});
    },
  };
}
