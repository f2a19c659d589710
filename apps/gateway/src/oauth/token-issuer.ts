import { randomBytes, randomUUID } from 'node:crypto';
import { hashApiToken } from '@switchboard/auth/api-token';
import { signAccessToken } from '@switchboard/auth/oauth/access-token';
import { oauthRefreshTokens } from '@switchboard/db/schema';
import type { Executor } from '@switchboard/db/client';
import type { OAuthContext } from './context.ts';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
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
