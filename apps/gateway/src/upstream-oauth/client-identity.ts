import { upstreamOauthClients } from '@switchboard/db/schema';
import { and, eq } from 'drizzle-orm';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import type { ServiceContext } from '../services/context.ts';
import type { UpstreamAuthorizationServer } from './discovery.ts';
import { UpstreamDiscoveryError } from './discovery.ts';
import type { OAuthOptions } from './options.ts';
import type { OutboundPolicy } from './outbound.ts';

/** How the gateway is known to one authorization server. */
export interface ClientIdentity {
  kind: 'pre-registered' | 'metadata-document' | 'registered';
  clientId: string;
  clientSecret?: string;
  authMethod: string;
}

/** The gateway's own URLs as an OAuth client of upstreams. */
export const clientMetadataPath = '/oauth/client-metadata.json';
export const upstreamCallbackPath = '/oauth/upstream-callback';

/** The Client ID Metadata Document the gateway publishes about itself (its URL is the client_id). */
export function gatewayClientMetadata(publicUrl: string) {
  return {
    client_id: `${publicUrl}${clientMetadataPath}`,
    client_name: 'Switchboard MCP gateway',
    client_uri: publicUrl,
    redirect_uris: [`${publicUrl}${upstreamCallbackPath}`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
}

/**
 * Which client the gateway is at this AS, in order of the administrator's say: a client
 * they registered there (id and secret in the upstream's settings), else our Client ID
 * Metadata Document where the AS supports it, else Dynamic Client Registration (RFC 7591),
 * done once per AS and redirect URI and kept (secret encrypted) for every upstream and person.
 */
export async function clientIdentity(
  ctx: ServiceContext,
  as: UpstreamAuthorizationServer,
  settings: OAuthOptions,
  policy: OutboundPolicy,
): Promise<ClientIdentity> {
  if (settings.clientId) {
    const clientSecret = settings.clientSecret ? ctx.secrets.decrypt(settings.clientSecret) : undefined;
    const supported = as.server.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    const authMethod = !clientSecret ? 'none' : supported.includes('client_secret_basic') ? 'client_secret_basic' : 'client_secret_post';
    return { kind: 'pre-registered', clientId: settings.clientId, clientSecret, authMethod };
  }
  if (as.server.client_id_metadata_document_supported === true) {
    return { kind: 'metadata-document', clientId: gatewayClientMetadata(ctx.publicUrl).client_id, authMethod: 'none' };
  }
  if (!as.server.registration_endpoint) {
    throw new UpstreamDiscoveryError(
      `the authorization server ${as.issuer} supports neither client metadata documents nor dynamic registration: configure a client id for this upstream`,
    );
  }
  return registeredClient(ctx, as, policy);
}

async function registeredClient(ctx: ServiceContext, as: UpstreamAuthorizationServer, policy: OutboundPolicy): Promise<ClientIdentity> {
  const redirectUri = `${ctx.publicUrl}${upstreamCallbackPath}`;
  const key = and(eq(upstreamOauthClients.issuer, as.issuer), eq(upstreamOauthClients.redirectUri, redirectUri));
  const [stored] = await ctx.db.select().from(upstreamOauthClients).where(key);
  if (stored) return fromRow(ctx, stored);
  const confidential = (as.server.token_endpoint_auth_methods_supported ?? ['client_secret_basic']).includes('client_secret_basic');
  let registered: Awaited<ReturnType<typeof oauth.processDynamicClientRegistrationResponse>>;
  try {
    const response = await oauth.dynamicClientRegistrationRequest(
      as.server as oauth.AuthorizationServer,
      {
        client_name: 'Switchboard MCP gateway',
        client_uri: ctx.publicUrl,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: confidential ? 'client_secret_basic' : 'none',
      },
      { [oauth.customFetch]: policy.fetch, [oauth.allowInsecureRequests]: policy.allowsHttp, signal: AbortSignal.timeout(10_000) },
    );
    registered = await oauth.processDynamicClientRegistrationResponse(response);
  } catch (error) {
    throw new UpstreamDiscoveryError(`registering the gateway at ${as.issuer} failed: ${(error as Error).message}`, { cause: error });
  }
  const secret = typeof registered.client_secret === 'string' ? registered.client_secret : undefined;
  // Two people connecting at once may both register; the first row stored wins for everyone.
  await ctx.db
    .insert(upstreamOauthClients)
    .values({
      issuer: as.issuer,
      redirectUri,
      clientId: registered.client_id,
      clientSecret: secret ? ctx.secrets.encrypt(secret) : null,
      authMethod: String(registered.token_endpoint_auth_method ?? (secret ? 'client_secret_basic' : 'none')),
    })
    .onConflictDoNothing();
  const [row] = await ctx.db.select().from(upstreamOauthClients).where(key);
  return fromRow(ctx, row!);
}

function fromRow(ctx: ServiceContext, row: typeof upstreamOauthClients.$inferSelect): ClientIdentity {
  return { kind: 'registered', clientId: row.clientId, clientSecret: row.clientSecret ? ctx.secrets.decrypt(row.clientSecret) : undefined, authMethod: row.authMethod };
}

/** An openid-client Configuration for this AS and client, whose requests follow the outbound policy. */
export function clientConfiguration(as: UpstreamAuthorizationServer, identity: ClientIdentity, policy: OutboundPolicy): oidc.Configuration {
  const auth =
    identity.authMethod === 'none' || !identity.clientSecret
      ? oidc.None()
      : identity.authMethod === 'client_secret_post'
        ? oidc.ClientSecretPost(identity.clientSecret)
        : oidc.ClientSecretBasic(identity.clientSecret);
  const config = new oidc.Configuration(as.server, identity.clientId, { token_endpoint_auth_method: identity.authMethod }, auth);
  config[oidc.customFetch] = policy.fetch;
  config.timeout = 10;
  if (policy.allowsHttp) oidc.allowInsecureRequests(config);
  return config;
}
