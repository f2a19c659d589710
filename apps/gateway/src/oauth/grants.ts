import { randomBytes } from 'node:crypto';
import { hashApiToken } from '@switchboard/auth/api-token';
import { readIssuedAccessToken } from '@switchboard/auth/oauth/access-token';
import { invalidGrant, invalidScope, invalidTarget } from '@switchboard/auth/oauth/oauth-error';
import { verifyPkce } from '@switchboard/auth/oauth/pkce';
import { oauthCodes, oauthConsents, oauthRefreshTokens, users, virtualServers } from '@switchboard/db/schema';
import { and, eq, isNull } from 'drizzle-orm';
import type { ServiceContext } from '../services/context.ts';
import type { AuthorizeRequest } from './authorize-request.ts';
import type { ClientRow } from './clients.ts';
import type { OAuthContext } from './context.ts';
import { isSubsetScope } from './scopes.ts';
import { issueTokens, newFamilyId, type TokenResponse } from './token-issuer.ts';

const CODE_TTL_MS = 60_000;

const refreshable = (client: ClientRow) => ((client.metadata.grant_types as string[] | undefined) ?? []).includes('refresh_token');

/** A single-use code bound to the client, redirect URI, PKCE challenge, resource and user. */
export async function issueAuthorizationCode(ctx: ServiceContext, request: AuthorizeRequest, userId: string, authTime: Date): Promise<string> {
  const code = `sba_${randomBytes(32).toString('base64url')}`;
  await ctx.db.insert(oauthCodes).values({
    codeHash: hashApiToken(code),
    clientId: request.client.id,
    userId,
    virtualServerId: request.server.id,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    resource: request.server.resource,
    scope: request.scope,
    nonce: request.nonce ?? null,
    authTime,
    expiresAt: new Date(Date.now() + CODE_TTL_MS),
  });
  return code;
}

/** Ends a grant: its refresh tokens, and the access tokens issued under it (every replica refuses them). */
export async function revokeFamily(ctx: ServiceContext, familyId: string): Promise<void> {
  await ctx.db
    .update(oauthRefreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(oauthRefreshTokens.familyId, familyId), isNull(oauthRefreshTokens.revokedAt)));
  await ctx.revocations?.record(ctx.db, [{ kind: 'grant', key: familyId }]);
}

/** The user may still use the server: not disabled, the server still protected by us, consent not withdrawn. */
async function grantStillValid(ctx: ServiceContext, userId: string, clientRowId: string, serverId: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ disabled: users.disabled, enabled: virtualServers.enabled, authMode: virtualServers.authMode, consentRevoked: oauthConsents.revokedAt })
    .from(users)
    .innerJoin(virtualServers, eq(virtualServers.id, serverId))
    .innerJoin(oauthConsents, and(eq(oauthConsents.userId, users.id), eq(oauthConsents.clientId, clientRowId), eq(oauthConsents.virtualServerId, serverId)))
    .where(eq(users.id, userId));
  return !!row && !row.disabled && row.enabled && row.authMode === 'oauth' && row.consentRevoked === null;
}

export interface CodeExchange {
  code?: string;
  redirectUri?: string;
  codeVerifier?: string;
  resource?: string;
}

/**
 * authorization_code grant. The code is consumed atomically before anything else is
 * checked, so it can be tried once; a second presentation revokes every token it issued
 * (RFC 6749 §4.1.2, RFC 9700 §4.5).
 */
export async function exchangeCode(oauth: OAuthContext, client: ClientRow, input: CodeExchange): Promise<TokenResponse> {
  const { ctx } = oauth;
  if (!input.code) throw invalidGrant('code is required');
  const codeHash = hashApiToken(input.code);
  const [row] = await ctx.db
    .update(oauthCodes)
    .set({ usedAt: new Date() })
    .where(and(eq(oauthCodes.codeHash, codeHash), isNull(oauthCodes.usedAt)))
    .returning();
  if (!row) {
    const [spent] = await ctx.db.select().from(oauthCodes).where(eq(oauthCodes.codeHash, codeHash));
    if (spent?.familyId) {
      await revokeFamily(ctx, spent.familyId);
      oauth.logger.warn({ clientId: client.clientId }, 'authorization code replayed: revoked the tokens it issued');
    }
    throw invalidGrant('the authorization code is invalid, expired or already used');
  }
  if (row.expiresAt.getTime() < Date.now()) throw invalidGrant('the authorization code is invalid, expired or already used');
  if (row.clientId !== client.id) throw invalidGrant('the authorization code was issued to another client');
  if (input.redirectUri !== row.redirectUri) throw invalidGrant('redirect_uri does not match the authorization request');
  if (!verifyPkce(input.codeVerifier, row.codeChallenge)) throw invalidGrant('code_verifier does not match the code_challenge');
  if (input.resource !== undefined && input.resource !== row.resource) throw invalidTarget('resource does not match the authorization request');
  if (!(await grantStillValid(ctx, row.userId, client.id, row.virtualServerId))) throw invalidGrant('the grant is no longer valid');
  const familyId = newFamilyId();
  return ctx.db.transaction(async (tx) => {
    await tx.update(oauthCodes).set({ familyId }).where(eq(oauthCodes.codeHash, codeHash));
    return issueTokens(oauth, tx, {
      userId: row.userId,
      clientRowId: client.id,
      clientId: client.clientId,
      serverId: row.virtualServerId,
      resource: row.resource,
      scope: row.scope,
      familyId,
      refreshable: refreshable(client),
      // OIDC Core §3.1.3.3: an ID token when the request asked for openid.
      openid: row.scope.split(' ').includes('openid') ? { nonce: row.nonce ?? undefined, authTime: row.authTime ?? row.createdAt } : undefined,
    });
  });
}

