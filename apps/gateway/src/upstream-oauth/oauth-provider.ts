import { createHash } from 'node:crypto';
import type { DatabaseHandle } from '@switchboard/db/client';
import { userConnections } from '@switchboard/db/schema';
import { UpstreamError } from '@switchboard/core/upstream/types';
import { and, eq } from 'drizzle-orm';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { StoredConnection, UserConnectionStore } from '../credentials/connection-store.ts';
import type { CatalogFromConnection } from '../credentials/credentials.ts';
import { CredentialRequired, type CredentialProvider, type CredentialUpstream, type ResolvedCredential } from '../credentials/types.ts';
import type { ServiceContext } from '../services/context.ts';
import { isTokenPayload, type OAuthTokenPayload, tokenPayload } from './token-payload.ts';
import type { UpstreamOAuthClients } from './upstream-clients.ts';

/** A token this close to its expiry is refreshed before it is used. */
export const REFRESH_MARGIN_MS = 60_000;

export interface OAuthProviderDeps {
  ctx: ServiceContext;
  store: UserConnectionStore;
  clients: UpstreamOAuthClients;
  logger: Logger;
  /** Serialises one person's refresh across replicas (a rotated refresh token is good once). */
  lock: Pick<DatabaseHandle, 'withAdvisoryLock'>;
}

/**
 * `oauth`: the person's own token at the upstream's authorization server, obtained through
 * the connect flow (connect-flow.ts). Served from memory (the connection store's cache);
 * within a minute of expiry it is refreshed once — one refresh per (person, upstream) at a
 * time in this process, and under an advisory lock across replicas, re-reading the row
 * first so a token another replica just rotated is used rather than refreshed again. A
 * refused refresh (`invalid_grant`: revoked, expired) marks the connection
 * `needs_authorization` and the call gets the connect link.
 */
export function upstreamOAuthProvider(deps: OAuthProviderDeps): CredentialProvider & { catalogFromConnection: CatalogFromConnection } {
  const refreshing = new Map<string, Promise<OAuthTokenPayload>>();

  function credential(userId: string, payload: OAuthTokenPayload): ResolvedCredential {
    return { mode: 'oauth', key: userId, version: payload.access_token.slice(-16), headers: { Authorization: `Bearer ${payload.access_token}` } };
  }

  async function freshRow(userId: string, upstreamId: string): Promise<{ status: string; payload: unknown } | undefined> {
    const [row] = await deps.ctx.db
      .select({ status: userConnections.status, payload: userConnections.payload, kind: userConnections.kind })
      .from(userConnections)
      .where(and(eq(userConnections.userId, userId), eq(userConnections.upstreamId, upstreamId)));
    if (row?.kind !== 'oauth') return undefined;
    return { status: row.status, payload: JSON.parse(deps.ctx.secrets.decrypt(row.payload)) };
  }

  async function refresh(upstream: CredentialUpstream, userId: string, stale: OAuthTokenPayload): Promise<OAuthTokenPayload> {
    return deps.lock.withAdvisoryLock(lockKey(userId, upstream.id), async () => {
      const current = await freshRow(userId, upstream.id);
      if (current?.status !== 'connected' || !isTokenPayload(current.payload)) {
        throw new CredentialRequired(upstream.id, upstream.name, current ? 'needs_authorization' : 'not_connected');
      }
      if (!needsRefresh(current.payload)) return current.payload; // another replica (or call) refreshed it
      const refreshToken = current.payload.refresh_token ?? stale.refresh_token;
      if (!refreshToken) {
        await deps.store.setStatus(userId, upstream.id, 'expired');
        throw new CredentialRequired(upstream.id, upstream.name, 'expired');
      }
      let next: OAuthTokenPayload;
      try {
        const client = await deps.clients.get(upstream);
        const tokens = await oidc.refreshTokenGrant(client.config, refreshToken, { resource: client.as.resource });
        next = tokenPayload(tokens, current.payload);
      } catch (error) {
        if (isRefused(error)) {
          deps.logger.info({ upstream: upstream.name, userId }, 'upstream refresh token refused: the person must authorize again');
          await deps.store.setStatus(userId, upstream.id, 'needs_authorization');
          throw new CredentialRequired(upstream.id, upstream.name, 'needs_authorization');
        }
        deps.logger.warn({ upstream: upstream.name, err: { message: (error as Error).message, code: (error as { code?: string }).code } }, 'upstream token refresh failed');
        throw new UpstreamError('upstream_unavailable', `could not refresh the token for upstream "${upstream.name}"; try again`);
      }
      const connection = await deps.store.get(userId, upstream.id);
      await deps.store.save({
        userId,
        upstreamId: upstream.id,
        kind: 'oauth',
        payload: next,
        expiresAt: next.expires_at ? new Date(next.expires_at) : null,
        metadata: { ...(connection?.metadata ?? {}), scope: next.scope ?? null, refreshedAt: new Date().toISOString() },
      });
      return next;
    });
  }

  return {
    mode: 'oauth',
    needsConnection: true,
    async resolve(upstream, subject) {
      const connection = await deps.store.get(subject.userId, upstream.id);
      if (connection?.kind !== 'oauth' || !isTokenPayload(connection.payload)) {
        throw new CredentialRequired(upstream.id, upstream.name, 'not_connected');
      }
      if (connection.status !== 'connected') throw new CredentialRequired(upstream.id, upstream.name, connection.status);
      if (!needsRefresh(connection.payload)) return credential(subject.userId, connection.payload);
      const key = `${subject.userId}:${upstream.id}`;
      let pending = refreshing.get(key);
      if (!pending) {
        pending = refresh(upstream, subject.userId, connection.payload).finally(() => refreshing.delete(key));
        refreshing.set(key, pending);
      }
      return credential(subject.userId, await pending);
    },
    catalogFromConnection(_upstream, connection: StoredConnection) {
      // listing needs a token that still works now, not one good for another minute
      const payload = connection.payload;
      if (connection.kind !== 'oauth' || !isTokenPayload(payload) || (payload.expires_at !== undefined && payload.expires_at <= Date.now())) return undefined;
      return { headers: { Authorization: `Bearer ${payload.access_token}` } };
    },
    /** Disconnect: revoke at the upstream's AS when it has a revocation endpoint (best effort; the row is deleted by the caller). */
    async onDisconnect(upstream, connection) {
      if (connection.kind !== 'oauth' || !isTokenPayload(connection.payload)) return;
      const client = await deps.clients.get(upstream);
      if (!client.as.server.revocation_endpoint) return;
      const { refresh_token, access_token } = connection.payload;
      // revoking the refresh token ends the grant (RFC 7009 §2.1); the access token where there is none
      await oidc.tokenRevocation(client.config, refresh_token ?? access_token, { token_type_hint: refresh_token ? 'refresh_token' : 'access_token' });
    },
  };
}

function needsRefresh(payload: OAuthTokenPayload): boolean {
  return payload.expires_at !== undefined && payload.expires_at - Date.now() < REFRESH_MARGIN_MS;
}

/** The AS refused the refresh token itself (revoked, expired, reused): only a new authorization helps. */
function isRefused(error: unknown): boolean {
  const e = error as { error?: string; code?: string };
  return e.error === 'invalid_grant' || e.error === 'invalid_token' || e.error === 'unauthorized_client';
}

function lockKey(userId: string, upstreamId: string): number {
  return createHash('sha256').update(`upstream-oauth-refresh:${userId}:${upstreamId}`).digest().readInt32BE(0);
}
