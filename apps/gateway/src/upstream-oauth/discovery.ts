import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { type OutboundPolicy, OutboundRefusedError } from './outbound.ts';

/** What the gateway learned about an upstream's authorization: which AS, for which resource. */
export interface UpstreamAuthorizationServer {
  /** The RFC 8707 resource indicator: the protected resource's own identifier (RFC 9728 `resource`). */
  resource: string;
  issuer: string;
  /** The AS metadata (RFC 8414 / OIDC discovery), as openid-client validated it. */
  server: oidc.ServerMetadata;
  /** Scopes the protected resource says it supports (used when the admin configured none). */
  scopesSupported?: string[];
}

export class UpstreamDiscoveryError extends Error {
  override readonly name = 'UpstreamDiscoveryError';
}

const DISCOVERY_TIMEOUT_SECONDS = 10;

/** The `resource_metadata` parameter of a Bearer challenge (RFC 9728 §5.1), if any. */
export function resourceMetadataFrom(wwwAuthenticate: string | null | undefined): string | undefined {
  if (!wwwAuthenticate || !/^\s*bearer\b/i.test(wwwAuthenticate)) return undefined;
  return /\bresource_metadata\s*=\s*"([^"]+)"/i.exec(wwwAuthenticate)?.[1] ?? /\bresource_metadata\s*=\s*([^\s,]+)/i.exec(wwwAuthenticate)?.[1];
}

/**
 * Asks the upstream, without a credential, how it is protected: an MCP server that needs
 * OAuth answers 401 with `WWW-Authenticate: Bearer resource_metadata="…"` (RFC 9728).
 */
async function challengeOf(upstreamUrl: string, policy: OutboundPolicy): Promise<string | undefined> {
  const response = await policy.fetch(upstreamUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'switchboard-discovery', version: '1' } } }),
    redirect: 'manual',
    signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_SECONDS * 1000),
  });
  await response.body?.cancel();
  return response.status === 401 ? resourceMetadataFrom(response.headers.get('www-authenticate')) : undefined;
}

async function protectedResource(upstreamUrl: string, policy: OutboundPolicy, challenge: string | undefined): Promise<oauth.ResourceServer> {
  const expected = new URL(upstreamUrl);
  const options = { [oauth.customFetch]: policy.fetch, [oauth.allowInsecureRequests]: policy.allowsHttp, signal: () => AbortSignal.timeout(DISCOVERY_TIMEOUT_SECONDS * 1000) };
  const metadataUrl = challenge ?? (await challengeOf(upstreamUrl, policy));
  if (metadataUrl) {
    policy.checkEndpoint('the protected-resource metadata', metadataUrl);
    const response = await policy.fetch(metadataUrl, { method: 'GET', headers: { accept: 'application/json' }, body: undefined, redirect: 'manual', signal: options.signal() });
    return oauth.processResourceDiscoveryResponse(expected, response);
  }
  // No challenge: the well-known location (path-inserted, RFC 9728 §3.1), then the origin's root one.
  try {
    return await oauth.processResourceDiscoveryResponse(expected, await oauth.resourceDiscoveryRequest(expected, options));
  } catch (error) {
    if (expected.pathname === '/' || error instanceof OutboundRefusedError) throw error;
    const root = new URL('/.well-known/oauth-protected-resource', expected);
    const response = await policy.fetch(root.href, { method: 'GET', headers: { accept: 'application/json' }, body: undefined, redirect: 'manual', signal: options.signal() });
    return oauth.processResourceDiscoveryResponse(expected, response);
  }
}

/**
 * RFC 9728 then RFC 8414 / OIDC discovery for one upstream. `pinnedIssuer` (the admin's
 * choice) must be one the resource lists; otherwise the first listed is used. Every URL a
 * document names is held to the outbound policy before and while it is fetched.
 */
export async function discoverAuthorizationServer(
  upstreamUrl: string,
  policy: OutboundPolicy,
  options: { pinnedIssuer?: string; challenge?: string } = {},
): Promise<UpstreamAuthorizationServer> {
  let resource: oauth.ResourceServer;
  try {
    resource = await protectedResource(upstreamUrl, policy, options.challenge);
  } catch (error) {
    throw wrap('the upstream did not publish usable protected-resource metadata', error);
  }
  const listed = resource.authorization_servers ?? [];
  const issuer = options.pinnedIssuer ?? listed[0];
  if (!issuer) throw new UpstreamDiscoveryError('the upstream names no authorization server (authorization_servers is empty)');
  if (options.pinnedIssuer && listed.length > 0 && !listed.includes(options.pinnedIssuer)) {
    throw new UpstreamDiscoveryError(`the upstream does not list the configured authorization server ${options.pinnedIssuer}`);
  }
  policy.checkEndpoint('the authorization server', issuer);
  const server = await authorizationServerMetadata(issuer, policy);
  for (const [what, url] of [
    ['the token endpoint', server.token_endpoint],
    ['the registration endpoint', server.registration_endpoint],
    ['the revocation endpoint', server.revocation_endpoint],
    ['the JWKS', server.jwks_uri],
  ] as const) {
    policy.checkEndpoint(what, url);
  }
  return { resource: resource.resource, issuer: server.issuer, server, scopesSupported: resource.scopes_supported };
}

/** RFC 8414 first (what MCP asks of an AS), then OpenID Connect discovery. */
async function authorizationServerMetadata(issuer: string, policy: OutboundPolicy): Promise<oidc.ServerMetadata> {
  let lastError: unknown;
  for (const algorithm of ['oauth2', 'oidc'] as const) {
    try {
      const config = await oidc.discovery(new URL(issuer), 'discovery', undefined, oidc.None(), {
        algorithm,
        [oidc.customFetch]: policy.fetch,
        execute: policy.allowsHttp ? [oidc.allowInsecureRequests] : [],
        timeout: DISCOVERY_TIMEOUT_SECONDS,
      });
      return config.serverMetadata();
    } catch (error) {
      if (error instanceof OutboundRefusedError) throw wrap('the authorization server was refused', error);
      lastError = error;
    }
  }
  throw wrap(`the authorization server ${issuer} did not publish usable metadata`, lastError);
}

function wrap(message: string, error: unknown): UpstreamDiscoveryError {
  if (error instanceof UpstreamDiscoveryError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new UpstreamDiscoveryError(`${message}: ${detail}`, { cause: error });
}
