import { hashApiToken } from '@switchboard/auth/api-token';
import type { DatabaseHandle } from '@switchboard/db/client';
import { apiTokens } from '@switchboard/db/schema';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { createApiToken } from './api-tokens.ts';
import type { ServiceContext } from './context.ts';

export type BootstrapResult =
  | { kind: 'env-token-registered' | 'env-token-present' | 'existing-tokens' }
  | { kind: 'env-token-revoked' }
  /** No admin token yet: one is minted by mintInitialAdminToken once the gateway serves. */
  | { kind: 'pending' }
  | { kind: 'generated'; token: string };

/** The advisory lock replicas take around bootstrapping (the same key as deps.ts). */
export const BOOTSTRAP_LOCK_KEY = 0x5b0a_d002;

/**
 * A fresh install must be administrable. `SWITCHBOARD_ADMIN_TOKEN`, when set, is registered
 * as an admin token (unless an administrator has revoked it — revocation wins). Without it,
 * and with no live admin token at all, the answer is `pending`: the token is minted only
 * once the gateway really serves (mintInitialAdminToken), so a first start that fails
 * later (port taken, bad --config) does not store a token nobody was ever shown.
 */
export async function bootstrapAdminToken(ctx: ServiceContext, envToken: string | undefined): Promise<BootstrapResult> {
  if (envToken) {
    const hash = hashApiToken(envToken);
    const [existing] = await ctx.db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hash));
    if (existing) return { kind: existing.revokedAt ? 'env-token-revoked' : 'env-token-present' };
    await ctx.db.insert(apiTokens).values({
      name: 'SWITCHBOARD_ADMIN_TOKEN',
      tokenHash: hash,
      prefix: `${envToken.slice(0, 4)}…`,
      scopes: ['admin'],
    });
    return { kind: 'env-token-registered' };
  }
  return (await hasLiveAdminToken(ctx)) ? { kind: 'existing-tokens' } : { kind: 'pending' };
}

async function hasLiveAdminToken(ctx: ServiceContext): Promise<boolean> {
  const [live] = await ctx.db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(
      and(
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date())),
        sql`'admin' = any(${apiTokens.scopes})`,
      ),
    )
    .limit(1);
  return Boolean(live);
}

/**
 * The initial admin token, for the caller to print once: called when the gateway listens
 * and its config file is applied. Under the bootstrap lock, so replicas starting together
 * mint one between them.
 */
export async function mintInitialAdminToken(database: Pick<DatabaseHandle, 'withAdvisoryLock'>, ctx: ServiceContext): Promise<BootstrapResult> {
  return database.withAdvisoryLock(BOOTSTRAP_LOCK_KEY, async () => {
    if (await hasLiveAdminToken(ctx)) return { kind: 'existing-tokens' } as const;
    const created = await createApiToken(ctx, { name: 'initial admin token', scopes: ['admin'] });
    return { kind: 'generated', token: created.token } as const;
  });
}

/** A new admin token whatever exists already: the host's recovery path (`npm run admin-token`). */
export async function issueRecoveryAdminToken(ctx: ServiceContext): Promise<string> {
  const created = await createApiToken(ctx, { name: `admin token from the host (${new Date().toISOString().slice(0, 10)})`, scopes: ['admin'] });
  return created.token;
}
