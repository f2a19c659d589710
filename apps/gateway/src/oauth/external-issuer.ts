import { identityProviders, users } from '@switchboard/db/schema';
import { eq, inArray } from 'drizzle-orm';
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { ExternalIssuerConfig } from '../config.ts';
import type { ServiceContext } from '../services/context.ts';
import { syncMappedRoles } from './provision-user.ts';

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

/**
 * External issuer mode: access tokens come from another authorization server (Keycloak,
 * Auth0, Dex, Entra) and are verified against its JWKS. The person is identified by the
 * configured email claim and provisioned as a user on first sight, so policies and the
 * audit trail work the same as with our own tokens. Each new token's claims map to roles
 * exactly as an OIDC login's do (the mappings for every provider, and those of an identity
 * provider with the same issuer); `onRolesChanged` tells the policy snapshot.
 */
export async function externalIssuerVerifier(
  ctx: ServiceContext,
  external: ExternalIssuerConfig,
  onRolesChanged: () => void = () => {},
): Promise<{ keys: JWTVerifyGetKey; resolveUser: (claims: JWTPayload) => Promise<string | undefined> }> {
  const jwksUrl = external.jwksUrl ?? (await discoverJwksUri(external.issuer));
  const keys = createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5000 });
  const known = new Map<string, string>();
  const bare = external.issuer.replace(/\/$/, '');
  const sameIssuer = [bare, `${bare}/`];
  async function userIdFor(claims: JWTPayload): Promise<string | undefined> {
    const email = claims[external.emailClaim];
    if (typeof email !== 'string' || !z.email().safeParse(email).success) return undefined;
    const normalized = email.toLowerCase();
    const cached = known.get(normalized);
    if (cached) return cached;
    const name = typeof claims.name === 'string' ? claims.name.slice(0, 200) : null;
    await ctx.db.insert(users).values({ email: normalized, name }).onConflictDoNothing({ target: users.email });
    const [row] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, normalized));
    if (row) known.set(normalized, row.id);
    return row?.id;
  }
  async function resolveUser(claims: JWTPayload): Promise<string | undefined> {
    const userId = await userIdFor(claims);
    if (!userId) return undefined;
    const [provider] = await ctx.db.select({ id: identityProviders.id }).from(identityProviders).where(inArray(identityProviders.issuer, sameIssuer));
    if (await syncMappedRoles(ctx.db, provider?.id ?? null, userId, claims)) onRolesChanged();
    return userId;
  }
  return { keys, resolveUser };
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`external issuer discovery failed: ${url} answered ${response.status}`);
  const document = discoverySchema.parse(await response.json());
  if (document.issuer !== issuer) throw new Error(`external issuer discovery: ${url} names issuer ${document.issuer}, expected ${issuer}`);
  return document.jwks_uri;
}
