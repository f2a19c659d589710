import type { CredentialMode } from '@switchboard/core/contracts/credentials';
import type { UpstreamCredential, UpstreamSpec } from '@switchboard/core/upstream/types';
import type { Principal } from '../mcp/principal.ts';
import type { StoredConnection } from './connection-store.ts';

export type { CredentialMode };

/** The person a credential is resolved for (never an anonymous caller). */
export interface CredentialSubject {
  userId: string;
  email: string | null;
  /** Role names. */
  roles: string[];
  principal: Principal;
}

/**
 * An upstream whose credentials are per person, as the credential providers see it (built
 * from its row at every configuration load; in memory). `template` is the upstream's
 * headers (HTTP) or env (stdio) as configured, `${user:NAME}` placeholders still in, and
 * decrypted; `options` are the mode's options as stored (secrets in them still encrypted).
 */
export interface CredentialUpstream {
  id: string;
  name: string;
  description: string | null;
  mode: Exclude<CredentialMode, 'shared'>;
  transport: UpstreamSpec['transport'];
  url: string | null;
  template: Record<string, string>;
  /** The `${user:NAME}` names used in `template`. */
  userValues: string[];
  options: Record<string, unknown>;
}

/**
 * The person's credential for one upstream, as the forward stage hands it on: calls with
 * the same `key` share one upstream connection (or stdio process); a new `version`
 * replaces that connection. `headers` are laid over the upstream's (HTTP), `env` over its
 * environment (stdio). `mode` is recorded in the audit trail; nothing else of it is.
 */
export interface ResolvedCredential extends UpstreamCredential {
  mode: Exclude<CredentialMode, 'shared'>;
}

/**
 * One credential mode. `resolve` runs on the hot path for the mode's upstreams: it must
 * answer from memory after the first call of each person (the connection store caches),
 * and throw `CredentialRequired` when the person has not connected (or must again).
 */
export interface CredentialProvider {
  readonly mode: Exclude<CredentialMode, 'shared'>;
  /** Whether a person must do something (enter values, authorize) before calls work: lists it under /me/connections. */
  readonly needsConnection: boolean;
  resolve(upstream: CredentialUpstream, subject: CredentialSubject): Promise<ResolvedCredential>;
  /**
   * What the gateway lists the upstream's catalog with, when the provider can make it
   * without a person (a service credential): `{ headers }` or `{ env }` laid over the
   * shared spec. Called at every configuration load: return the same values while they are
   * valid (a change replaces the shared connection). Undefined: the first connected
   * person's credential is used, else the upstream lists nothing yet.
   */
  catalogCredential?(upstream: CredentialUpstream): Promise<CatalogCredential | undefined> | CatalogCredential | undefined;
  /** The person disconnects (or an admin revokes): undo at the upstream what can be (revoke a token). Best effort; the row goes anyway. */
  onDisconnect?(upstream: CredentialUpstream, connection: StoredConnection): Promise<void>;
}

export type CatalogCredential = { headers?: Record<string, string>; env?: Record<string, string> };

/** Why a person's credential is missing. */
export type CredentialRequiredReason = 'not_connected' | 'needs_authorization' | 'expired';

/**
 * The person has no usable credential for the upstream. The pipeline answers it with the
 * MCP "URL elicitation required" error carrying `connectUrl` (or, for clients that cannot
 * open a URL, a tool error whose text gives it): see pipeline/errors.ts.
 */
export class CredentialRequired extends Error {
  override readonly name = 'CredentialRequired';
  constructor(
    readonly upstreamId: string,
    readonly upstreamName: string,
    readonly reason: CredentialRequiredReason,
    /** Filled in by the credentials stage (it knows the gateway's public URL). */
    public connectUrl = '',
  ) {
    super(`upstream "${upstreamName}" needs your own credential: ${REASONS[reason]}`);
  }
}

const REASONS: Record<CredentialRequiredReason, string> = {
  not_connected: 'you have not connected it yet',
  needs_authorization: 'your connection must be authorized again',
  expired: 'your connection has expired',
};
