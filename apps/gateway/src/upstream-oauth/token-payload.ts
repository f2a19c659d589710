import type * as oidc from 'openid-client';

/**
 * What an `oauth` (or `token-exchange`) connection's encrypted payload holds: the person's
 * tokens at the upstream's AS. `expires_at` is epoch milliseconds (absent: the AS did not
 * say, and the token is used until the upstream refuses it).
 */
export interface OAuthTokenPayload {
  access_token: string;
  refresh_token?: string;
  token_type?: string;
  scope?: string;
  expires_at?: number;
}

type TokenResponse = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

/** A token endpoint's answer as stored; a refresh that rotates nothing keeps the old refresh token. */
export function tokenPayload(tokens: TokenResponse, previous?: OAuthTokenPayload): OAuthTokenPayload {
  const expiresIn = tokens.expiresIn();
  return {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token ?? previous?.refresh_token,
    token_type: tokens.token_type,
    scope: tokens.scope ?? previous?.scope,
    expires_at: expiresIn === undefined ? undefined : Date.now() + expiresIn * 1000,
  };
}

export function isTokenPayload(value: unknown): value is OAuthTokenPayload {
  return typeof value === 'object' && value !== null && typeof (value as OAuthTokenPayload).access_token === 'string';
}
