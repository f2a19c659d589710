import { hashApiToken } from '@switchboard/auth/api-token';
import { apiTokens } from '@switchboard/db/schema';
import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { createApiToken } from './api-tokens.ts';
import type { ServiceContext } from './context.ts';

export type BootstrapResult =
  | { kind: 'env-token-registered' | 'env-token-present' | 'existing-tokens' }
  | { kind: 'env-token-revoked' }
  | { kind: 'generated'; token: string };

/**
 * A fresh install must be administrable. `SWITCHBOARD_ADMIN_TOKEN`, when set, is registered
 * as an admin token (unless an administrator has revoked it — revocation wins). Without it,
 * and with no live admin token at all, one is generated for the caller to print once.
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
  if (live) return { kind: 'existing-tokens' };
  const created = await createApiToken(ctx, { name: 'initial admin token', scopes: ['admin'] });
  return { kind: 'generated', token: created.token };
}
