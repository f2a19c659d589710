import { oauthRefreshTokens, webSessions } from '@switchboard/db/schema';
import { and, eq, isNull } from 'drizzle-orm';
import type { TxContext } from './context.ts';

/**
 * Everything that would let a disabled user back in without a fresh login: their browser
 * sessions (login pages and console) are deleted, their OAuth refresh tokens revoked and
 * the access tokens issued to them until now refused on every replica (the revocation
 * view, which does not wait for the policy snapshot to reload). Their open MCP sessions
 * end when the registry sees the change (registry.ts).
 */
export async function revokeUserAccess(ctx: TxContext, userId: string, now = new Date()): Promise<void> {
  await ctx.db.delete(webSessions).where(eq(webSessions.userId, userId));
  await ctx.db
    .update(oauthRefreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(oauthRefreshTokens.userId, userId), isNull(oauthRefreshTokens.revokedAt)));
  await ctx.revocations?.record(ctx.db, [{ kind: 'user', key: userId }], now.getTime());
}
