import { randomUUID } from 'node:crypto';
import type { SigningKeyHandle } from '@switchboard/auth/oauth/access-token';
import { SignJWT } from 'jose';
import type { CredentialProvider, CredentialSubject, CredentialUpstream, ResolvedCredential } from './types.ts';

const DEFAULT_LIFETIME_SECONDS = 300;
/** An assertion is renewed once less than this share of its life is left, so none expires in flight. */
const RENEW_AT_REMAINING = 0.2;
/** Assertions kept per (upstream, person); beyond it the cache starts over. */
const MAX_CACHED = 50_000;
/** The gateway's own assertion, which lists the catalog: longer-lived, renewed at a configuration load past half its life. */
const CATALOG_LIFETIME_SECONDS = 24 * 3600;
/** The `sub` of the gateway's own assertion: no person. */
export const GATEWAY_SUBJECT = 'switchboard';

export interface IdentityAssertionOptions {
  /** The gateway's issuer (its public URL): the `iss` the upstream checks, and where /oauth/jwks.json is. */
  issuer: string;
  /** The gateway's current signing key (the one that signs its access tokens; published at /oauth/jwks.json). */
  signingKey(): SigningKeyHandle;
}

/** The assertion's audience: configured, else the upstream's URL (stdio upstreams have none: a URN). */
export function assertionAudience(upstream: Pick<CredentialUpstream, 'url' | 'name' | 'options'>): string {
  return (upstream.options.audience as string | undefined) ?? upstream.url ?? `urn:switchboard:upstream:${upstream.name}`;
}

function assertionHeader(upstream: CredentialUpstream, jwt: string): Record<string, string> {
  const header = (upstream.options.header as string | undefined) ?? 'Authorization';
  return { [header]: header.toLowerCase() === 'authorization' ? `Bearer ${jwt}` : jwt };
}

/**
 * `identity-assertion`: a short-lived JWT the gateway signs for the person (iss = the
 * gateway, aud = the upstream, sub, email, roles), verifiable through the gateway's JWKS.
 * Typed `JWT`, not `at+jwt`: the gateway's own endpoints never take one as an access token.
 * Each person's assertion is cached and renewed before it expires; a renewal is a new
 * version, so that person's upstream connection is remade with it.
 */
export function identityAssertion(options: IdentityAssertionOptions): CredentialProvider {
  const cache = new Map<string, { jwt: string; expiresAt: number; renewAt: number }>();
  const catalogCache = new Map<string, { jwt: string; renewAt: number }>();
  const sign = (upstream: CredentialUpstream, claims: Record<string, unknown>, subject: string, lifetime: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: options.signingKey().alg, kid: options.signingKey().kid, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setSubject(subject)
      .setAudience(assertionAudience(upstream))
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetime)
      .setJti(randomUUID())
      .sign(options.signingKey().privateKey);
  const lifetimeOf = (upstream: CredentialUpstream) => (upstream.options.lifetimeSeconds as number | undefined) ?? DEFAULT_LIFETIME_SECONDS;

  return {
    mode: 'identity-assertion',
    needsConnection: false,
    async resolve(upstream: CredentialUpstream, subject: CredentialSubject): Promise<ResolvedCredential> {
      const key = `${upstream.id}:${subject.userId}`;
      const now = Date.now();
      let entry = cache.get(key);
      if (!entry || now >= entry.renewAt) {
        const lifetime = lifetimeOf(upstream);
        const jwt = await sign(upstream, { email: subject.email, roles: subject.roles }, subject.userId, lifetime);
        entry = { jwt, expiresAt: now + lifetime * 1000, renewAt: now + lifetime * 1000 * (1 - RENEW_AT_REMAINING) };
        if (cache.size >= MAX_CACHED) cache.clear();
        cache.set(key, entry);
      }
      return { mode: 'identity-assertion', key: subject.userId, version: String(entry.expiresAt), headers: assertionHeader(upstream, entry.jwt) };
    },
    async catalogCredential(upstream) {
      const key = `${upstream.id}:${assertionAudience(upstream)}`;
      let entry = catalogCache.get(key);
      if (!entry || Date.now() >= entry.renewAt) {
        const jwt = await sign(upstream, { roles: [] }, GATEWAY_SUBJECT, CATALOG_LIFETIME_SECONDS);
        entry = { jwt, renewAt: Date.now() + (CATALOG_LIFETIME_SECONDS * 1000) / 2 };
        catalogCache.set(key, entry);
      }
      return { headers: assertionHeader(upstream, entry.jwt) };
    },
  };
}
