import { isValidS256Challenge } from '@switchboard/auth/oauth/pkce';
import { matchRedirectUri } from '@switchboard/auth/oauth/redirect-uri';
import { OAuthError } from '@switchboard/auth/oauth/oauth-error';
import type { ServiceContext } from '../services/context.ts';
import { type ClientLookupOptions, type ClientRow, findClient } from './clients.ts';
import { type ProtectedServer, serverForResource } from './resources.ts';
import { parseScope } from './scopes.ts';

/** The parameters of an authorization request, as every step (login, consent) carries them. */
export const AUTHORIZE_PARAMS = ['response_type', 'client_id', 'redirect_uri', 'code_challenge', 'code_challenge_method', 'state', 'scope', 'resource', 'nonce'] as const;
export type AuthorizeParams = Partial<Record<(typeof AUTHORIZE_PARAMS)[number], string>>;

export interface AuthorizeRequest {
  params: AuthorizeParams;
  client: ClientRow;
  redirectUri: string;
  state?: string;
  codeChallenge: string;
  scope: string;
  server: ProtectedServer;
  /** OpenID Connect: echoed in the ID token. */
  nonce?: string;
}

/** Nothing trustworthy to redirect to: the user sees an error page, the browser goes nowhere. */
export class AuthorizePageError extends Error {
  override readonly name = 'AuthorizePageError';
}

/** A valid client and redirect URI, but a bad request: reported to the client at its redirect URI. */
export class AuthorizeRedirectError extends Error {
  override readonly name = 'AuthorizeRedirectError';
  constructor(
    readonly redirectUri: string,
    readonly state: string | undefined,
    readonly error: OAuthError,
  ) {
    super(error.description);
  }
}

export function pickAuthorizeParams(source: Record<string, string | undefined>): AuthorizeParams {
  const params: AuthorizeParams = {};
  for (const name of AUTHORIZE_PARAMS) {
    const value = source[name];
    if (typeof value === 'string' && value.length <= 4000) params[name] = value;
  }
  return params;
}

/**
 * Validates an authorization request in the order RFC 6749 §4.1.2.1 requires: the client
 * and redirect URI first (failures never redirect, so the endpoint cannot be used as an
 * open redirector), then everything else (failures go back to the client).
 */
export async function validateAuthorizeRequest(ctx: ServiceContext, params: AuthorizeParams, lookup: ClientLookupOptions = {}): Promise<AuthorizeRequest> {
  if (!params.client_id) throw new AuthorizePageError('The request has no client_id.');
  let client: ClientRow | undefined;
  try {
    client = await findClient(ctx, params.client_id, lookup);
  } catch (error) {
    if (error instanceof OAuthError) throw new AuthorizePageError(error.description);
    throw error;
  }
  if (!client) throw new AuthorizePageError('The application asking for access is not registered here.');
  const redirectUri = params.redirect_uri ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (!redirectUri) throw new AuthorizePageError('The request has no redirect_uri.');
  if (!matchRedirectUri(client.redirectUris, redirectUri)) {
    throw new AuthorizePageError('The redirect URI does not match any URI registered for this application.');
  }
  const fail = (code: string, description: string) => new AuthorizeRedirectError(redirectUri, params.state, new OAuthError(code, description));
  if (params.response_type !== 'code') throw fail('unsupported_response_type', 'response_type must be "code"');
  const grantTypes = (client.metadata.grant_types as string[] | undefined) ?? ['authorization_code'];
  if (!grantTypes.includes('authorization_code')) throw fail('unauthorized_client', 'this client is not registered for the authorization_code grant');
  if (!params.code_challenge) throw fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256');
  if (params.code_challenge_method !== 'S256') throw fail('invalid_request', 'code_challenge_method must be S256 (plain is not supported)');
  if (!isValidS256Challenge(params.code_challenge)) throw fail('invalid_request', 'code_challenge is not a valid S256 challenge');
  if (!params.resource) throw fail('invalid_target', 'the resource parameter (RFC 8707) is required: the virtual server URL');
  const server = await serverForResource(ctx, params.resource);
  if (!server) throw fail('invalid_target', 'resource does not name a virtual server protected by this authorization server');
  let scope: string;
  try {
    scope = parseScope(params.scope);
  } catch (error) {
    if (error instanceof OAuthError) throw fail(error.code, error.description);
    throw error;
  }
  return { params, client, redirectUri, state: params.state, codeChallenge: params.code_challenge, scope, server, nonce: params.nonce };
}

/** The redirect back to the client, with `iss` on every response (RFC 9207). */
export function authorizationResponseUrl(redirectUri: string, issuer: string, fields: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) url.searchParams.set(name, value);
  url.searchParams.set('iss', issuer);
  return url.toString();
}
