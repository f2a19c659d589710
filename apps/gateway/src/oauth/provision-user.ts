import { idpRoleMappings, userIdentities, userRoles, users } from '@switchboard/db/schema';
import type { Executor } from '@switchboard/db/client';
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { ServiceContext } from '../services/context.ts';
import type { ProviderRow } from './identity-provider-client.ts';

export type ProvisionResult =
  | { ok: true; user: { id: string; email: string; isAdmin: boolean } }
  | { ok: false; message: string };

const claimValues = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? value.split(/[ ,]+/) : [];

/**
 * The user behind a provider login: found by (provider, subject); otherwise linked by email
 * (only when the provider vouches for the address, so nobody can claim a local account by
 * registering its email elsewhere) or created. Roles mapped from claims are then synced.
 */
export async function provisionUser(
  ctx: ServiceContext,
  provider: ProviderRow,
  claims: Record<string, unknown>,
  /** The login's tokens at the provider, sealed with the key ring (kept for token exchange); undefined keeps none. */
  sealedTokens?: string,
): Promise<ProvisionResult> {
  const subject = typeof claims.sub === 'string' ? claims.sub : undefined;
  const rawEmail = claims[provider.emailClaim];
  if (!subject) return { ok: false, message: 'The identity provider did not say who you are (no subject).' };
  return ctx.db.transaction(async (tx) => {
    const [identity] = await tx
      .select({ userId: userIdentities.userId })
      .from(userIdentities)
      .where(and(eq(userIdentities.identityProviderId, provider.id), eq(userIdentities.subject, subject)));
    let userId = identity?.userId;
    if (!userId) {
      if (typeof rawEmail !== 'string' || !rawEmail.includes('@')) return { ok: false, message: 'The identity provider did not share your email address.' };
      const email = rawEmail.toLowerCase();
      const [existing] = await tx.select().from(users).where(eq(users.email, email));
      if (existing && claims.email_verified !== true) {
        return { ok: false, message: 'An account with this email exists, but the provider has not verified the address.' };
      }
      const name = typeof claims[provider.nameClaim] === 'string' ? (claims[provider.nameClaim] as string).slice(0, 200) : null;
      userId = existing?.id ?? (await tx.insert(users).values({ email, name }).returning({ id: users.id }))[0]!.id;
      await tx.insert(userIdentities).values({ userId, identityProviderId: provider.id, subject, claims, tokens: sealedTokens ?? null });
    } else {
      await tx.update(userIdentities).set({ claims, lastLoginAt: new Date(), tokens: sealedTokens ?? null }).where(and(eq(userIdentities.identityProviderId, provider.id), eq(userIdentities.subject, subject)));
    }
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    if (!user || user.disabled) return { ok: false, message: 'This account is disabled.' };
    await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, userId));
    await syncMappedRoles(tx, provider.id, userId, claims);
    return { ok: true, user: { id: user.id, email: user.email, isAdmin: user.isAdmin } };
  });
}

/**
 * Grants the roles whose mapping matches the claims and removes mapped roles that no longer
 * match; manual roles are untouched. Mappings of `providerId` and those for every provider
 * apply (a null provider: only the latter). True when the user's roles changed.
 */
export async function syncMappedRoles(db: Executor, providerId: string | null, userId: string, claims: Record<string, unknown>): Promise<boolean> {
  const mappings = await db
    .select()
    .from(idpRoleMappings)
    .where(providerId ? or(eq(idpRoleMappings.identityProviderId, providerId), isNull(idpRoleMappings.identityProviderId)) : isNull(idpRoleMappings.identityProviderId));
  if (mappings.length === 0) return false;
  const granted = new Set(mappings.filter((m) => claimValues(claims[m.claim]).includes(m.value)).map((m) => m.roleId));
  const revoked = [...new Set(mappings.map((m) => m.roleId))].filter((id) => !granted.has(id));
  let changed = false;
  if (revoked.length) {
    const removed = await db.delete(userRoles).where(and(eq(userRoles.userId, userId), inArray(userRoles.roleId, revoked))).returning({ roleId: userRoles.roleId });
    changed = removed.length > 0;
  }
  if (granted.size) {
    const added = await db.insert(userRoles).values([...granted].map((roleId) => ({ userId, roleId }))).onConflictDoNothing().returning({ roleId: userRoles.roleId });
    changed ||= added.length > 0;
  }
  return changed;
}
