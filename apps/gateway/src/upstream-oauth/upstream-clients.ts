import type { SafeFetchOptions } from '@switchboard/auth/oauth/safe-fetch';
import type * as oidc from 'openid-client';
import type { ServiceContext } from '../services/context.ts';
import { type ClientIdentity, clientConfiguration, clientIdentity } from './client-identity.ts';
import { discoverAuthorizationServer, type UpstreamAuthorizationServer, UpstreamDiscoveryError } from './discovery.ts';
import { oauthOptionsSchema } from './options.ts';
import { OutboundPolicy } from './outbound.ts';

/** An upstream in the `oauth` mode, as this module needs it. */
export interface OAuthUpstream {
  id: string;
  name: string;
  url: string | null;
  options: Record<string, unknown>;
}

/** Everything needed to send a person to the upstream's AS and redeem what comes back. */
export interface UpstreamOAuthClient {
  as: UpstreamAuthorizationServer;
  identity: ClientIdentity;
  config: oidc.Configuration;
  scopes: string[];
}

const CACHE_MS = 60 * 60_000;

/**
 * Per upstream: discovery (RFC 9728 → RFC 8414/OIDC), the gateway's client identity at its
 * AS, and the openid-client Configuration — kept an hour (and until the upstream's URL or
 * options change); a failure is not kept, so the next attempt discovers again.
 */
export class UpstreamOAuthClients {
  private readonly cache = new Map<string, { fingerprint: string; at: number; client: Promise<UpstreamOAuthClient> }>();

  constructor(
    private readonly ctx: ServiceContext,
    /** Tests only: what the outbound guard allows (as `cimdFetch` for CIMD). */
    private readonly guard: SafeFetchOptions = {},
  ) {}

  get(upstream: OAuthUpstream, challenge?: string): Promise<UpstreamOAuthClient> {
    const fingerprint = JSON.stringify([upstream.url, upstream.options]);
    const cached = this.cache.get(upstream.id);
    if (cached && cached.fingerprint === fingerprint && Date.now() - cached.at < CACHE_MS && !challenge) return cached.client;
    const client = this.build(upstream, challenge);
    this.cache.set(upstream.id, { fingerprint, at: Date.now(), client });
    client.catch(() => {
      if (this.cache.get(upstream.id)?.client === client) this.cache.delete(upstream.id);
    });
    return client;
  }

  forget(upstreamId: string): void {
    this.cache.delete(upstreamId);
  }

  private async build(upstream: OAuthUpstream, challenge: string | undefined): Promise<UpstreamOAuthClient> {
    if (!upstream.url) throw new UpstreamDiscoveryError(`upstream "${upstream.name}" has no URL: only HTTP upstreams can use OAuth`);
    const parsed = oauthOptionsSchema.safeParse(upstream.options);
    if (!parsed.success) throw new UpstreamDiscoveryError(`upstream "${upstream.name}": invalid oauth options (${parsed.error.issues[0]?.message})`);
    const options = parsed.data;
    const policy = new OutboundPolicy([upstream.url, options.authorizationServer], this.guard);
    const as = await discoverAuthorizationServer(upstream.url, policy, { pinnedIssuer: options.authorizationServer, challenge });
    const identity = await clientIdentity(this.ctx, as, options, policy);
    const scopes = options.scopes ?? as.scopesSupported ?? [];
    return { as, identity, config: clientConfiguration(as, identity, policy), scopes };
  }
}