export interface RefreshExchange {
  refreshToken?: string;
  scope?: string;
  resource?: string;
}

/**
 * refresh_token grant with rotation: each token works once and is replaced by a new one in
 * the same family. Presenting a spent token means it was copied: the whole family is
 * revoked (RFC 9700 §4.14.2). The grant can narrow its scope but never widen scope or resource.
 */
export async function exchangeRefreshToken(oauth: OAuthContext, client: ClientRow, input: RefreshExchange): Promise<TokenResponse> {
  const { ctx } = oauth;
  if (!input.refreshToken) throw invalidGrant('refresh_token is required');
  const tokenHash = hashApiToken(input.refreshToken);
  const [row] = await ctx.db
    .update(oauthRefreshTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(oauthRefreshTokens.tokenHash, tokenHash), isNull(oauthRefreshTokens.usedAt), isNull(oauthRefreshTokens.revokedAt)))
    .returning();
  if (!row) {
    const [known] = await ctx.db.select().from(oauthRefreshTokens).where(eq(oauthRefreshTokens.tokenHash, tokenHash));
    if (known?.usedAt && !known.revokedAt) {
      await revokeFamily(ctx, known.familyId);
      oauth.logger.warn({ clientId: client.clientId }, 'refresh token reused: revoked its whole family');
    }
    throw invalidGrant('the refresh token is invalid, expired, revoked or already used');
  }
  if (row.clientId !== client.id) {
    await revokeFamily(ctx, row.familyId);
    throw invalidGrant('the refresh token was issued to another client');
  }
  if (row.expiresAt.getTime() < Date.now()) throw invalidGrant('the refresh token is invalid, expired, revoked or already used');
  if (input.resource !== undefined && input.resource !== row.resource) throw invalidTarget('a refresh token cannot change its resource');
  const scope = input.scope ? input.scope.split(' ').filter(Boolean).sort().join(' ') : row.scope;
  if (!isSubsetScope(scope, row.scope)) throw invalidScope('a refresh token cannot widen its scope');
  if (!(await grantStillValid(ctx, row.userId, client.id, row.virtualServerId))) {
    await revokeFamily(ctx, row.familyId);
    throw invalidGrant('the grant is no longer valid');
  }
  return issueTokens(oauth, ctx.db, {
    userId: row.userId,
    clientRowId: client.id,
    clientId: client.clientId,
    serverId: row.virtualServerId,
    resource: row.resource,
    scope,
    familyId: row.familyId,
    refreshable: true,
  });
}

/**
 * RFC 7009: revoking a refresh token revokes its grant (the family and the access tokens
 * it produced, §2.1); revoking one of our access tokens revokes that token on every
 * replica. Unknown, foreign or expired tokens are not an error (§2.2), and a client can
 * only revoke what was issued to it.
 */
export async function revokeToken(oauth: OAuthContext, client: ClientRow, token: string | undefined): Promise<void> {
  const { ctx } = oauth;
  if (!token) return;
  const [row] = await ctx.db.select().from(oauthRefreshTokens).where(eq(oauthRefreshTokens.tokenHash, hashApiToken(token)));
  if (row) {
    if (row.clientId === client.id) await revokeFamily(ctx, row.familyId);
    return;
  }
  const claims = await readIssuedAccessToken(token, { issuer: oauth.issuer, algorithms: ['ES256', 'RS256'], keys: oauth.keys.verificationKeys });
  if (!claims?.jti || claims.client_id !== client.clientId) return;
  await ctx.revocations?.record(ctx.db, [{ kind: 'token', key: claims.jti, expiresAt: (claims.exp ?? 0) * 1000 }]);
}
