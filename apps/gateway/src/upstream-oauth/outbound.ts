import { isPublicAddress } from '@switchboard/auth/oauth/public-address';
import { guardedFetch, type SafeFetchOptions } from '@switchboard/auth/oauth/safe-fetch';
import type * as oidc from 'openid-client';

/**
 * Where the gateway may send requests while acting as an OAuth client of an upstream.
 *
 * The rule: an origin the administrator typed in (the upstream's URL, and the authorization
 * server they named in its settings) is contacted as configured, loopback and plain http
 * included — the gateway already connects there for MCP. Every other URL comes from a
 * document someone else controls (a 401's `resource_metadata`, the protected-resource
 * metadata's `authorization_servers`, the AS metadata's endpoints), so it gets the same
 * guard as a Client ID Metadata Document fetch: https only, every resolved address public,
 * the checked address is the one connected to, no redirects followed, size and time capped.
 */
export class OutboundPolicy {
  private readonly trusted: ReadonlySet<string>;

  constructor(
    trustedUrls: ReadonlyArray<string | undefined>,
    /** Tests only (as for CIMD): widen which addresses the guard allows, add a test CA. */
    private readonly guard: SafeFetchOptions = {},
  ) {
    this.trusted = new Set(trustedUrls.filter((u): u is string => Boolean(u)).map((u) => new URL(u).origin));
  }

  isTrusted(url: string | URL): boolean {
    return this.trusted.has(new URL(url).origin);
  }

  /** Any plain-http URL in use is a trusted one (others are refused), so openid-client may allow http. */
  get allowsHttp(): boolean {
    return [...this.trusted].some((origin) => origin.startsWith('http:'));
  }

  /**
   * Refuses, before any request, an endpoint a document named that the guard would refuse:
   * plain http or an IP literal that is not public, off the trusted origins. (The guard
   * still checks each name's resolved addresses when the request is made.)
   */
  checkEndpoint(what: string, url: string | undefined): void {
    if (url === undefined || this.isTrusted(url)) return;
    const target = new URL(url);
    if (target.protocol !== 'https:') throw new OutboundRefusedError(`${what} ${target.origin} is not https and not a configured address`);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const allowed = this.guard.isAllowedAddress ?? isPublicAddress;
    if ((/^[\d.]+$/.test(host) || host.includes(':')) && !allowed(host)) {
      throw new OutboundRefusedError(`${what} ${target.origin} is a private address the administrator did not configure`);
    }
    if (host === 'localhost' || host.endsWith('.localhost')) throw new OutboundRefusedError(`${what} ${target.origin} is a private address the administrator did not configure`);
  }

  /** The `fetch` for openid-client / oauth4webapi: plain to trusted origins, guarded everywhere else. */
  readonly fetch: oidc.CustomFetch = (url, options) => {
    if (this.isTrusted(url)) return fetch(url, { ...options, redirect: 'manual' } as RequestInit);
    return guardedFetch(url, options as Parameters<typeof guardedFetch>[1], this.guard).catch((error: Error) => {
      throw new OutboundRefusedError(`${new URL(url).origin}: ${error.message}`);
    });
  };
}

export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
}
