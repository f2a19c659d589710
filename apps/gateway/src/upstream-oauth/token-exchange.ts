import { identityProviders, upstreams, userIdentities } from '@switchboard/db/schema';
import { UpstreamError } from '@switchboard/core/upstream/types';
import { and, desc, eq, sql } from 'drizzle-orm';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { StoredConnection, UserConnectionStore } from '../credentials/connection-store.ts';
import type { CatalogFromConnection } from '../credentials/credentials.ts';
import { CredentialRequired, type CredentialProvider, type CredentialUpstream, type ResolvedCredential } from '../credentials/types.ts';
import type { ProviderClients } from '../oauth/identity-provider-client.ts';
import type { ServiceContext } from '../services/context.ts';
import { REFRESH_MARGIN_MS } from './oauth-provider.ts';
import { tokenExchangeOptionsSchema } from './options.ts';
import { isTokenPayload, type OAuthTokenPayload, tokenPayload } from './token-payload.ts';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Whether a login at this provider must keep its tokens: some upstream exchanges them. Safer default: none kept. */
export async function keepsLoginTokens(ctx: Pick<ServiceContext, 'db'>, providerSlug: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: upstreams.id })
    .from(upstreams)
    .where(and(eq(upstreams.credentialMode, 'token-exchange'), sql`${upstreams.credentialOptions}->>'identityProvider' = ${providerSlug}`))
    .limit(1);
  return row !== undefined;
}

export interface TokenExchangeDeps {
  ctx: ServiceContext;
  store: UserConnectionStore;
  /** The identity providers' openid-client configurations (discovery cached), as logins use them. */
  providers: ProviderClients;
  logger: Logger;
}

/**
 * `token-exchange` (RFC 8693): the person's own token at the identity provider they log in
 * with (kept, encrypted, from their last login) is exchanged at that provider's token
 * endpoint for one whose audience is the upstream — no second browser flow. The exchanged
 * token is kept like an OAuth connection (encrypted, in memory after the first call) until
 * a minute before it expires; then the login token is exchanged again (refreshed first at
 * the provider when it has expired). No login token, or one the provider refuses: the
 * person is sent to sign in with the provider again.
 */
export function tokenExchangeProvider(deps: TokenExchangeDeps): CredentialProvider & { catalogFromConnection: CatalogFromConnection } {
  const exchanging = new Map<string, Promise<OAuthTokenPayload>>();

  async function loginTokens(upstream: CredentialUpstream, userId: string, slug: string) {
    const [row] = await deps.ctx.db
      .select({ provider: identityProviders, identityId: userIdentities.id, tokens: userIdentities.tokens })
      .from(userIdentities)
      .innerJoin(identityProviders, eq(identityProviders.id, userIdentities.identityProviderId))
      .where(and(eq(userIdentities.userId, userId), eq(identityProviders.slug, slug), eq(identityProviders.enabled, true)))
      .orderBy(desc(userIdentities.lastLoginAt))
      .limit(1);
    const stored = row?.tokens ? (JSON.parse(deps.ctx.secrets.decrypt(row.tokens)) as unknown) : undefined;
    if (!row || !isTokenPayload(stored)) throw new CredentialRequired(upstream.id, upstream.name, 'not_connected');
    return { provider: row.provider, identityId: row.identityId, tokens: stored };
  }

  async function exchange(upstream: CredentialUpstream, userId: string): Promise<OAuthTokenPayload> {
    const parsed = tokenExchangeOptionsSchema.safeParse(upstream.options);
    if (!parsed.success) throw new UpstreamError('upstream_unavailable', `upstream "${upstream.name}": invalid token-exchange options`);
    const options = parsed.data;
    const login = await loginTokens(upstream, userId, options.identityProvider);
    const config = await deps.providers.configuration(login.provider);
    let subjectToken = login.tokens;
    try {
      if (subjectToken.expires_at !== undefined && subjectToken.expires_at - Date.now() < REFRESH_MARGIN_MS) {
        if (!subjectToken.refresh_token) throw new CredentialRequired(upstream.id, upstream.name, 'expired');
        subjectToken = tokenPayload(await oidc.refreshTokenGrant(config, subjectToken.refresh_token), subjectToken);
        await deps.ctx.db.update(userIdentities).set({ tokens: deps.ctx.secrets.encrypt(JSON.stringify(subjectToken)) }).where(eq(userIdentities.id, login.identityId));
      }
      const parameters: Record<string, string> = {
        subject_token: subjectToken.access_token,
        subject_token_type: ACCESS_TOKEN_TYPE,
        requested_token_type: ACCESS_TOKEN_TYPE,
        audience: options.audience ?? upstream.url ?? upstream.name,
      };
      if (options.resource) parameters.resource = options.resource;
      if (options.scopes) parameters.scope = options.scopes.join(' ');
      return tokenPayload(await oidc.genericGrantRequest(config, TOKEN_EXCHANGE_GRANT, parameters));
    } catch (error) {
      if (error instanceof CredentialRequired) throw error;
      const e = error as { error?: string; message?: string };
      if (e.error === 'invalid_grant' || e.error === 'invalid_token') {
        // the login token is no longer good at the provider: a new sign-in brings a new one
        await deps.ctx.db.update(userIdentities).set({ tokens: null }).where(eq(userIdentities.id, login.identityId));
        throw new CredentialRequired(upstream.id, upstream.name, 'needs_authorization');
      }
      deps.logger.warn({ upstream: upstream.name, err: { message: e.message, error: e.error } }, 'token exchange failed');
      throw new UpstreamError('upstream_unavailable', `could not obtain a token for upstream "${upstream.name}" from the identity provider`);
    }
  }

  return {
    mode: 'token-exchange',
    needsConnection: true,
    catalogFromConnection(_upstream, connection: StoredConnection) {
      const payload = connection.payload;
      if (connection.kind !== 'token-exchange' || !isTokenPayload(payload) || (payload.expires_at !== undefined && payload.expires_at <= Date.now())) return undefined;
      return { headers: { Authorization: `Bearer ${payload.access_token}` } };
    },
    async resolve(upstream, subject): Promise<ResolvedCredential> {
      const connection = await deps.store.get(subject.userId, upstream.id);
      if (connection?.kind === 'token-exchange' && connection.status === 'connected' && isTokenPayload(connection.payload) && !stale(connection.payload)) {
        return credential(subject.userId, connection.payload);
      }
      const key = `${subject.userId}:${upstream.id}`;
      let pending = exchanging.get(key);
      if (!pending) {
        pending = exchange(upstream, subject.userId)
          .then(async (payload) => {
            await deps.store.save({
              userId: subject.userId,
              upstreamId: upstream.id,
              kind: 'token-exchange',
              payload,
              expiresAt: payload.expires_at ? new Date(payload.expires_at) : null,
              metadata: { scope: payload.scope ?? null },
            });
            return payload;
          })
          .finally(() => exchanging.delete(key));
        exchanging.set(key, pending);
      }
      return credential(subject.userId, await pending);
    },
  };
}

function stale(payload: OAuthTokenPayload): boolean {
  return payload.expires_at !== undefined && payload.expires_at - Date.now() < REFRESH_MARGIN_MS;
}

function credential(userId: string, payload: OAuthTokenPayload): ResolvedCredential {
  return { mode: 'token-exchange', key: userId, version: payload.access_token.slice(-16), headers: { Authorization: `Bearer ${payload.access_token}` } };
}
