import * as oidc from 'openid-client';
import type { UserConnectionStore } from '../credentials/connection-store.ts';
import type { ServiceContext } from '../services/context.ts';
import { consumePendingAuthorization, createPendingAuthorization, deleteOldPendingAuthorizations } from './authorizations.ts';
import { upstreamCallbackPath } from './client-identity.ts';
import { UpstreamDiscoveryError } from './discovery.ts';
import { type OAuthTokenPayload, tokenPayload } from './token-payload.ts';
import type { OAuthUpstream, UpstreamOAuthClients } from './upstream-clients.ts';

export interface ConnectFlowDeps {
  ctx: ServiceContext;
  clients: UpstreamOAuthClients;
  store: Pick<UserConnectionStore, 'save'>;
  /** An `oauth` upstream by id (the live credentials view); undefined when it is gone or no longer `oauth`. */
  upstream(id: string): OAuthUpstream | undefined;
  /** A person connected: live state follows (the upstream's catalog may be listed with it for the first time). */
  onConnected?(): Promise<void>;
}

/**
 * The first leg: where to send the person's browser. Authorization code with PKCE (S256),
 * `resource` = the upstream's resource identifier (RFC 8707), and a `state` stored with the
 * person, the upstream and the browser that asked (see authorizations.ts).
 */
export async function startUpstreamAuthorization(deps: ConnectFlowDeps, input: { upstream: OAuthUpstream; userId: string; browserBinding: string }): Promise<URL> {
  const client = await deps.clients.get(input.upstream);
  const methods = client.as.server.code_challenge_methods_supported;
  if (methods && !methods.includes('S256')) throw new UpstreamDiscoveryError(`the authorization server ${client.as.issuer} does not support PKCE with S256`);
  // housekeeping where the rows are made: spent and long-expired authorizations go
  deleteOldPendingAuthorizations(deps.ctx).catch(() => {});
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = await createPendingAuthorization(deps.ctx, {
    userId: input.userId,
    upstreamId: input.upstream.id,
    issuer: client.as.issuer,
    codeVerifier,
    browserBinding: input.browserBinding,
  });
  const parameters: Record<string, string> = {
    redirect_uri: `${deps.ctx.publicUrl}${upstreamCallbackPath}`,
    response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    resource: client.as.resource,
  };
  // refresh tokens come with offline_access at OpenID providers; ask for it where the AS has it
  const scopes = [...client.scopes];
  if (client.as.server.scopes_supported?.includes('offline_access') && !scopes.includes('offline_access')) scopes.push('offline_access');
  if (scopes.length > 0) parameters.scope = scopes.join(' ');
  if (scopes.includes('offline_access')) parameters.prompt = 'consent';
  return oidc.buildAuthorizationUrl(client.config, parameters);
}

export type CallbackOutcome =
  | { ok: true; upstream: OAuthUpstream }
  | { ok: false; status: 400 | 502; title: string; message: string; log?: Record<string, unknown> };

const REFUSED: Record<'unknown' | 'foreign' | 'used' | 'expired', string> = {
  unknown: 'This connection link is not one Switchboard started. Start connecting again from Switchboard.',
  foreign: 'This connection was started in another browser or by another person. Start connecting again in this browser.',
  used: 'This connection has already been completed (the link was used once). Start connecting again if you need to.',
  expired: 'This connection took too long to complete. Please start again.',
};

/**
 * The callback leg: the state must be ours, unspent, from this browser; then the code is
 * redeemed (PKCE verifier, `resource`, and the AS's `iss` checked by openid-client) and the
 * person's tokens are stored encrypted. Nothing is stored on any refusal.
 */
export async function completeUpstreamAuthorization(deps: ConnectFlowDeps, input: { callbackUrl: URL; browserBinding: string | undefined }): Promise<CallbackOutcome> {
  const state = input.callbackUrl.searchParams.get('state') ?? undefined;
  const taken = await consumePendingAuthorization(deps.ctx, state, input.browserBinding);
  if (!taken.ok) return { ok: false, status: 400, title: 'Connection refused', message: REFUSED[taken.reason] };
  const { pending } = taken;
  const upstream = deps.upstream(pending.upstreamId);
  if (!upstream) return { ok: false, status: 400, title: 'Connection refused', message: 'This upstream no longer uses OAuth. Nothing was connected.' };
  const errorCode = input.callbackUrl.searchParams.get('error');
  if (errorCode) {
    const reason = errorCode === 'access_denied' ? 'You (or the authorization server) declined the request.' : 'The authorization server refused the request.';
    return { ok: false, status: 400, title: 'Not connected', message: `${reason} Nothing was connected to ${upstream.name}.`, log: { error: errorCode } };
  }
  let payload: OAuthTokenPayload;
  let issuer: string;
  try {
    const client = await deps.clients.get(upstream);
    issuer = client.as.issuer;
    if (issuer !== pending.issuer) throw new Error('the upstream now names another authorization server');
    const tokens = await oidc.authorizationCodeGrant(
      client.config,
      input.callbackUrl,
      { pkceCodeVerifier: pending.codeVerifier, expectedState: state },
      { resource: client.as.resource },
    );
    payload = tokenPayload(tokens);
  } catch (error) {
    const e = error as Error & { code?: string; error?: string };
    return {
      ok: false,
      status: 502,
      title: 'Not connected',
      message: `${upstream.name}'s authorization server did not complete the connection. Please start again.`,
      log: { message: e.message, code: e.code, error: e.error },
    };
  }
  await deps.store.save({
    userId: pending.userId,
    upstreamId: upstream.id,
    kind: 'oauth',
    payload,
    expiresAt: payload.expires_at ? new Date(payload.expires_at) : null,
    metadata: { issuer, scope: payload.scope ?? null, refreshable: Boolean(payload.refresh_token) },
  });
  await deps.onConnected?.();
  return { ok: true, upstream };
}
