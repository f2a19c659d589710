import { randomBytes, randomUUID } from 'node:crypto';
import { hashApiToken } from '@switchboard/auth/api-token';
import { signAccessToken } from '@switchboard/auth/oauth/access-token';
import { signIdToken } from '@switchboard/auth/oauth/id-token';
import { oauthRefreshTokens, users } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import type { Executor } from '@switchboard/db/client';
import type { OAuthContext } from './context.ts';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface Grant {
  userId: string;
  clientRowId: string;
  clientId: string;
  serverId: string;
  resource: string;
  scope: string;
  familyId: string;
  /** Whether the client registered for refresh tokens. */
  refreshable: boolean;
  /** Set when the authorization request asked for `openid`: an ID token is issued too. */
  openid?: { nonce?: string; authTime: Date };
}

/**
 * Issues an access token (a short-lived JWT for exactly one virtual server) and, for
 * clients that use refresh, a new refresh token in the grant's family. Refresh tokens
 * are random and stored as SHA-256 only.
 */
export async function issueTokens(oauth: OAuthContext, db: Executor, grant: Grant): Promise<TokenResponse> {
  const accessToken = await signAccessToken(oauth.keys.signingKey(), {
    issuer: oauth.issuer,
    subject: grant.userId,
    audience: grant.resource,
    clientId: grant.clientId,
    scope: grant.scope,
    ttlSeconds: oauth.config.accessTokenTtlSeconds,
    grantId: grant.familyId,
  });
  const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: oauth.config.accessTokenTtlSeconds, scope: grant.scope };
  if (grant.openid) response.id_token = await idTokenFor(oauth, db, grant, grant.openid);
  if (grant.refreshable) {
    const refreshToken = `sbr_${randomBytes(32).toString('base64url')}`;
    await db.insert(oauthRefreshTokens).values({
      tokenHash: hashApiToken(refreshToken),
      familyId: grant.familyId,
      clientId: grant.clientRowId,
      userId: grant.userId,
      virtualServerId: grant.serverId,
      resource: grant.resource,
      scope: grant.scope,
      expiresAt: new Date(Date.now() + oauth.config.refreshTokenTtlSeconds * 1000),
    });
    response.refresh_token = refreshToken;
  }
  return response;
}

export const newFamilyId = () => randomUUID();

/** The ID token of a grant, with the claims its scopes allow (OIDC Core §5.4: `email`, `profile`). */
async function idTokenFor(oauth: OAuthContext, db: Executor, grant: Grant, openid: NonNullable<Grant['openid']>): Promise<string> {
  const scopes = grant.scope.split(' ');
  const [user] = await db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, grant.userId));
  const claims: Record<string, string> = {};
  if (scopes.includes('email') && user) claims.email = user.email;
  if (scopes.includes('profile') && user?.name) claims.name = user.name;
  return signIdToken(oauth.keys.signingKey(), {
    issuer: oauth.issuer,
    subject: grant.userId,
    clientId: grant.clientId,
    nonce: openid.nonce,
    authTime: Math.floor(openid.authTime.getTime() / 1000),
    ttlSeconds: oauth.config.accessTokenTtlSeconds,
    claims,
  });
}
